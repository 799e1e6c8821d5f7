"""A national-scale kinship search on a simulated population, as a readable report.

Families lose a child; some parents gave DNA, some only one parent, some none (the
bottleneck of the national database, DESIGN.md section 1). Rescued children, plus street
children with no family on record, are searched against every reference profile (duo)
and against registered couples; the report shows who is found, at what LR, and how many
false hits the threshold lets through.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from homeward.kinship import simulate
from homeward.kinship.frequencies import load_packaged_table
from homeward.kinship.loci import CHINESE_KIT_EXTRA, CODIS_20
from homeward.kinship.model import KinshipModel, build_locus_models
from homeward.kinship.mutation import MutationModel
from homeward.kinship.search import CoupleIndex, ProfileIndex


@dataclass(frozen=True)
class DemoOutcome:
    child: str
    true_family: str | None
    top_reference: str | None
    top_log10_lr: float
    couple_log10_lr: float | None
    found: bool


def run_kinship_demo(*, families: int = 3000, unrelated: int = 50_000, rescued: int = 200,
                     street: int = 50, seed: int = 2026, threshold: float = 10_000.0,
                     progress: bool = True) -> tuple[list[DemoOutcome], dict[str, float]]:
    """Simulate, index and search; returns per-child outcomes and summary figures."""
    from tqdm import tqdm

    rng = np.random.default_rng(seed)
    table = load_packaged_table()
    model = KinshipModel(theta=0.01, mutation=MutationModel("stepwise", rate=0.002))
    loci = [*CODIS_20, *CHINESE_KIT_EXTRA]
    models = list(build_locus_models(table, model, loci).values())

    child, father, mother = simulate.related("trio", models, families, rng)
    gave = rng.random(families)
    both = gave < 0.55
    father_only = (gave >= 0.55) & (gave < 0.70)
    mother_only = (gave >= 0.70) & (gave < 0.85)
    fathers_in = both | father_only
    mothers_in = both | mother_only
    refs_f = simulate.to_profiles(father[:, :, fathers_in], models,
                                  [f"F{i:05d}" for i in np.nonzero(fathers_in)[0]])
    refs_m = simulate.to_profiles(mother[:, :, mothers_in], models,
                                  [f"M{i:05d}" for i in np.nonzero(mothers_in)[0]])
    strangers = simulate.founders(models, unrelated, rng)
    started = time.perf_counter()
    index = ProfileIndex.from_profiles(refs_f + refs_m, table, model=model, loci=loci)
    codes = simulate.genotype_codes(strangers)
    index.codes = np.ascontiguousarray(np.concatenate([index.codes, codes], axis=1))
    for i in range(unrelated):
        index._positions[f"U{i:06d}"] = len(index.sample_ids)
        index.sample_ids.append(f"U{i:06d}")
    couples = CoupleIndex(index, [(f"F{i:05d}", f"M{i:05d}") for i in np.nonzero(both)[0]])
    build_s = time.perf_counter() - started

    picked = rng.choice(families, size=min(rescued, families), replace=False)
    queries = simulate.to_profiles(child[:, :, picked], models,
                                   [f"CHILD-{i:05d}" for i in picked])
    street_children = simulate.to_profiles(simulate.founders(models, street, rng), models,
                                           [f"STREET-{i:03d}" for i in range(street)])
    outcomes: list[DemoOutcome] = []
    search_ms: list[float] = []
    log_threshold = np.log10(threshold)
    for query in tqdm([*queries, *street_children], desc="searching", disable=not progress):
        family = int(query.sample_id.split("-")[1]) if query.sample_id.startswith("CHILD") \
            else None
        t0 = time.perf_counter()
        duo = index.search(query, "parent-child", k=3)
        couple = couples.search(query, k=1)
        search_ms.append((time.perf_counter() - t0) * 1000)
        top = duo.hits[0] if duo.hits else None
        best_couple = couple.hits[0] if couple.hits else None
        family_ids = set() if family is None else {f"F{family:05d}", f"M{family:05d}"}
        found = bool(top and top.log10_lr >= log_threshold and top.sample_id in family_ids)
        if best_couple and best_couple.log10_lr >= log_threshold and \
                best_couple.sample_id in family_ids:
            found = True
        outcomes.append(DemoOutcome(query.sample_id,
                                    None if family is None else f"family {family:05d}",
                                    top.sample_id if top else None,
                                    top.log10_lr if top else float("-inf"),
                                    best_couple.log10_lr if best_couple else None, found))
    with_dna = [o for o in outcomes if o.true_family and
                (fathers_in | mothers_in)[int(o.child.split("-")[1])]]
    false_hits = sum(1 for o in outcomes if o.top_log10_lr >= log_threshold and
                     not o.found and (o.true_family is None or o not in with_dna))
    summary = {
        "references": len(index), "couples": len(couples), "rescued_children": len(queries),
        "street_children": street, "families_with_parent_dna": len(with_dna),
        "found": sum(o.found for o in outcomes),
        "false_hits_above_threshold": false_hits,
        "index_build_s": build_s, "median_search_ms": float(np.median(search_ms)),
        "threshold": threshold,
    }
    return outcomes, summary
