"""Pedigrees: who is whose parent, checked before any likelihood is computed.

A pedigree is a small table (id, father, mother, sex), as in pedtools/forrel (Vigeland
2021, *Pedigree Analysis in R*, ch. 2). Founders have neither parent; a non-founder has
both (a child with one known parent gets an untyped founder for the other, as pedtools
requires). Validation names the offending record: a person listed twice, a parent who is
not in the pedigree, a father who is female or a mother who is male, a person who is
their own ancestor (a cycle).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from homeward.kinship.errors import DuplicateRecordError, InputError

Sex = Literal["male", "female"]
SEXES: tuple[str, ...] = ("male", "female")


@dataclass(frozen=True)
class Person:
    """One member of a pedigree; ``father``/``mother`` are ids or ``None`` (founder)."""

    id: str
    father: str | None = None
    mother: str | None = None
    sex: Sex | None = None

    @property
    def is_founder(self) -> bool:
        return self.father is None and self.mother is None


def parse_sex(text: str | None, person: str) -> Sex | None:
    """``male``/``female`` (also ``m``/``f``, ``1``/``2`` as in ped files); empty is unknown."""
    if text is None:
        return None
    value = text.strip().lower()
    if value in ("", "na", "unknown", "0"):
        return None
    if value in ("male", "m", "1"):
        return "male"
    if value in ("female", "f", "2"):
        return "female"
    raise InputError(f"sex {text!r} is not male or female", sample=person)


class Pedigree:
    """A validated pedigree; persons in an order where parents come before children."""

    def __init__(self, persons: Iterable[Person]) -> None:
        given: dict[str, Person] = {}
        for person in persons:
            if not person.id:
                raise InputError("a person has an empty id")
            if person.id in given:
                raise DuplicateRecordError("person appears twice in the pedigree",
                                           sample=person.id)
            given[person.id] = person
        completed = dict(given)
        for person in given.values():
            _check_parents(person, given)
            if (person.father is None) != (person.mother is None):
                completed.update(_complete_parents(person, completed))
        self._persons = {p.id: p for p in _topological(completed)}

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str | None, str | None, str | None]]
                  ) -> Pedigree:
        """Build from (id, father, mother, sex) rows; empty strings mean "none"."""
        persons = []
        for pid, father, mother, sex in rows:
            persons.append(Person(pid, father or None, mother or None, parse_sex(sex, pid)))
        return cls(persons)

    @property
    def persons(self) -> tuple[Person, ...]:
        return tuple(self._persons.values())

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._persons)

    def __contains__(self, pid: object) -> bool:
        return pid in self._persons

    def __getitem__(self, pid: str) -> Person:
        try:
            return self._persons[pid]
        except KeyError:
            raise InputError("person is not in the pedigree", sample=pid) from None

    def __len__(self) -> int:
        return len(self._persons)

    def founders(self) -> list[str]:
        return [p.id for p in self._persons.values() if p.is_founder]

    def children(self, pid: str) -> list[str]:
        return [p.id for p in self._persons.values() if pid in (p.father, p.mother)]

    def with_founder(self, pid: str, sex: Sex | None = None) -> Pedigree:
        """This pedigree plus one unrelated founder (the "POI unrelated" hypothesis)."""
        return Pedigree([*self.persons, Person(pid, None, None, sex)])

    def trimmed(self, keep: Iterable[str]) -> Pedigree:
        """Drop, repeatedly, persons outside ``keep`` who have no children.

        An untyped leaf contributes a factor 1 to the likelihood (its genotype sums out),
        so it can go; the result has the same likelihood for the persons kept.
        """
        keep = set(keep)
        persons = dict(self._persons)
        changed = True
        while changed:
            changed = False
            parents = {x for p in persons.values() for x in (p.father, p.mother) if x}
            for pid in list(persons):
                if pid not in keep and pid not in parents:
                    del persons[pid]
                    changed = True
        return Pedigree(persons.values())

    def to_dict(self) -> list[dict[str, str | None]]:
        return [{"id": p.id, "father": p.father, "mother": p.mother, "sex": p.sex}
                for p in self._persons.values()]


def _check_parents(person: Person, persons: Mapping[str, Person]) -> None:
    for role, parent_id, needed in (("father", person.father, "male"),
                                    ("mother", person.mother, "female")):
        if parent_id is None:
            continue
        if parent_id == person.id:
            raise InputError(f"person is their own {role}", sample=person.id)
        parent = persons.get(parent_id)
        if parent is None:
            raise InputError(f"{role} {parent_id!r} is not a person of this pedigree",
                             sample=person.id)
        if parent.sex is not None and parent.sex != needed:
            raise InputError(f"{parent_id!r} is {parent.sex} but is named as the {role}",
                             sample=person.id)
    if person.father is not None and person.father == person.mother:
        raise InputError(f"{person.father!r} is named as both father and mother",
                         sample=person.id)


def _complete_parents(person: Person, persons: dict[str, Person]) -> dict[str, Person]:
    """Add an untyped founder for the unknown parent of a child with one known parent."""
    role = "father" if person.father is None else "mother"
    extra_id = f"{person.id}:{role}"
    while extra_id in persons:
        extra_id += "'"
    extra = Person(extra_id, None, None, "male" if role == "father" else "female")
    fixed = Person(person.id, person.father or extra_id, person.mother or extra_id,
                   person.sex)
    return {extra_id: extra, person.id: fixed}


def _topological(persons: Mapping[str, Person]) -> list[Person]:
    """Parents before children; a cycle (someone their own ancestor) is an error."""
    order: list[Person] = []
    state: dict[str, int] = {}  # 1: in progress, 2: done

    def visit(pid: str, path: list[str]) -> None:
        if state.get(pid) == 2:
            return
        if state.get(pid) == 1:
            cycle = " -> ".join([*path[path.index(pid):], pid])
            raise InputError(f"person is their own ancestor ({cycle})", sample=pid)
        state[pid] = 1
        person = persons[pid]
        for parent in (person.father, person.mother):
            if parent is not None:
                visit(parent, [*path, pid])
        state[pid] = 2
        order.append(person)

    for pid in persons:
        visit(pid, [])
    return order
