"""Decrypted profiles in memory, as the search indexes of automatic matching.

A :class:`ProfileStores` belongs to whoever serves the searches: the web application
creates one at start-up (``app.state.profile_stores``), a command creates its own. Each
database's :class:`ProfileStore` is loaded on first use and topped up with the rows
stored since (``refresh``). A rollback of a session that used a store drops that store,
so nothing uncommitted survives in memory; the next search loads it again. Only samples
taken for the search for missing children are ever loaded (the legal purpose of the DNA).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from homeward.config import Settings
from homeward.kinship.frequencies import FrequencyTable, load_packaged_table
from homeward.kinship.loci import CHINESE_KIT_EXTRA, CODIS_20
from homeward.kinship.model import KinshipModel
from homeward.kinship.mutation import MutationModel
from homeward.kinship.profiles import Profile
from homeward.kinship.search import ProfileIndex
from homeward.registry.models import Relative, Sample, StoredProfile
from homeward.security.crypto import ProfileCipher
from homeward.workflow.cases import RELATION_TO_TEST
from homeward.workflow.samples import LEGAL_PURPOSE

REFRESH_CHUNK = 20_000  # rows decrypted and indexed at a time by ProfileStore.refresh


def kinship_setup(settings: Settings) -> tuple[FrequencyTable, KinshipModel, list[str]]:
    """The frequency table, model and panel of loci that the registry's searches use."""
    table = load_packaged_table(settings.frequency_table)
    mutation = (MutationModel(settings.mutation_model, rate=settings.mutation_rate)  # type: ignore[arg-type]
                if settings.mutation_model else None)
    loci = [locus for locus in (*CODIS_20, *CHINESE_KIT_EXTRA) if locus in table]
    return table, KinshipModel(theta=settings.theta, mutation=mutation), loci


@dataclass
class RelativeEntry:
    profile_id: int
    relative_id: int
    report_id: int
    relation: str


@dataclass
class ProfileStore:
    """Decrypted profiles of one database, as search indexes."""

    table: FrequencyTable
    model: KinshipModel
    loci: list[str]
    children: ProfileIndex
    child_entries: dict[str, tuple[int, int]] = field(default_factory=dict)
    relatives: dict[str, ProfileIndex] = field(default_factory=dict)
    relative_entries: dict[str, RelativeEntry] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    max_profile_id: int = 0

    def relative_index(self, relationship: str) -> ProfileIndex:
        if relationship not in self.relatives:
            self.relatives[relationship] = ProfileIndex(self.table, self.loci, self.model)
        return self.relatives[relationship]

    def refresh(self, session: Session, cipher: ProfileCipher) -> None:
        """Load profiles stored since the last refresh, :data:`REFRESH_CHUNK` rows at a
        time (a server-side cursor on PostgreSQL): the rows and their decryption stay
        bounded whatever the size of the registry, and each chunk joins the indexes whole."""
        result = session.execute(
            select(StoredProfile.id, StoredProfile.specimen_id, StoredProfile.sealed,
                   Sample.found_child_id, Sample.relative_id, Relative.report_id,
                   Relative.relationship_to_child)
            .join(Sample, Sample.id == StoredProfile.sample_id)
            .outerjoin(Relative, Relative.id == Sample.relative_id)
            .where(StoredProfile.id > self.max_profile_id, Sample.purpose == LEGAL_PURPOSE)
            .order_by(StoredProfile.id)
            .execution_options(yield_per=REFRESH_CHUNK))
        for rows in result.partitions():
            self._load(rows, cipher)

    def _load(self, rows, cipher: ProfileCipher) -> None:
        new_children: list[Profile] = []
        new_relatives: dict[str, list[Profile]] = defaultdict(list)
        for pid, specimen, sealed, child_id, relative_id, report_id, relation in rows:
            profile = cipher.open(specimen, sealed)
            self.profiles[specimen] = profile
            if child_id is not None:
                new_children.append(profile)
                self.child_entries[specimen] = (pid, child_id)
            else:
                test = RELATION_TO_TEST[relation]
                new_relatives[test].append(profile)
                self.relative_entries[specimen] = RelativeEntry(pid, relative_id, report_id,
                                                                relation)
            self.max_profile_id = max(self.max_profile_id, pid)
        if new_children:
            self.children.add_profiles(new_children)
        for test, profiles in new_relatives.items():
            self.relative_index(test).add_profiles(profiles)


class ProfileStores:
    """The stores of one application or command, one per database; thread-safe."""

    def __init__(self) -> None:
        self._stores: dict[str, ProfileStore] = {}
        self._lock = threading.RLock()

    def store(self, session: Session, cipher: ProfileCipher,
              settings: Settings) -> ProfileStore:
        """The database's store, topped up with what ``session`` can see now."""
        key = str(session.get_bind().url)
        with self._lock:
            if key not in self._stores:
                table, model, loci = kinship_setup(settings)
                self._stores[key] = ProfileStore(table, model, loci,
                                                 ProfileIndex(table, loci, model))
            store = self._stores[key]
            self._drop_on_rollback(session, key)
            store.refresh(session, cipher)
            return store

    def _drop_on_rollback(self, session: Session, key: str) -> None:
        watched = session.info.setdefault("profile_stores", set())
        if id(self) in watched:
            return
        watched.add(id(self))

        def drop(_session: Session) -> None:
            self.drop(key)

        event.listen(session, "after_rollback", drop)

    def drop(self, key: str | None = None) -> None:
        """Forget one database's store (or all): the next search loads it again."""
        with self._lock:
            if key is None:
                self._stores.clear()
            else:
                self._stores.pop(key, None)
