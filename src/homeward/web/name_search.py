"""Fuzzy search of published missing children by name: characters or pinyin, any order.

The index (:class:`NameIndex`) holds keys and report ids only, in a
:class:`~homeward.web.name_matching.NameTable` (how names are keyed, scored and ordered
is told there); the rows of the hits are re-read from the database by primary key, so a
closed alert disappears at once.

Keeping up with the registry, at a cost that does not grow with it:

- *change feed* (every ``recheck_seconds``, in a background thread): the newest audit
  sequence number and the newest report id, two index look-ups. When either moved, the
  reports named by the new audit events (``missing_report`` events, and events whose
  details name a ``report_id``, such as a geo-alert's publication) and the reports with
  new ids are re-read by primary key and changed in the table (a bulk load of
  ``REBUILD_AT`` reports or a quarter of the table is read whole instead). The audit
  chain's head is taken under a lock held to commit (homeward.registry.audit), so its
  sequence numbers become visible in order and none is passed over.
- *reconciliation* (every ``reconcile_seconds``, and after :meth:`NameIndex.invalidate`):
  the published ids, in blocks of ``ID_BLOCK`` consecutive ids, are summed up by the
  database (a count and a sum of hashed ids per block, :func:`block_digests`) and
  compared with the table's; the ids of the blocks that differ are read and those
  that differ re-read. It catches what no audit event names (SQL run by hand, an
  import that writes no events, a found child's geo-alert closing the report's page),
  and costs the database one pass over the table every few minutes, not every check.

The first search builds the table from every published report, read in id order, each
distinct name turned into keys once (pinyin is the slow part, and names repeat).
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np
from sqlalchemy import BigInteger, Engine, func, literal, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from homeward.registry.models import AuditEvent, MissingReport
from homeward.web.name_matching import Hit, NameMatcher, NameTable, name_keys, query_key
from homeward.workflow.states import PUBLIC_REPORT_STATES

__all__ = ["PUBLIC_STATES", "Hit", "NameIndex", "NameMatcher", "name_keys", "query_key"]

PUBLIC_STATES = PUBLIC_REPORT_STATES
READ_CHUNK = 5_000  # ids per IN list when reports are re-read
REBUILD_AT = 50_000  # changed reports from which a bulk load is read whole (and keyed once)
ID_BLOCK = 1 << 14  # consecutive report ids summed up together by the reconciliation
ID_MIX, ID_PRIME = 2_654_435_761, 4_294_967_291  # hash of an id: id·MIX mod PRIME
NAME_COLUMNS = (MissingReport.id, MissingReport.child_name_zh,
                MissingReport.child_name_pinyin, MissingReport.child_name)


class FeedHead(NamedTuple):
    """How far the index has read: the newest audit sequence number and report id."""

    audit_seq: int
    report_id: int


def feed_head(session: Session) -> FeedHead:
    return FeedHead(session.scalar(select(func.max(AuditEvent.seq))) or 0,
                    session.scalar(select(func.max(MissingReport.id))) or 0)


def reports_changed_since(session: Session, since: FeedHead, head: FeedHead) -> set[int]:
    """The reports that audit events after ``since`` name, and those with newer ids."""
    changed: set[int] = set()
    if head.audit_seq > since.audit_seq:
        events = session.execute(
            select(AuditEvent.entity, AuditEvent.entity_id, AuditEvent.details).where(
                AuditEvent.seq > since.audit_seq, AuditEvent.seq <= head.audit_seq,
                or_(AuditEvent.entity == "missing_report",
                    AuditEvent.details.contains('"report_id"'))))
        for entity, entity_id, details in events:
            if entity == "missing_report" and entity_id.isdigit():
                changed.add(int(entity_id))
            if '"report_id"' in details:
                named = json.loads(details).get("report_id")
                if isinstance(named, int):
                    changed.add(named)
    if head.report_id > since.report_id:
        changed.update(session.scalars(select(MissingReport.id).where(
            MissingReport.id > since.report_id, MissingReport.id <= head.report_id)))
    return changed


def published_keys(session: Session, report_ids: Iterable[int]) -> dict[int, list[str] | None]:
    """Each report's keys, or None when it is not published (or does not exist)."""
    wanted = sorted(set(report_ids))
    found: dict[int, list[str] | None] = dict.fromkeys(wanted)
    for start in range(0, len(wanted), READ_CHUNK):
        rows = session.execute(select(*NAME_COLUMNS).where(
            MissingReport.id.in_(wanted[start:start + READ_CHUNK]), MissingReport.published))
        for report_id, zh, pinyin, name in rows:
            found[report_id] = name_keys(zh, pinyin or name)
    return found


def all_published_keys(session: Session, *, chunk: int = 100_000
                       ) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(report id, keys) of every published report in id order, a keyset page of
    ``chunk`` rows at a time; each distinct name is keyed once (through Core: the ORM's
    row handling tripled the time at 2,000,000 reports)."""
    keyed: dict[tuple[str | None, str | None], tuple[str, ...]] = {}
    latin = func.coalesce(MissingReport.child_name_pinyin, MissingReport.child_name)
    last = 0
    while True:
        rows = session.connection().execute(
            select(MissingReport.id, MissingReport.child_name_zh, latin)
            .where(MissingReport.published, MissingReport.id > last)
            .order_by(MissingReport.id).limit(chunk)).all()
        for report_id, zh, name in rows:
            keys = keyed.get((zh, name))
            if keys is None:
                keys = keyed[zh, name] = tuple(name_keys(zh, name))
            yield report_id, keys
        if len(rows) < chunk:
            return
        last = rows[-1][0]


def block_digests(session: Session) -> dict[int, tuple[int, int]]:
    """Block of ``ID_BLOCK`` ids → (published reports, sum of their hashed ids)."""
    block = MissingReport.id // ID_BLOCK
    rows = session.connection().execute(
        select(block, func.count(), func.sum(
            MissingReport.id * literal(ID_MIX, BigInteger) % literal(ID_PRIME, BigInteger)))
        .where(MissingReport.published).group_by(block))
    return {int(b): (int(n), int(total)) for b, n, total in rows}


def table_digests(report_ids: np.ndarray) -> dict[int, tuple[int, int]]:
    """:func:`block_digests` of the reports in a table."""
    blocks, first, counts = np.unique(report_ids // ID_BLOCK, return_index=True,
                                      return_counts=True)
    sums = np.add.reduceat(report_ids * ID_MIX % ID_PRIME, first) if len(first) else first
    return {int(b): (int(n), int(t)) for b, n, t in zip(blocks, counts, sums, strict=True)}


class NameIndex:
    """In-process index of published reports' names, kept up with the registry's changes."""

    def __init__(self, recheck_seconds: float = 2.0,
                 reconcile_seconds: float = 300.0) -> None:
        self.recheck_seconds = recheck_seconds
        self.reconcile_seconds = reconcile_seconds
        self._table = NameTable.build(())  # replaced whole, never changed in place
        self._head: FeedHead | None = None  # None: not built yet
        self._behind = False
        self._checked = 0.0
        self._reconciled = 0.0
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Publication changed here: the next search reads the change feed before it
        answers, and the next background check reconciles the published ids."""
        self._behind, self._checked, self._reconciled = True, 0.0, -math.inf

    def _refresh(self, session: Session) -> None:
        """Build the table on first use, and catch up at once after :meth:`invalidate`;
        otherwise re-check every few seconds in a background thread while searches go on
        with the current table (public search runs on the event loop, which must not
        wait for the database's changes to be read)."""
        if self._head is None or self._behind:
            with self._lock:
                if self._head is None or self._behind:
                    self._behind = False
                    self._catch_up(session)
            return
        if time.monotonic() - self._checked < self.recheck_seconds:
            return
        if not self._lock.acquire(blocking=False):
            return  # another check is running
        self._checked = time.monotonic()
        threading.Thread(target=self._recheck, args=(session.get_bind(),), daemon=True,
                         name="name-index-recheck").start()

    def _recheck(self, bind: Engine) -> None:
        try:
            with Session(bind) as session:
                self._catch_up(session)
                if time.monotonic() - self._reconciled >= self.reconcile_seconds:
                    self._reconcile(session)
        except SQLAlchemyError as error:  # keep serving the current table
            logging.getLogger(__name__).warning("name index re-check failed: %s",
                                                type(error).__name__)
        finally:
            self._lock.release()

    def _catch_up(self, session: Session) -> None:
        """Build the table, or apply the changes the feed shows since the last look."""
        head = feed_head(session)  # read first: what changes after it is read next time
        if self._head is None:
            self._table = NameTable.build(all_published_keys(session))
            self._reconciled = time.monotonic()
        elif head != self._head:
            changed = reports_changed_since(session, self._head, head)
            if len(changed) >= max(REBUILD_AT, self._table.report_count // 4):
                self._table = NameTable.build(all_published_keys(session))
            else:
                self._table = self._table.with_reports(published_keys(session, changed))
        self._head = head
        self._checked = time.monotonic()

    def _reconcile(self, session: Session) -> None:
        """Re-read the reports whose publication differs from the table's."""
        table = self._table
        theirs, ours = block_digests(session), table_digests(table.report_ids)
        differ: list[int] = []
        for block in sorted(b for b in theirs.keys() | ours.keys()
                            if theirs.get(b) != ours.get(b)):
            low, high = block * ID_BLOCK, (block + 1) * ID_BLOCK
            published = np.fromiter(session.connection().execute(
                select(MissingReport.id).where(MissingReport.published,
                                               MissingReport.id >= low,
                                               MissingReport.id < high)).scalars(),
                dtype=np.int64)
            indexed = table.report_ids[np.searchsorted(table.report_ids, low):
                                       np.searchsorted(table.report_ids, high)]
            differ += np.setxor1d(published, indexed).tolist()
        if differ:
            self._table = table.with_reports(published_keys(session, differ))
        self._reconciled = time.monotonic()

    def search(self, session: Session, query: str, *, limit: int = 20,
               cutoff: float = 75.0) -> list[Hit]:
        key = query_key(query)
        if len(key) < 2:
            return []
        self._refresh(session)
        return self._table.search(key, limit=limit, cutoff=cutoff)
