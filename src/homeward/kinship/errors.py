"""Errors of the kinship engine, each with a message a user can act on.

Every error that comes from an input file carries the file, the row (1-based, the header
being row 1) and the locus where it applies, so that a lab can fix its export.
"""

from __future__ import annotations


class KinshipError(Exception):
    """Base class of every error raised by :mod:`homeward.kinship`."""


class InputError(KinshipError):
    """A problem in user input, located by file, row and locus where known."""

    def __init__(
        self,
        reason: str,
        *,
        source: str | None = None,
        row: int | None = None,
        locus: str | None = None,
        sample: str | None = None,
    ) -> None:
        self.reason = reason
        self.source = source
        self.row = row
        self.locus = locus
        self.sample = sample
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.source:
            where.append(str(self.source))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.sample:
            where.append(f"sample {self.sample!r}")
        if self.locus:
            where.append(f"locus {self.locus!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.reason}" if prefix else self.reason

    def located(self, *, source: str | None = None, row: int | None = None,
                sample: str | None = None) -> InputError:
        """Return a copy of this error with more location filled in."""
        return type(self)(
            self.reason,
            source=self.source or source,
            row=self.row if self.row is not None else row,
            locus=self.locus,
            sample=self.sample or sample,
        )


class MalformedFileError(InputError):
    """The file cannot be read as any supported format (wrong columns, binary, empty)."""


class UnknownLocusError(InputError):
    """A locus name that is not a known STR marker, even after normalisation."""


class InvalidAlleleError(InputError):
    """An allele that is not a repeat number, a microvariant, an off-ladder call or X/Y."""


class PossibleMixtureError(InputError):
    """More than two alleles at one locus: the sample may be a mixture of two people."""


class DuplicateRecordError(InputError):
    """The same sample and locus, or the same sample id, appears twice."""


class FrequencyTableError(InputError):
    """A frequency table that is malformed or whose locus does not sum to about 1."""


class UnknownSampleError(KinshipError):
    """A sample id asked for that is not in the profile set."""


class ModelError(KinshipError):
    """Parameters of the likelihood model that make no sense (theta out of range...)."""
