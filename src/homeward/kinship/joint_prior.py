"""The prior of a joint identification: what the case data say about each pairing.

A joint identification (:mod:`homeward.kinship.joint`) scores the pairing of a rescued
child c with a missing child m by the DNA likelihood ratio and by a *prior weight*: the
log10 likelihood ratio of the case data, P(data | c is m) / P(data | c is not m), against
"no one here" (0 is neutral; DESIGN.md section 6: priors from case data beat a flat prior).
Case data and DNA are independent given the hypothesis, so their likelihood ratios
multiply and the weights add to the log10 LR (Evett & Weir, *Interpreting DNA Evidence*,
1998, on combining independent items of evidence)::

    w(c, m) = w_sex + w_age + w_place + w_time

- ``w_sex``: -inf when the recorded sexes differ; ``-inf`` too when m vanished after the
  rescue.
- ``w_age``: the age at rescue against the age when vanished plus the years since, a
  normal age-estimation error (``age_sd_years``) against a flat age over 0-18 years.
- ``w_place``, ``w_time``: where and when m vanished against the ring that held c. If c is
  m, m was taken by that ring, so m vanished in its source areas A with probability p_A
  (``ring_area_probability``: the records name only some of a ring's source areas), and
  within its active period widened by a margin, W = [first - margin, last + margin], with
  probability p_T (``ring_period_probability``: the first recorded sale comes after the
  abduction, a child may be held for years). If c is not m, m is one of the missing
  children at large, so the chances are the shares q_A, q_T of the comparison population
  (the open missing reports) that vanished in A, in W::

      w_place = clip(log10(p / q_A))                 m vanished inside A
              = clip(log10((1 - p) / (1 - q_A)))     m vanished outside A
              = 0                                    A or m's place unknown
      p       = max(p_A, q_A)
      q_A     = (n_A + 1) / (n + 2)                  add-one share: n of the population
                                                     with a known place, n_A inside A
      clip(x) = max(-b, min(b, x))                   b = ``max_log10_factor``

  and ``w_time`` alike with W, p_T and q_T. A ring's source areas are where it takes
  children more often than missing children at large vanish there, so p is never below
  q_A: areas that hold nearly every missing child anyway tell nothing (both factors 1),
  and vanishing outside them never counts for the pairing. The add-one (Laplace) share
  is never 0 or 1, so each factor is finite; the clip keeps judgement calls (p_A, p_T)
  and a ring's incomplete records from outweighing DNA: together place and time move a
  pairing by at most 2b in log10 (a factor 100 at b = 1), enough to tell near-equal DNA
  results apart, never enough to overturn a strong one. Place and time are taken as
  independent given either hypothesis (a simplification: a ring's areas and years are
  recorded apart).

Everything is plain input (area codes, dates, counts): the registry and investigations
(workflow/ring_context.py) or the command line derive them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from homeward.kinship.areas import area_code, in_areas
from homeward.kinship.errors import InputError
from homeward.kinship.families import MissingChild

if TYPE_CHECKING:
    from homeward.kinship.joint import RescuedChild

AGE_SPAN_YEARS = 18.0  # "no one here": a rescued child's age is flat over 0-18 years
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class RingContext:
    """Where and when the ring that held the rescued children took children.

    :param source_areas: area codes (:func:`homeward.kinship.areas.area_code`) of the
        provinces, prefectures or counties the ring took children from.
    :param active_from: first dated event of the ring (a sale, a child vanishing).
    :param active_to: last dated event (the rescue included); either bound may be open.
    :param sources: the records these were read from, for the printed prior.
    """

    source_areas: frozenset[str] = frozenset()
    active_from: dt.date | None = None
    active_to: dt.date | None = None
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "source_areas",
                           frozenset(area_code(a) for a in self.source_areas))
        if self.active_from and self.active_to and self.active_from > self.active_to:
            raise InputError(f"the ring's active period starts ({self.active_from}) after "
                             f"it ends ({self.active_to})")

    @property
    def has_period(self) -> bool:
        return self.active_from is not None or self.active_to is not None


@dataclass(frozen=True)
class Share:
    """How many of a population of missing children fall inside (areas or a period), of
    how many whose place or date is known; ``estimate`` is the add-one share."""

    inside: int
    known: int

    @property
    def estimate(self) -> float:
        return (self.inside + 1) / (self.known + 2)


@dataclass(frozen=True)
class PriorSettings:
    """How case data weigh an identification (log10, against "no one here")."""

    age_sd_years: float = 2.0
    rescue_date: dt.date | None = None
    ring: RingContext = field(default_factory=RingContext)
    ring_area_probability: float = 0.8
    ring_period_probability: float = 0.9
    period_margin_days: int = 365
    max_log10_factor: float = 1.0
    area_share: Share | None = None  # None: counted by with_base_rates
    period_share: Share | None = None

    def __post_init__(self) -> None:
        for name in ("ring_area_probability", "ring_period_probability"):
            value = getattr(self, name)
            if not 0.0 < value < 1.0:
                raise InputError(f"{name} {value} must lie strictly between 0 and 1")
        if not self.age_sd_years > 0:
            raise InputError(f"age_sd_years {self.age_sd_years} must be positive")
        if self.period_margin_days < 0 or not self.max_log10_factor >= 0:
            raise InputError("period_margin_days and max_log10_factor must not be negative")

    def window(self) -> tuple[dt.date | None, dt.date | None]:
        """The active period widened by the margin (None: open on that side)."""
        margin = dt.timedelta(days=self.period_margin_days)
        start, end = self.ring.active_from, self.ring.active_to
        return (start - margin if start else None, end + margin if end else None)

    def in_period(self, date: dt.date) -> bool:
        start, end = self.window()
        return (start is None or date >= start) and (end is None or date <= end)

    def with_base_rates(self, population: Iterable[MissingChild]) -> PriorSettings:
        """This prior with the shares q_A, q_T counted over ``population`` (the missing
        children a missing child is one of under "c is not m"); shares already set stay."""
        people = list(population)
        area, period = self.area_share, self.period_share
        if area is None and self.ring.source_areas:
            where = [in_areas(m.vanished_place, self.ring.source_areas) for m in people
                     if m.vanished_place]
            known = [w for w in where if w is not None]
            area = Share(sum(known), len(known))
        if period is None and self.ring.has_period:
            dates = [m.vanished for m in people if m.vanished]
            period = Share(sum(self.in_period(d) for d in dates), len(dates))
        return replace(self, area_share=area, period_share=period)

    def _factor(self, inside: bool, p: float, share: Share | None) -> float:
        q = (share or Share(0, 0)).estimate
        p = max(p, q)
        value = math.log10(p / q) if inside else math.log10((1.0 - p) / (1.0 - q))
        return max(-self.max_log10_factor, min(self.max_log10_factor, value))

    def place_log10(self, missing: MissingChild) -> float:
        """``w_place``: the missing child's vanishing place against the source areas."""
        if not self.ring.source_areas or not missing.vanished_place:
            return 0.0
        inside = in_areas(missing.vanished_place, self.ring.source_areas)
        if inside is None:
            return 0.0
        return self._factor(inside, self.ring_area_probability, self.area_share)

    def time_log10(self, missing: MissingChild) -> float:
        """``w_time``: the missing child's vanishing date against the active period."""
        if not self.ring.has_period or missing.vanished is None:
            return 0.0
        return self._factor(self.in_period(missing.vanished), self.ring_period_probability,
                            self.period_share)

    def age_log10(self, child: RescuedChild, missing: MissingChild) -> float:
        """``w_age``: one-sided (any older age fits) when the time since is unknown."""
        if child.age_years is None or missing.age_years is None:
            return 0.0
        expected = missing.age_years
        one_sided = True
        if missing.vanished and self.rescue_date:
            expected += (self.rescue_date - missing.vanished).days / DAYS_PER_YEAR
            one_sided = False
        if one_sided and child.age_years >= expected:
            return 0.0  # time since vanishing unknown: any older age fits
        z = (child.age_years - expected) / self.age_sd_years
        density = math.exp(-0.5 * z * z) / (self.age_sd_years * math.sqrt(2 * math.pi))
        if one_sided:
            density /= 1.0 / (self.age_sd_years * math.sqrt(2 * math.pi))
            return math.log10(density) if density > 0 else -math.inf
        return math.log10(density * AGE_SPAN_YEARS) if density > 0 else -math.inf

    def ring_log10(self, missing: MissingChild) -> float:
        """``w_place + w_time``: they depend on the missing child alone, so a joint
        identification computes them once per missing child, not once per pair."""
        return self.place_log10(missing) + self.time_log10(missing)

    def pair_log10(self, child: RescuedChild, missing: MissingChild) -> float:
        """``w_sex + w_age``: what depends on the pair."""
        if child.sex and missing.sex and child.sex != missing.sex:
            return -math.inf
        if missing.vanished and self.rescue_date and missing.vanished > self.rescue_date:
            return -math.inf
        return self.age_log10(child, missing)

    def log10_weight(self, child: RescuedChild, missing: MissingChild) -> float:
        """``w(c, m)`` of the module docstring."""
        return self.pair_log10(child, missing) + self.ring_log10(missing)

    def describe(self) -> dict[str, object]:
        """The prior in words (printed by the command line, shown on the page)."""
        return {
            "sex": "a child is never assigned to a missing child of the other sex",
            "age": (f"normal(expected age, sd {self.age_sd_years} y) against flat "
                    f"0-{AGE_SPAN_YEARS:g} y; expected age = age when vanished + years "
                    "since (rescue date "
                    f"{self.rescue_date.isoformat() if self.rescue_date else 'not given'})"),
            "place_time": "a child cannot have vanished after the rescue date",
            "source_areas": self._describe_areas(),
            "active_period": self._describe_period(),
            "no_one_here": "flat: each child is as likely unassigned as assigned a priori",
        }

    def _sources(self) -> str:
        return "; ".join(self.ring.sources) if self.ring.sources else "given"

    def _describe_factors(self, p: float, share: Share | None, what: str) -> str:
        q = (share or Share(0, 0)).estimate
        p = max(p, q)
        counted = (f"{share.inside} of {share.known} missing children with a known {what}"
                   if share else "no population counted")
        inside, outside = 10 ** self._factor(True, p, share), 10 ** self._factor(False, p,
                                                                                  share)
        return (f"factor {p:g} / {q:.3f} = {inside:.3g} inside, {1 - p:g} / {1 - q:.3f} = "
                f"{outside:.3g} outside ({p:g}: chance a child of the ring vanished inside, "
                f"never below the share; "
                f"{q:.3f}: add-one share of the population inside, {counted}); each factor "
                f"kept within 10^±{self.max_log10_factor:g}; a missing child with no "
                f"{what} recorded: factor 1")

    def _describe_areas(self) -> str:
        if not self.ring.source_areas:
            return ("not known: no source area of the ring is recorded, so where a child "
                    "vanished does not weigh (factor 1)")
        areas = ", ".join(sorted(self.ring.source_areas))
        return (f"vanished in the ring's source areas {areas} (from {self._sources()}): "
                + self._describe_factors(self.ring_area_probability, self.area_share,
                                         "place"))

    def _describe_period(self) -> str:
        if not self.ring.has_period:
            return ("not known: no dated event of the ring is recorded, so when a child "
                    "vanished does not weigh (factor 1)")
        start, end = self.window()
        span = (f"{self.ring.active_from or 'open'} to {self.ring.active_to or 'open'} "
                f"± {self.period_margin_days} days, i.e. {start or 'any date'} to "
                f"{end or 'any date'}")
        return (f"vanished within the ring's active period {span} (from {self._sources()}): "
                + self._describe_factors(self.ring_period_probability, self.period_share,
                                         "date"))


__all__ = ["AGE_SPAN_YEARS", "DAYS_PER_YEAR", "PriorSettings", "RingContext", "Share"]
