"""Full-sibling index (GB/T 43641-2024 / SF/T 0117-2021 clauses 4.3-4.4).

Expected values are the IBD formula FSI = 1/4 + 1/2 P(IBD1)/P(IBD0) + 1/4 P(IBD2)/P(IBD0)
worked by hand (Evett & Weir 1998, ch. 8; theta 0).
"""

from __future__ import annotations

import pytest

from homeward.kinship.errors import ModelError
from homeward.kinship.frequencies import parse_frequency_table
from homeward.kinship.gbt43641 import full_sibling_conclusion, full_sibling_index
from homeward.kinship.profiles import Profile

TABLE = parse_frequency_table("locus,allele,frequency\nTH01,6,0.1\nTH01,7,0.2\n"
                              "TH01,8,0.3\nTH01,9,0.4\n")


def test_full_sibling_index_by_hand():
    both_aa = full_sibling_index(Profile("a", {"TH01": ("6", "6")}),
                                 Profile("b", {"TH01": ("6", "6")}), TABLE)
    assert both_aa.per_locus["TH01"] == pytest.approx(0.25 + 0.5 / 0.1 + 0.25 / 0.01)
    # ab and ac share one allele a: 1/4 + 1/2 * 1/(4 p_a)
    share_one = full_sibling_index(Profile("a", {"TH01": ("6", "7")}),
                                   Profile("b", {"TH01": ("6", "8")}), TABLE)
    assert share_one.per_locus["TH01"] == pytest.approx(0.25 + 0.5 / (4 * 0.1))
    # nothing shared: only the IBD0 term remains
    none = full_sibling_index(Profile("a", {"TH01": ("6", "7")}),
                              Profile("b", {"TH01": ("8", "9")}), TABLE)
    assert none.cfsi == pytest.approx(0.25)


def test_conclusion_needs_thresholds_from_the_standard():
    assert full_sibling_conclusion(2e4, supports_at=1e4, does_not_support_at=1e-4) == \
        "supports"
    assert full_sibling_conclusion(1e-5, supports_at=1e4, does_not_support_at=1e-4) == \
        "does-not-support"
    assert full_sibling_conclusion(10.0, supports_at=1e4, does_not_support_at=1e-4) == \
        "inconclusive"
    with pytest.raises(ModelError, match="thresholds"):
        full_sibling_conclusion(1.0, supports_at=1e-4, does_not_support_at=1e4)
