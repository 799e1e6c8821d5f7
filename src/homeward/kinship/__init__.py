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
* simulation and error rates: :mod:`homeward.kinship.simulate`, :func:`lr_power`;
* any pedigree: :class:`Pedigree`, :class:`Person`, :func:`missing_person_lr`,
  :func:`missing_persons_lr` (a :class:`PedigreeLR`), :func:`exclusion_power`,
  :func:`expected_log10_lr` and :func:`rank_relatives_to_type` (who to type next);
* joint identification of many children against many families: :func:`identify`,
  :class:`RescuedChild`, :class:`Family`, :class:`MissingChild`, :func:`read_families`,
  :class:`PriorSettings` (sex, age, and the place and time vanished against the ring's
  :class:`RingContext`), :class:`JointResult`.
"""

from homeward.kinship.families import Family, MissingChild, read_families
from homeward.kinship.frequencies import (
    FrequencyTable,
    load_frequency_table,
    load_packaged_table,
    packaged_tables,
)
from homeward.kinship.joint import JointResult, RescuedChild, identify
from homeward.kinship.joint_prior import PriorSettings, RingContext
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
from homeward.kinship.missing import PedigreeLR, missing_person_lr, missing_persons_lr
from homeward.kinship.model import KinshipModel
from homeward.kinship.mutation import MutationModel
from homeward.kinship.pedigree import Pedigree, Person
from homeward.kinship.pedigree_power import (
    exclusion_power,
    expected_log10_lr,
    rank_relatives_to_type,
)
from homeward.kinship.power import lr_power
from homeward.kinship.profiles import Profile, ProfileSet
from homeward.kinship.readers import read_profiles
from homeward.kinship.search import CoupleIndex, ProfileIndex

__all__ = [
    "CoupleIndex", "Family", "FrequencyTable", "JointResult", "KinshipModel",
    "LikelihoodRatio", "MissingChild", "MutationModel", "Pedigree", "PedigreeLR", "Person",
    "PriorSettings", "Profile", "ProfileIndex", "ProfileSet", "RescuedChild", "RingContext",
    "canonical_locus", "couple_index", "exclusion_power", "expected_log10_lr", "identify",
    "kinship_lr", "load_frequency_table", "load_packaged_table", "lr_power",
    "missing_person_lr", "missing_persons_lr", "packaged_tables", "pairwise_lr",
    "paternity_index", "posterior_probability", "rank_relatives_to_type", "read_families",
    "read_profiles", "trio_paternity_index",
]
