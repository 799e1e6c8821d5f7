"""The review sheet of a match: both profiles locus by locus, per-locus LRs, the posterior.

Shared by the review page and the JSON API (the API never imports from the HTML views);
every profile shown is read through the audited profile read.
"""

from __future__ import annotations

import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.kinship.loci import is_amelogenin
from homeward.kinship.lr import posterior_probability
from homeward.registry.models import Match, StoredProfile
from homeward.security.crypto import ProfileCipher
from homeward.workflow.samples import read_profile

PRIOR = 0.5


def review_sheet(session: Session, match: Match, *, actor: str,
                 cipher: ProfileCipher) -> dict:
    """Everything the review page and the API show for one match (profile reads audited)."""
    ids = [match.child_profile_id, match.relative_profile_id, match.other_parent_profile_id]
    stored = {p.id: p for p in session.scalars(select(StoredProfile).where(
        StoredProfile.id.in_([i for i in ids if i is not None])))}
    people = []
    for label, profile_id in zip(("child", "relative", "other parent"), ids, strict=True):
        if profile_id is None:
            continue
        specimen = stored[profile_id].specimen_id
        people.append((label, specimen, read_profile(
            session, specimen, actor=actor, reason=f"review of match {match.id}",
            cipher=cipher)))
    loci = sorted({locus for _, _, p in people for locus in p.genotypes
                   if not is_amelogenin(locus)} | set(match.per_locus))
    rows = []
    for locus in loci:
        result = match.per_locus.get(locus)
        rows.append({"locus": locus,
                     "genotypes": ["/".join(p.genotypes[locus]) if locus in p.genotypes
                                   else "–" for _, _, p in people],
                     "lr": result["lr"] if result else None,
                     "excluded": bool(result and result["excluded"])})
    return {"match": match, "people": [(label, specimen) for label, specimen, _ in people],
            "rows": rows, "posterior": posterior_probability(match.log10_lr, PRIOR), "prior": PRIOR,
            "lr": 10 ** match.log10_lr if match.log10_lr < 300 else math.inf}
