"""The radius of an alert as time passes since it was published.

China's missing-child emergency platform (Tuanyuan) reaches people within 100 km of the
place last seen in the first hour, 200 km in the second, 300 km in the third and 500 km
after (DESIGN.md section 7). Each alert may carry its own schedule; after its expiry an
alert stops widening (it keeps its last radius for updates and the closing notice).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MAX_STEPS = 12
MAX_RADIUS_KM = 5000.0


class ScheduleError(ValueError):
    """A radius schedule that does not start at 0 or does not widen."""


@dataclass(frozen=True)
class RadiusStep:
    after: dt.timedelta
    radius_km: float


@dataclass(frozen=True)
class RadiusSchedule:
    """Steps ordered by time; the first starts at publication (``after`` = 0)."""

    steps: tuple[RadiusStep, ...]

    def __post_init__(self) -> None:
        if not self.steps:
            raise ScheduleError("a radius schedule needs at least one step")
        if len(self.steps) > MAX_STEPS:
            raise ScheduleError(f"a radius schedule has at most {MAX_STEPS} steps")
        if self.steps[0].after != dt.timedelta(0):
            raise ScheduleError("the first radius step starts at 0 hours (publication)")
        for before, step in zip(self.steps, self.steps[1:], strict=False):
            if step.after <= before.after:
                raise ScheduleError(f"radius step at {step.after} does not come after "
                                    f"{before.after}")
            if step.radius_km <= before.radius_km:
                raise ScheduleError(f"the radius must widen: {step.radius_km:g} km after "
                                    f"{before.radius_km:g} km")
        for step in self.steps:
            if not 0 < step.radius_km <= MAX_RADIUS_KM:
                raise ScheduleError(f"radius {step.radius_km:g} km: use more than 0 and at "
                                    f"most {MAX_RADIUS_KM:g} km")

    @classmethod
    def of_hours(cls, pairs: list[tuple[float, float]] | tuple[tuple[float, float], ...]
                 ) -> RadiusSchedule:
        """``[(hours, km), ...]`` -> a schedule."""
        return cls(tuple(RadiusStep(dt.timedelta(hours=float(h)), float(km)) for h, km in pairs))

    @classmethod
    def parse(cls, text: str) -> RadiusSchedule:
        """``"0:100, 1:200, 2:300, 3:500"`` (hours:km) -> a schedule."""
        pairs = []
        for part in text.split(","):
            hours, sep, km = part.strip().partition(":")
            try:
                pairs.append((float(hours), float(km)))
            except ValueError:
                raise ScheduleError(f"radius step {part.strip()!r}: write hours:km, e.g. "
                                    "0:100, 1:200") from None
            if not sep:
                raise ScheduleError(f"radius step {part.strip()!r}: write hours:km")
        return cls.of_hours(pairs)

    def as_json(self) -> list[list[float]]:
        """``[[seconds, km], ...]``: what the alert row stores."""
        return [[step.after.total_seconds(), step.radius_km] for step in self.steps]

    @classmethod
    def from_json(cls, rows: list) -> RadiusSchedule:
        return cls(tuple(RadiusStep(dt.timedelta(seconds=float(s)), float(km))
                         for s, km in rows))

    def step_at(self, elapsed: dt.timedelta) -> int:
        """The index of the step in force ``elapsed`` after publication."""
        index = 0
        for i, step in enumerate(self.steps):
            if step.after <= elapsed:
                index = i
        return index

    def radius_at(self, elapsed: dt.timedelta) -> float:
        return self.steps[self.step_at(elapsed)].radius_km

    def describe(self) -> str:
        return ", ".join(f"{step.radius_km:g} km from {step.after.total_seconds() / 3600:g} h"
                         for step in self.steps)


DEFAULT_SCHEDULE = RadiusSchedule.of_hours([(0, 100), (1, 200), (2, 300), (3, 500)])


def step_due(schedule: RadiusSchedule, started_at: dt.datetime, expires_at: dt.datetime,
             now: dt.datetime) -> int:
    """The step an alert should have reached at ``now``: expiry freezes it."""
    return schedule.step_at(min(as_utc(now), as_utc(expires_at)) - as_utc(started_at))


def as_utc(moment: dt.datetime) -> dt.datetime:
    """An aware UTC datetime (SQLite gives back the naive UTC wall time)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
