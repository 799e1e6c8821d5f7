"""``dna_gaps`` on any family: which relative adds most, from the family's own pedigree."""

from __future__ import annotations

from homeward.workflow import cases
from homeward.workflow.dna_gaps import dna_gaps

from .world import make_family, sample_for, store, with_id


def test_a_grandmother_typed_family_is_told_whom_to_type_next(session, settings, cipher):
    """Grandmother typed; father, mother and the father's brother registered without DNA.
    Both parents add most; one parent adds more than an uncle, who still adds a little
    (he shares the grandfather's side, which the grandmother does not cover)."""
    family = make_family(session, settings)
    grandmother = cases.add_relative(session, actor="police", report=family.report,
                                     name="Wang Fang", relationship_to_child="grandmother")
    cases.add_relative(session, actor="police", report=family.report, name="Zhang Lei",
                       relationship_to_child="uncle")
    sample_for(session, "R-G", relative=grandmother)
    store(session, with_id(family.mother_profile, "R-G"), cipher, settings, match=False)
    (gap,) = dna_gaps(session, settings=settings)
    assert gap.typed == ["grandmother"]
    assert gap.registered_without_dna == ["father", "mother", "uncle"]
    assert gap.current_configuration == "grandparent"
    # a grandchild need not carry any allele of one grandparent: nobody can be excluded
    assert gap.current_exclusion_power == 0.0
    order = [s.relative for s in gap.suggestions]
    assert order[0] == "both parents"
    assert order.index("father") < order.index("uncle")
    assert order.index("mother") < order.index("uncle")
    assert all(s.gain > 0 for s in gap.suggestions)
    best = gap.suggestions[0]
    assert best.configuration == "couple" and best.expected_exclusion_power > 0.99
    assert any("grandparents placed" in note for note in gap.notes)
