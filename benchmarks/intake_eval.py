"""Intake quality on real published pages: today's extractor beside the baseline, per part.

    python benchmarks/intake_eval.py [--mistakes] [--part main|held_aside|both]

The measure is the real set in ``benchmarks/data/intake_real`` (81 news pages found with the
search tool and stored as retrieved, hand-labelled; see its README): precision, recall and
F1 per field, pairwise grouping, and how many cumulative figures were counted as incidents,
on the main part and on the held-aside part (a third of the pages, chosen by a hash of the
URL, never tuned on). The baseline is the extractor of commit ``BASELINE_COMMIT`` (before
issue 19), read from git into a temporary package so that both run on the same pages in one
run. The project-written samples in ``src/homeward/intake/samples`` are scored too, as a
regression check (issue 6).

Goal (issue 19), on the held-aside part: F1 >= 0.9 for children rescued, suspects and month,
>= 0.85 for places, grouping pairwise F1 >= 0.9, and no cumulative figure counted as an
incident. Prints a table and a final JSON line.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from homeward.intake.evaluation import evaluate
from homeward.intake.samples import SAMPLES
from homeward.intake.scoring import PageScore, load_labels, score_pages

REAL = Path(__file__).resolve().parent / "data" / "intake_real"
ROOT = Path(__file__).resolve().parents[1]
BASELINE_COMMIT = "6b54228"
_BASELINE_MODULES = ("cluster", "dates", "documents", "figures", "news", "numbers", "pipeline",
                     "places", "sentences")
FIELDS = ("children_rescued", "women_rescued", "suspects_detained", "officers",
          "provinces_involved", "month", "places", "price_yuan", "price_by_sex",
          "ring_total_yuan", "sub_cases", "statistics",
          "incident_detected", "grouping")


def baseline_pipeline(workdir: Path) -> ModuleType:
    """The intake pipeline as it was at ``BASELINE_COMMIT``, importable as ``intake_baseline``."""
    package = workdir / "intake_baseline"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    for name in _BASELINE_MODULES:
        try:
            source = subprocess.run(
                ["git", "show", f"{BASELINE_COMMIT}:src/homeward/intake/{name}.py"], cwd=ROOT,
                check=True, capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError) as error:
            raise SystemExit(f"cannot read the baseline extractor from git commit "
                             f"{BASELINE_COMMIT} ({error}); run from a full clone") from None
        source = source.replace("homeward.intake.", "intake_baseline.")
        (package / f"{name}.py").write_text(source, encoding="utf-8")
    sys.path.insert(0, str(workdir))
    return importlib.import_module("intake_baseline.pipeline")


def run_part(pipeline: ModuleType, labels: dict[str, dict], with_urls: bool) -> PageScore:
    """One part of the set through one extractor; the current one also gets each page's
    address, as a crawler has it (the baseline's reader takes none)."""
    paths = [REAL / "pages" / f"{page}.txt" for page in sorted(labels)]
    if with_urls:
        sources = json.loads((REAL / "sources.json").read_text(encoding="utf-8"))
        batch = pipeline.read_news(paths, {f"{p}.txt": sources[p]["url"] for p in labels})
    else:
        batch = pipeline.read_news(paths)
    readings = {Path(r.document.name).stem: r for r in batch.readings}
    clusters = [[Path(a).stem for a in incident.articles] for incident in batch.incidents]
    return score_pages(readings, clusters, labels)


def goals(score: PageScore) -> dict[str, bool]:
    f = score.fields
    return {"children_f1_ge_0.9": f["children_rescued"].f1 >= 0.9,
            "suspects_f1_ge_0.9": f["suspects_detained"].f1 >= 0.9,
            "month_f1_ge_0.9": f["month"].f1 >= 0.9,
            "places_f1_ge_0.85": f["places"].f1 >= 0.85,
            "grouping_f1_ge_0.9": f["grouping"].f1 >= 0.9,
            "no_cumulative_as_incident": score.cumulative_as_incident == 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mistakes", action="store_true", help="list every disagreement")
    parser.add_argument("--part", choices=("main", "held_aside", "both"), default="both")
    args = parser.parse_args()
    labels = load_labels(REAL)
    parts = ("main", "held_aside") if args.part == "both" else (args.part,)
    current = importlib.import_module("homeward.intake.pipeline")
    scores: dict[str, PageScore] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir:
        baseline = baseline_pipeline(Path(workdir))
        for part in parts:
            subset = {p: lab for p, lab in labels.items() if lab["part"] == part}
            scores[f"baseline/{part}"] = run_part(baseline, subset, with_urls=False)
            scores[f"current/{part}"] = run_part(current, subset, with_urls=True)
    seconds = time.perf_counter() - started
    columns = list(scores)
    sizes = ", ".join(f"{part} {scores['current/' + part].pages}" for part in parts)
    print(f"real pages: {sizes}; read in {seconds:.1f} s (F1, with precision/recall)\n")
    print(f"{'field':<20}" + "".join(f"{c:>22}" for c in columns))
    for name in FIELDS:
        cells = []
        for column in columns:
            t = scores[column].fields[name]
            cells.append(f"{t.f1:.3f} ({t.precision:.2f}/{t.recall:.2f})")
        print(f"{name:<20}" + "".join(f"{c:>22}" for c in cells))
    print(f"{'cumulative_as_inc.':<20}" + "".join(
        f"{scores[c].cumulative_as_incident:>22}" for c in columns))
    sample = evaluate(SAMPLES)
    print(f"\nproject samples (current extractor): clustering exact {sample.clustering_exact}, "
          f"children F1 {sample.fields['children_rescued'].f1:.3f}, "
          f"suspects F1 {sample.fields['suspects_detained'].f1:.3f}")
    achieved = {part: goals(scores[f"current/{part}"]) for part in parts}
    print(f"goals: {achieved}")
    if args.mistakes:
        for column in columns:
            if column.startswith("current/"):
                print(f"\n## {column}\n" + "\n".join(scores[column].mistakes))
    print(json.dumps({"benchmark": "intake_eval", "seconds": round(seconds, 2),
                      "baseline_commit": BASELINE_COMMIT, "goals": achieved,
                      "samples_clustering_exact": sample.clustering_exact,
                      **{column: score.as_json() for column, score in scores.items()}}))


if __name__ == "__main__":
    main()
