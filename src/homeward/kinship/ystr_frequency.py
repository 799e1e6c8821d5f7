"""Y haplotype frequencies from a population database: discrete Laplace or kappa.

A Y haplotype is inherited whole, so the product rule over loci does not apply and most
haplotypes of a modern kit are unseen even in large databases. Two published estimators:

* ``"discrete-laplace"``: the mixture model of Andersen, Eriksen & Morling (2013), J Theor
  Biol 329:39-51 (:mod:`homeward.kinship.ystr_laplace`), fitted to the database. It gives
  every haplotype, seen or not, a probability from its distance to the clade centres.
* ``"kappa"``: Brenner (2010), "Fundamental problem of forensic mathematics -- the
  evidential value of a rare haplotype", FSI Genetics 4:281-291. For a haplotype *not* in
  a database of n men, of whom a fraction kappa carry a type seen once (singletons), the
  chance that a random man matches it is (1 - kappa) / n. A type seen c >= 1 times gets
  the count estimate (c + 1) / (n + 1) of the database augmented by the man in question.

The frequency is taken over the markers at which the haplotype has a standard call (one
whole repeat per copy); null, duplicated and intermediate calls are left out, which can
only raise the frequency (a conservative choice), and the result lists them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from homeward.kinship.errors import ModelError, UnknownLocusError
from homeward.kinship.ystr import YHaplotype, YHaplotypeSet, is_standard, repeat_value
from homeward.kinship.ystr_laplace import DiscreteLaplaceMixture, fit_discrete_laplace_adaptive
from homeward.kinship.ystr_loci import DYS389_SECOND_BLOCK, copies

METHODS = ("discrete-laplace", "kappa")
DEFAULT_METHOD = "discrete-laplace"

#: The simulated demonstration database shipped with Homeward (see its README.md).
PACKAGED_DATABASE = "simulated_yfiler_plus"


@dataclass(frozen=True)
class HaplotypeFrequency:
    """A haplotype's estimated frequency, with the method and the markers it covers."""

    value: float
    method: str
    markers: tuple[str, ...]
    left_out: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"frequency": self.value, "method": self.method, "markers": list(self.markers),
                "left_out": dict(self.left_out), **self.details}


def model_dims(markers: Iterable[str]) -> list[str]:
    """Dimensions of the frequency model: one per copy; DYS389II as its second block."""
    markers = list(markers)
    dims: list[str] = []
    for marker in markers:
        if marker == "DYS389II" and "DYS389I" in markers:
            dims.append(DYS389_SECOND_BLOCK)
        elif copies(marker) > 1:
            dims.extend(f"{marker}[{k}]" for k in range(1, copies(marker) + 1))
        else:
            dims.append(marker)
    return dims


def encode(haplotype: YHaplotype, markers: list[str]) -> np.ndarray:
    """The model values of one haplotype (NaN where untyped or non-standard)."""
    row: list[float] = []
    loci = haplotype.loci
    for marker in markers:
        call = loci.get(marker)
        n = copies(marker)
        if call is None or not is_standard(call, marker):
            row.extend([np.nan] * n)
        elif marker == "DYS389II" and "DYS389I" in markers:
            first = loci.get("DYS389I")
            ok = first is not None and is_standard(first, "DYS389I")
            row.append(repeat_value(call[0]) - repeat_value(first[0]) if ok and first
                       else np.nan)
        else:
            row.extend(repeat_value(a) for a in call)
    return np.array(row, dtype=float)


class HaplotypeDatabase:
    """A population sample of Y haplotypes and the frequency estimators over it.

    :param haplotypes: the men of the database (a population sample, not the relatives
        searched).
    :param name: shown in every result.
    :param max_clusters: the largest number of clades tried by the discrete Laplace fit.
    """

    def __init__(self, haplotypes: YHaplotypeSet | Iterable[YHaplotype], *, name: str,
                 max_clusters: int = 8, seed: int = 1) -> None:
        self.haplotypes = list(haplotypes.values() if isinstance(haplotypes, YHaplotypeSet)
                               else haplotypes)
        if not self.haplotypes:
            raise ModelError(f"the haplotype database {name!r} is empty")
        self.name = name
        self.markers = list(dict.fromkeys(m for h in self.haplotypes for m in h.loci))
        self.dims = model_dims(self.markers)
        self.max_clusters, self.seed = max_clusters, seed
        self._fit: DiscreteLaplaceMixture | None = None

    def __len__(self) -> int:
        return len(self.haplotypes)

    def check_markers(self, haplotype: YHaplotype) -> None:
        """Refuse a haplotype typed at a marker that the database does not have.

        :raises UnknownLocusError: naming the sample and the marker.
        """
        for marker in haplotype.loci:
            if marker not in self.markers:
                raise UnknownLocusError(
                    f"not in the haplotype database {self.name!r} (its markers: "
                    f"{', '.join(self.markers)}); use a database typed with the same kit, "
                    "or remove the marker from the profile", sample=haplotype.sample_id,
                    locus=marker)

    @property
    def laplace_fit(self) -> DiscreteLaplaceMixture:
        """The discrete Laplace mixture fitted to the database (fitted once, on demand)."""
        if self._fit is None:
            values = np.array([encode(h, self.markers) for h in self.haplotypes])
            self._fit = fit_discrete_laplace_adaptive(
                values, dims=tuple(self.dims), max_clusters=self.max_clusters, seed=self.seed)
        return self._fit

    def frequency(self, haplotype: YHaplotype, *, markers: Iterable[str] | None = None,
                  method: str = DEFAULT_METHOD) -> HaplotypeFrequency:
        """Estimated frequency of ``haplotype`` over ``markers`` (default: all it has).

        :raises UnknownLocusError: for a marker the database does not have.
        :raises ModelError: for an unknown method.
        """
        if method not in METHODS:
            raise ModelError(f"unknown haplotype frequency method {method!r}; known: "
                             f"{', '.join(METHODS)}")
        self.check_markers(haplotype)
        wanted = list(markers) if markers is not None else list(haplotype.loci)
        left_out = {m: "not typed" for m in wanted if m not in haplotype.loci}
        for m in wanted:
            call = haplotype.loci.get(m)
            if call is not None and not is_standard(call, m):
                left_out[m] = "null, duplicated or intermediate allele: not modelled"
        used = [m for m in self.markers if m in wanted and m not in left_out]
        if not used:
            raise ModelError(f"sample {haplotype.sample_id!r} has no standard call at a "
                             "marker of the database; no frequency can be estimated")
        if method == "kappa":
            return self._kappa(haplotype, used, left_out)
        fit = self.laplace_fit
        row = encode(haplotype, self.markers)
        keep = set(model_dims(used))
        if "DYS389II" in used and "DYS389I" in self.markers:
            keep.add(DYS389_SECOND_BLOCK)  # the database models DYS389II as II - I
        mask = np.array([d in keep for d in self.dims])
        row = np.where(mask, row, np.nan)
        return HaplotypeFrequency(
            fit.probability(row), "discrete-laplace", tuple(used), left_out,
            {"database": self.name, "database_size": len(self), "clusters": fit.clusters,
             "source": "Andersen, Eriksen & Morling 2013, J Theor Biol 329:39-51"})

    def _kappa(self, haplotype: YHaplotype, used: list[str],
               left_out: dict[str, str]) -> HaplotypeFrequency:
        typed = [h for h in self.haplotypes if all(m in h.loci for m in used)]
        n = len(typed)
        if n == 0:
            raise ModelError(f"no man of the database {self.name!r} is typed at all of "
                             f"{', '.join(used)}")
        counts = Counter(tuple(h.loci[m] for m in used) for h in typed)
        singletons = sum(1 for c in counts.values() if c == 1)
        kappa = singletons / n
        seen = counts.get(tuple(haplotype.loci[m] for m in used), 0)
        details = {"database": self.name, "database_size": n, "kappa": kappa,
                   "database_count": seen}
        if seen == 0:
            source = "Brenner 2010, FSI Genet 4:281-291: (1 - kappa)/n"
            if kappa == 1:  # (1 - kappa)/n = 0 would make any match infinitely strong
                source += ("; kappa = 1 (every man a singleton) gives 0, so the count "
                           "bound 1/(n + 1) is used instead")
            value = (1 - kappa) / n if kappa < 1 else 1 / (n + 1)
            return HaplotypeFrequency(value, "kappa", tuple(used), left_out,
                                      {**details, "source": source})
        return HaplotypeFrequency((seen + 1) / (n + 1), "count", tuple(used), left_out,
                                  {**details, "source": "augmented count (c + 1)/(n + 1)"})


def load_packaged_database(name: str = PACKAGED_DATABASE, **options: Any) -> HaplotypeDatabase:
    """Load a haplotype database shipped in ``kinship/data/ystr/`` (``<name>.csv``)."""
    from homeward.kinship.ystr_readers import parse_haplotypes

    folder = resources.files("homeward.kinship") / "data" / "ystr"
    path = folder / f"{name}.csv"
    if not path.is_file():
        known = sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csv"))
        raise ModelError(f"no shipped haplotype database {name!r}; shipped: "
                         f"{', '.join(known)}")
    haplotypes = parse_haplotypes(path.read_text(encoding="utf-8"), source=f"{name}.csv")
    return HaplotypeDatabase(haplotypes, name=name, **options)
