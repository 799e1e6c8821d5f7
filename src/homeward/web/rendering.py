"""Pages in the request's language: the Jinja2 environment and :func:`render`.

Kept apart from the application factory so that views never import the app (no import
circle between ``web.app`` and ``web.views``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from homeward.web import access, i18n
from homeward.web.deps import csrf_token

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """A page in the request's language, with the user, CSRF token and role helpers."""
    language = request.state.lang
    translate = i18n.translations(language).gettext
    context.update(request=request, user=getattr(request.state, "user", None),
                   _=translate, lang=language, languages=i18n.LANGUAGES,
                   csrf=csrf_token(request), can=access.can)
    return templates.TemplateResponse(request, name, context, status_code=status_code)
