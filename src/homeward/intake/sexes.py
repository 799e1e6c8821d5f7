"""The sex of the children a text names: boy, son, 男孩, 男婴; girl, daughter, 女孩, 女婴."""

from __future__ import annotations

import re

SEX_WORDS = {"male": re.compile(r"\bboys?\b|\bsons?\b|男孩|男婴|男童|男宝|儿子", re.I),
             "female": re.compile(r"\bgirls?\b|\bdaughters?\b|女孩|女婴|女童|女宝|女儿", re.I)}


def sexes_in(text: str) -> list[str]:
    """The sexes of children the text names (boy, son, 男孩, 女儿...)."""
    return [sex for sex, pattern in SEX_WORDS.items() if pattern.search(text)]


def last_sex_named(text: str) -> str | None:
    """The sex named last in ``text`` ("卖掉一个男婴，父母能得到2万元" before the price: male)."""
    last = max(((m.start(), sex) for sex, pattern in SEX_WORDS.items()
                for m in pattern.finditer(text)), default=None)
    return last[1] if last else None
