"""One specimen id rule for every door: the workflow refuses what the API's schema refuses."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from homeward.registry.db import session_scope
from homeward.workflow import samples

from .world import make_family


@pytest.mark.parametrize("specimen_id", ["Q 3 <b>", "", "a" * 81, "R-1\n", "样本1"])
def test_register_sample_refuses_malformed_specimen_ids(specimen_id, factory, settings):
    with pytest.raises(samples.InvalidSpecimenIdError, match="not valid"):
        with session_scope(factory) as session:
            family = make_family(session, settings)
            samples.register_sample(
                session, actor="lab", specimen_id=specimen_id, collected_by="Officer Li",
                collected_at=dt.datetime.now(dt.UTC), relative=family.father,
                consent_given=True, consent_by="donor")


@pytest.mark.parametrize("specimen_id", ["R-F", "C000001", "lab.2024_07-3", "a" * 80])
def test_the_pattern_accepts_lab_ids(specimen_id):
    assert re.match(samples.SPECIMEN_ID_PATTERN, specimen_id)
    assert samples.check_specimen_id(specimen_id) == specimen_id
