"""English and Chinese interface from gettext catalogues (Babel).

Templates call ``_("English text")``. The Chinese catalogue is the ``.po`` file shipped
in ``locales/zh``; it is compiled in memory on first use, so no build step is needed.
The language comes from the ``lang`` cookie, else the browser's Accept-Language.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"


@lru_cache
def translations(language: str) -> gettext.NullTranslations:
    """``messages.po`` merged with the other ``*.po`` of the folder (one per feature,
    e.g. ``alerts.po``), so that each feature keeps its own catalogue."""
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    po = folder / "messages.po"
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    for extra in sorted(folder.glob("*.po")):
        if extra.name == po.name:
            continue
        with extra.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id and message.id not in catalog:
                    catalog[message.id] = message
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def choose_language(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGUAGES:
        return cookie
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE
