"""A batch of articles from files to the JSON document of incidents and statistics.

Unreadable items are reported one by one (which file, why) and the rest go on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from homeward.intake.cluster import Incident, cluster
from homeward.intake.documents import Document, UnreadableItem, read_article
from homeward.intake.news import ArticleReading
from homeward.intake.news import read_article as read_story


@dataclass
class NewsBatch:
    readings: list[ArticleReading] = field(default_factory=list)
    problems: list[UnreadableItem] = field(default_factory=list)

    @property
    def incidents(self) -> list[Incident]:
        return cluster([r.incident for r in self.readings if r.incident is not None])

    def as_json(self) -> dict[str, object]:
        return {
            "incidents": [incident.as_json() for incident in self.incidents],
            "statistics": [s.as_json() for r in self.readings for s in r.statistics],
            "problems": [{"item": p.item, "reason": p.reason} for p in self.problems],
        }


def read_documents(documents: Iterable[Document | UnreadableItem]) -> NewsBatch:
    batch = NewsBatch()
    for item in documents:
        if isinstance(item, UnreadableItem):
            batch.problems.append(item)
            continue
        batch.readings.append(read_story(item))
    return batch


def _documents(paths: Iterable[Path], urls: Mapping[str, str]
               ) -> Iterable[Document | UnreadableItem]:
    for path in paths:
        if path.is_dir():
            yield from _documents(sorted(p for p in path.iterdir() if p.is_file()), urls)
            continue
        try:
            yield read_article(path, urls.get(path.name))
        except UnreadableItem as problem:
            yield problem


def read_news(paths: Iterable[Path], urls: Mapping[str, str] | None = None) -> NewsBatch:
    """Every article under ``paths`` (files or folders), read, extracted and clustered;
    ``urls`` maps a file name to the address it was fetched from, when known."""
    return read_documents(_documents(paths, urls or {}))
