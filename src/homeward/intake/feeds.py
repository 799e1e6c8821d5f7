"""RSS and Atom feeds (feedparser): each entry becomes a document to read like an article."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser

from homeward.intake.documents import Document, UnreadableItem, from_bytes_named, from_html


def read_feed(location: str) -> list[Document | UnreadableItem]:
    """The entries of a feed file or URL; an entry without a story is a problem, not a crash."""
    path = Path(location)
    if path.exists():
        try:
            data = path.read_bytes()
        except OSError as error:
            return [UnreadableItem(path.name, f"cannot be read ({error.strerror})")]
        if not data.strip():
            return [UnreadableItem(path.name, "the file is empty")]
        parsed = feedparser.parse(data)
        name = path.name
    else:
        parsed = feedparser.parse(location)
        name = location
    if not parsed.entries:
        reason = str(getattr(parsed, "bozo_exception", "")) or "no entries"
        return [UnreadableItem(name, f"not a readable RSS or Atom feed ({reason})")]
    out: list[Document | UnreadableItem] = []
    for number, entry in enumerate(parsed.entries, start=1):
        label = f"{name} entry {number}"
        body = ""
        if entry.get("content"):
            body = entry["content"][0].get("value", "")
        body = body or entry.get("summary", "")
        title = entry.get("title", "")
        published = None
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if stamp:
            published = dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)
        try:
            if "<" in body:
                document = from_html(f"<html><body><h1>{title}</h1>{body}</body></html>", label,
                                     entry.get("link"))
            else:
                document = from_bytes_named(f"{title}\n\n{body}".encode(), label,
                                            entry.get("link"))
        except UnreadableItem as problem:
            out.append(problem)
            continue
        out.append(Document(name=label, text=document.text, url=entry.get("link"),
                            title=title or document.title,
                            published=published or document.published))
    return out
