"""Turn the bytes of an article, page or feed entry into clean text with its publication date.

Real files arrive in every state: UTF-8 with or without a byte-order mark, GBK from Chinese
sites, whole web pages with navigation, adverts and donation boxes around the story, truncated
HTML, or something that is not text at all. Each problem becomes an :class:`UnreadableItem`
that names the file and the reason, so a batch reports it and carries on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import trafilatura
from charset_normalizer import from_bytes

from homeward.intake.dates import date_in_url, find_publication_date


class UnreadableItem(ValueError):
    """One item of a batch that cannot be read; the batch goes on without it."""

    def __init__(self, item: str, reason: str) -> None:
        super().__init__(f"{item}: {reason}")
        self.item = item
        self.reason = reason


@dataclass(frozen=True)
class Document:
    """The readable story of one article or post."""

    name: str
    text: str
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None


_HTML_HINT = re.compile(rb"<(!doctype\s+html|html|head|body|div|p|article)\b", re.I)
_MIN_TEXT = 20
# A stored news page is well under a megabyte; a file ten times the largest we have seen is
# a dump or an archive, and is refused before it is read.
MAX_ARTICLE_BYTES = 10 * 1024 * 1024


def decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (BOM dropped) first, then the detected encoding (GBK, Big5...)."""
    if not data.strip():
        raise UnreadableItem(name, "the file is empty")
    if b"\x00" in data[:4096]:
        raise UnreadableItem(name, "binary data, not text (NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnreadableItem(name, "not text in any known encoding")
    text = str(best)
    if _control_ratio(text) > 0.05:
        raise UnreadableItem(name, f"binary data, not text (best guess {best.encoding})")
    return text


def _control_ratio(text: str) -> float:
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / max(len(text), 1)


def looks_like_html(data: bytes | str) -> bool:
    head = data[:2048] if isinstance(data, bytes) else data[:2048].encode("utf-8", "ignore")
    return bool(_HTML_HINT.search(head))


def from_html(html: str, name: str, url: str | None = None) -> Document:
    """The main text of a web page, without navigation, adverts or donation boxes."""
    extracted = trafilatura.bare_extraction(html, url=url, include_comments=False,
                                            include_tables=False, favor_precision=True,
                                            with_metadata=True)
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not text or len(text.strip()) < _MIN_TEXT:
        # Truncated or unusual markup: fall back to every paragraph-like text node.
        text = trafilatura.html2txt(html) or ""
        if len(text.strip()) >= _MIN_TEXT and "\n\n" not in story_lines(text):
            raise UnreadableItem(name, "the page holds only navigation, no sentence of a story")
    if len(text.strip()) < _MIN_TEXT:
        raise UnreadableItem(name, "the page holds no readable story")
    title = getattr(extracted, "title", None) if extracted is not None else None
    # A date labelled in the page ("Published:", "发布时间：") or in its metadata comes first;
    # trafilatura's own date is a guess when the page has neither.
    published = find_publication_date(text, date_in_url(url)) or find_publication_date(html) \
        or _parse_iso(getattr(extracted, "date", None) if extracted is not None else None)
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return Document(name=name, text=text.strip(), title=title, url=url, published=published)


def _parse_iso(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def from_bytes_named(data: bytes, name: str, url: str | None = None) -> Document:
    text = decode(data, name)
    if looks_like_html(text):
        return from_html(text, name, url)
    text = text.replace("\r\n", "\n").strip()
    if len(text) < _MIN_TEXT:
        raise UnreadableItem(name, "too short to be an article")
    return Document(name=name, text=story_lines(text), url=url,
                    published=find_publication_date(text, date_in_url(url)))


_SENTENCE_END = re.compile(r"[.!?:：。！？\"”’）)]\s*$")
# Sentences ended inside a line: a paragraph whose last words are an agency credit ("—AP")
# or that the crawler cut mid-sentence is still a story paragraph.
_INNER_SENTENCE_END = re.compile(r"[.!?。！？][\"”’]?\s+(?=[A-Z\"“‘\u4e00-\u9fff])|[。！？]")
_MIN_INNER_ENDS = 2
_MIN_PARAGRAPH_WORDS = 20


_CONTINUATION = re.compile(r"^[a-z0-9(\"“]")
# on a hard-wrapped page, a line ending in a comma or a small word goes on in the next one
# ("traded in infants from Yunnan," / "Fujian, Guizhou, Sichuan,")
_OPEN_END = re.compile(r"(?:,|;|\b(?:and|or|of|in|from|the|a|an|to|by|for|with|at))$")
_MIN_WRAPPED_LINES = 3


def _unwrapped(lines: list[str]) -> list[str]:
    """Hard-wrapped English paragraphs joined again: a line that ends no sentence and is
    followed by one that starts in lower case ("sentenced 51 members of" / "a ring for ...")
    is one line cut by the crawler or the sender's mail client; on a page wrapped so, a line
    ending in a comma or a small word is joined to the next too."""
    wrapped = sum(1 for line in lines if _CONTINUATION.match(line)) >= _MIN_WRAPPED_LINES
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        continues = bool(_CONTINUATION.match(line)) \
            or (wrapped and bool(_OPEN_END.search(previous)) and line[:1].isalnum())
        if previous and line and previous.isascii() and line.isascii() \
                and not _SENTENCE_END.search(previous) and continues:
            joined[-1] = f"{previous} {line}"
        else:
            joined.append(line)
    return joined


def story_lines(text: str) -> str:
    """A plain-text page without its furniture: the headline and the lines that are sentences.

    Saved pages keep menus, share buttons, "related" lists and adverts as short lines without
    a full stop; a story line ends a sentence. The first line is the headline.
    """
    lines = _unwrapped([line.strip() for line in text.splitlines()])
    kept = [lines[0]] if lines else []
    for line in lines[1:]:
        words = len(line.split()) if line.isascii() else len(line) // 2
        ended = bool(_SENTENCE_END.search(line)) and words >= 6
        paragraph = words >= _MIN_PARAGRAPH_WORDS \
            and len(_INNER_SENTENCE_END.findall(line)) >= _MIN_INNER_ENDS
        if line and (ended or paragraph):
            kept.append(line)
    return "\n\n".join(kept)


def read_article(path: Path, url: str | None = None) -> Document:
    """One article file (plain text or HTML) as a :class:`Document`; ``url`` is where the
    crawler found it (its date is the publication date when the page states none)."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise UnreadableItem(path.name, f"too large for an article ({size // 1_048_576} MB; "
                                 f"the limit is {MAX_ARTICLE_BYTES // 1_048_576} MB)")
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableItem(path.name, f"cannot be read ({error.strerror})") from None
    return from_bytes_named(data, path.name, url)
