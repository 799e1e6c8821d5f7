"""A missing report's family as a pedigree: its typed relatives and the people between them.

The registry records each relative by ``relationship_to_child`` (workflow/cases.py
RELATION_TO_TEST); the kinship engine needs a pedigree table (id, father, mother, sex, as
in pedtools; Vigeland 2021, *Pedigree Analysis in R*, ch. 2) with the missing child and
untyped connecting persons (a parent who gave no DNA, the grandparents an aunt descends
from). The registry does not record which side of the family a grandparent, aunt, uncle or
cousin is on, nor which parent a half-sibling shares, so this module makes the choices
below and says each one in the family's notes:

- Parents are ``father`` and ``mother``; full siblings (``full-sibling``, ``brother``,
  ``sister``) are their children.
- Once both parents are typed, the child's genotype is independent of every relative who is
  not a descendant of the child (the child inherits only from its parents), so
  grandparents, aunts, uncles, cousins and half-siblings add nothing and are left out.
- Otherwise grandparents, aunts, uncles and cousins go on the side of the parent who is not
  typed (the father's side when neither is): with one parent typed, the relatives who come
  forward are most often the absent parent's family; when neither is, the side does not
  change the likelihood (autosomal inheritance is the same through either parent). A
  second grandfather or grandmother goes on the other side. An aunt or uncle is a full
  sibling of that parent; a cousin is the child of another (untyped) one.
- A half-sibling enters only when no parent and no side relative is typed and it is the
  only half-sibling: only then is the likelihood the same whichever parent is shared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from homeward.kinship.families import Family, MissingChild
from homeward.kinship.pedigree import Pedigree, Person, Sex

MISSING = "missing"
PARENTS: dict[str, Sex] = {"father": "male", "mother": "female"}
FULL_SIBLINGS: dict[str, Sex | None] = {"full-sibling": None, "brother": "male",
                                        "sister": "female"}
GRANDPARENTS: dict[str, Sex | None] = {"grandfather": "male", "grandmother": "female",
                                       "grandparent": None}
AUNTS_UNCLES: dict[str, Sex] = {"uncle": "male", "aunt": "female"}
SIDE_RELATIONS = (*GRANDPARENTS, *AUNTS_UNCLES, "cousin")
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class TypedRelative:
    """A relative of the report with a stored profile of the legal purpose."""

    relative_id: int
    relation: str
    sex: str | None
    specimen: str
    profile_id: int


@dataclass(frozen=True)
class FamilyPedigree:
    """The engine's :class:`Family` and who of the registry stands where in it."""

    family: Family
    typed: dict[str, TypedRelative]  # pedigree person id -> typed relative
    notes: list[str] = field(default_factory=list)
    left_out: list[TypedRelative] = field(default_factory=list)


def _sex(text: str | None) -> Sex | None:
    return text if text in ("male", "female") else None  # type: ignore[return-value]


def age_years(birth: dt.date | None, on: dt.date | None) -> float | None:
    """Age in whole days / 365.25 (None when either date is unknown or birth is later)."""
    if birth is None or on is None or on < birth:
        return None
    return (on - birth).days / DAYS_PER_YEAR


class _Builder:
    def __init__(self) -> None:
        self.rows: dict[str, Person] = {}
        self.typed: dict[str, TypedRelative] = {}
        self.notes: list[str] = []
        self.left_out: list[TypedRelative] = []

    def person(self, pid: str, sex: Sex | None, father: str | None = None,
               mother: str | None = None) -> str:
        if pid not in self.rows:
            self.rows[pid] = Person(pid, father, mother, sex)
        return pid

    def parents_of(self, side: str) -> tuple[str, str]:
        """The (untyped unless typed later) parents of ``father`` or ``mother``."""
        grandfather = self.person(f"{side}-father", "male")
        grandmother = self.person(f"{side}-mother", "female")
        parent = self.rows[side]
        self.rows[side] = Person(side, grandfather, grandmother, parent.sex)
        return grandfather, grandmother

    def leave_out(self, relative: TypedRelative, why: str) -> None:
        self.left_out.append(relative)
        self.notes.append(f"{relative.relation} {relative.specimen} left out: {why}")


def family_pedigree(report_id: int, relatives: Sequence[TypedRelative], *,
                    sex: str | None, birth_date: dt.date | None,
                    last_seen_date: dt.date | None,
                    last_seen_place: str | None = None) -> FamilyPedigree:
    """The family of one missing report as a validated pedigree with one missing child.

    :param relatives: the report's typed relatives (one profile each), in a stable order.
    :param last_seen_place: area code of the place last seen (for the prior).
    """
    build = _Builder()
    build.person("father", "male")
    build.person("mother", "female")
    build.person(MISSING, _sex(sex), "father", "mother")
    ordered = sorted(relatives, key=lambda r: r.relative_id)
    for relative in ordered:
        if relative.relation in PARENTS:
            if relative.relation in build.typed:
                build.leave_out(relative, f"a second {relative.relation} is recorded")
            else:
                build.typed[relative.relation] = relative
        elif relative.relation in FULL_SIBLINGS:
            pid = build.person(f"sibling-{relative.relative_id}",
                               FULL_SIBLINGS[relative.relation] or _sex(relative.sex),
                               "father", "mother")
            build.typed[pid] = relative
    both_parents = all(p in build.typed for p in PARENTS)
    side_relatives = [r for r in ordered if r.relation in SIDE_RELATIONS]
    if both_parents:
        for relative in side_relatives:
            build.leave_out(relative, "adds nothing once both parents are typed")
    else:
        _place_side_relatives(build, side_relatives)
    _place_half_siblings(build, [r for r in ordered if r.relation == "half-sibling"],
                         both_parents or bool(side_relatives))
    for relative in ordered:
        known = (*PARENTS, *FULL_SIBLINGS, *SIDE_RELATIONS, "half-sibling")
        if relative.relation not in known:
            build.leave_out(relative, "this relationship has no place in the pedigree")
    fid = f"report-{report_id}"
    missing = MissingChild(fid, MISSING, _sex(sex), age_years(birth_date, last_seen_date),
                           last_seen_date, last_seen_place)
    family = Family(fid, Pedigree(build.rows.values()), (missing,), {})
    return FamilyPedigree(family, build.typed, build.notes, build.left_out)


def _place_side_relatives(build: _Builder, relatives: Sequence[TypedRelative]) -> None:
    if not relatives:
        return
    sides = ["father", "mother"]
    if "father" in build.typed:
        sides.reverse()
    first = sides[0]
    placed_sides: set[str] = set()
    for relative in relatives:
        if relative.relation not in GRANDPARENTS:
            continue
        sex = GRANDPARENTS[relative.relation] or _sex(relative.sex)
        slot = next(((side, role) for side in sides for role in ("father", "mother")
                     if (sex is None or PARENTS[role] == sex)
                     and f"{side}-{role}" not in build.typed), None)
        if slot is None:
            build.leave_out(relative, "no grandparent place is free on either side")
            continue
        side, role = slot
        build.parents_of(side)
        build.typed[f"{side}-{role}"] = relative
        placed_sides.add(side)
    for side in sorted(placed_sides):
        build.notes.append(f"grandparents placed as the {side}'s parents (the registry does "
                           "not record the side)")
    for relative in relatives:
        if relative.relation in AUNTS_UNCLES:
            grandfather, grandmother = build.parents_of(first)
            pid = build.person(f"{first}-sibling-{relative.relative_id}",
                               AUNTS_UNCLES[relative.relation], grandfather, grandmother)
            build.typed[pid] = relative
            build.notes.append(f"{relative.relation} {relative.specimen} placed as a full "
                               f"sibling of the {first}")
        elif relative.relation == "cousin":
            grandfather, grandmother = build.parents_of(first)
            link = build.person(f"cousin-{relative.relative_id}-parent", "male", grandfather,
                                grandmother)
            spouse = build.person(f"cousin-{relative.relative_id}-other-parent", "female")
            pid = build.person(f"cousin-{relative.relative_id}", _sex(relative.sex), link,
                               spouse)
            build.typed[pid] = relative
            build.notes.append(f"cousin {relative.specimen} placed as a child of a sibling "
                               f"of the {first}")


def _place_half_siblings(build: _Builder, relatives: Sequence[TypedRelative],
                         others_typed: bool) -> None:
    for relative in relatives:
        if others_typed or any(p in build.typed for p in PARENTS) or len(relatives) > 1:
            build.leave_out(relative, "which parent is shared is not recorded, and it "
                            "matters here")
            continue
        other = build.person(f"halfsib-{relative.relative_id}-father", "male")
        pid = build.person(f"halfsib-{relative.relative_id}", _sex(relative.sex), other,
                           "mother")
        build.typed[pid] = relative
        build.notes.append(f"half-sibling {relative.specimen} placed as the mother's child "
                           "(the likelihood is the same through either parent here)")
