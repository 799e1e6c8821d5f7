"""Named relationships and their hypotheses.

Pairwise relationships are given by IBD coefficients (k0, k1, k2) (Evett & Weir 1998;
Weir, Anderson & Hepler 2006). Parent-child comparisons use the nuclear-family formulas,
which add mutation models: ``parent-child`` (duo), ``trio`` (alleged parent with the
other parent typed and undisputed) and ``couple`` (both alleged parents, e.g. a couple
searching for their child).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from homeward.kinship.errors import ModelError

RelationshipKind = Literal["duo", "trio", "couple", "pairwise"]


@dataclass(frozen=True)
class Relationship:
    """A hypothesis H1 tested against H2 = "unrelated".

    :param name: the CLI name, e.g. ``"full-siblings"``.
    :param kind: ``duo``, ``trio``, ``couple`` or ``pairwise`` (IBD coefficients).
    :param kappa: (k0, k1, k2) for pairwise relationships.
    """

    name: str
    kind: RelationshipKind
    kappa: tuple[float, float, float] | None = None

    @property
    def persons(self) -> int:
        return 3 if self.kind in ("trio", "couple") else 2

    def describe(self) -> str:
        if self.kind == "duo":
            return "person2 is a parent of person1 (child) vs unrelated; other parent untyped"
        if self.kind == "trio":
            return ("person2 is the other parent of person1 (child), person3 the known "
                    "parent, vs person2 unrelated")
        if self.kind == "couple":
            return "person2 and person3 are both parents of person1 (child) vs unrelated"
        k0, k1, k2 = self.kappa or (0, 0, 0)
        return f"{self.name} (k0={k0:g}, k1={k1:g}, k2={k2:g}) vs unrelated"


FULL_SIBLINGS = (0.25, 0.5, 0.25)
HALF_SIBLINGS = (0.5, 0.5, 0.0)
FIRST_COUSINS = (0.75, 0.25, 0.0)

PRESETS: dict[str, Relationship] = {
    "parent-child": Relationship("parent-child", "duo", (0.0, 1.0, 0.0)),
    "trio": Relationship("trio", "trio"),
    "couple": Relationship("couple", "couple"),
    "full-siblings": Relationship("full-siblings", "pairwise", FULL_SIBLINGS),
    "half-siblings": Relationship("half-siblings", "pairwise", HALF_SIBLINGS),
    "grandparent": Relationship("grandparent", "pairwise", HALF_SIBLINGS),
    "avuncular": Relationship("avuncular", "pairwise", HALF_SIBLINGS),
    "first-cousins": Relationship("first-cousins", "pairwise", FIRST_COUSINS),
}


def parse_relationship(text: str | Relationship) -> Relationship:
    """A preset name or ``kappa:K0,K1,K2``.

    :raises ModelError: for unknown names and coefficients that are not a distribution.
    """
    if isinstance(text, Relationship):
        return text
    name = text.strip().lower()
    if name in PRESETS:
        return PRESETS[name]
    if name.startswith("kappa:"):
        parts = name[6:].split(",")
        try:
            k0, k1, k2 = (float(p) for p in parts)
        except ValueError:
            raise ModelError(f"{text!r}: write kappa:K0,K1,K2, e.g. kappa:0.25,0.5,0.25") \
                from None
        if min(k0, k1, k2) < 0 or abs(k0 + k1 + k2 - 1.0) > 1e-9:
            raise ModelError(f"{text!r}: IBD coefficients must be >= 0 and sum to 1")
        if k0 == 0 and k2 == 0 and k1 == 1:
            return PRESETS["parent-child"]
        return Relationship(f"kappa:{k0:g},{k1:g},{k2:g}", "pairwise", (k0, k1, k2))
    raise ModelError(
        f"unknown relationship {text!r}; use one of {', '.join(PRESETS)} or kappa:K0,K1,K2"
    )
