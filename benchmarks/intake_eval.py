"""Intake quality on the labelled evaluation set: field precision, recall, F1 and clustering.

    python benchmarks/intake_eval.py [--folder FOLDER] [--mistakes]

The labelled set ships in the package (src/homeward/intake/samples: articles/, labels.json).

Prints a table and one JSON line. Goals (issue 6): every count field F1 >= 0.95, places
F1 >= 0.9, incident clustering exact.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from homeward.intake.evaluation import evaluate
from homeward.intake.figures import COUNT_FIELDS
from homeward.intake.samples import SAMPLES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=SAMPLES,
                        help="a folder with articles/ and labels.json (default: the bundled set)")
    parser.add_argument("--mistakes", action="store_true", help="list every disagreement")
    args = parser.parse_args()
    started = time.perf_counter()
    result = evaluate(args.folder)
    seconds = time.perf_counter() - started
    print(f"{result.articles} labelled articles, read in {seconds:.1f} s\n")
    print(f"{'field':<22}{'precision':>10}{'recall':>10}{'F1':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for name, tally in sorted(result.fields.items()):
        print(f"{name:<22}{tally.precision:>10.3f}{tally.recall:>10.3f}{tally.f1:>8.3f}"
              f"{tally.tp:>5}{tally.fp:>5}{tally.fn:>5}")
    print(f"\nclustering exact: {result.clustering_exact} (pair precision "
          f"{result.pair_tally.precision:.3f}, recall {result.pair_tally.recall:.3f})")
    goals = {"counts_f1_ge_0.95": all(result.fields[f].f1 >= 0.95 for f in COUNT_FIELDS),
             "places_f1_ge_0.9": result.fields["places"].f1 >= 0.9,
             "clustering_exact": result.clustering_exact}
    print(f"goals: {goals}")
    if args.mistakes:
        print("\n" + "\n".join(result.mistakes))
    print(json.dumps({"benchmark": "intake_eval", "seconds": round(seconds, 2), "goals": goals,
                      **result.as_json()}))


if __name__ == "__main__":
    main()
