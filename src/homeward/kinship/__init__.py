"""The kinship engine: pure science over NumPy arrays, no I/O beyond reading files.

What it offers:

* profiles and files: :class:`Profile`, :class:`ProfileSet`, :func:`read_profiles`,
  :func:`canonical_locus`;
* populations: :class:`FrequencyTable`, :func:`load_frequency_table`,
  :func:`load_packaged_table`, :func:`packaged_tables`;
* models: :class:`KinshipModel` (theta), :class:`MutationModel` (equal, proportional,
  stepwise);
* likelihood ratios: :func:`kinship_lr` and the named shortcuts
  :func:`paternity_index`, :func:`trio_paternity_index`, :func:`couple_index`,
  :func:`pairwise_lr`, returning a :class:`LikelihoodRatio`;
* search: :class:`ProfileIndex` and :class:`CoupleIndex`;
* simulation and error rates: :mod:`homeward.kinship.simulate`, :func:`lr_power`.
"""

from homeward.kinship.frequencies import (
    FrequencyTable,
    load_frequency_table,
    load_packaged_table,
    packaged_tables,
)
from homeward.kinship.loci import canonical_locus
from homeward.kinship.lr import (
    LikelihoodRatio,
    couple_index,
    kinship_lr,
    pairwise_lr,
    paternity_index,
    posterior_probability,
    trio_paternity_index,
)
from homeward.kinship.model import KinshipModel
from homeward.kinship.mutation import MutationModel
from homeward.kinship.power import lr_power
from homeward.kinship.profiles import Profile, ProfileSet
from homeward.kinship.readers import read_profiles
from homeward.kinship.search import CoupleIndex, ProfileIndex

__all__ = [
    "CoupleIndex", "FrequencyTable", "KinshipModel", "LikelihoodRatio", "MutationModel",
    "Profile", "ProfileIndex", "ProfileSet", "canonical_locus", "couple_index",
    "kinship_lr", "load_frequency_table", "load_packaged_table", "lr_power",
    "packaged_tables", "pairwise_lr", "paternity_index", "posterior_probability",
    "read_profiles", "trio_paternity_index",
]
