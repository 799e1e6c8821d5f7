"""Generate the SIMULATED Yfiler Plus haplotype database shipped for the demo.

Nothing here is a real population frequency. Six made-up clades ("central haplotypes"
with plausible repeat numbers for each Yfiler Plus marker, chosen by hand and not taken
from any population) are given weights, and men are drawn from the discrete Laplace
mixture of Andersen, Eriksen & Morling (2013), J Theor Biol 329:39-51, with
log p_jk = omega + alpha_j + beta_k. beta_k rises with the marker's mutation rate
(faster markers spread wider around a centre). DYS389II is drawn as its second block
(DYS389II - DYS389I) and written as the total; the two copies of DYS385 and DYF387S1 are
drawn independently and written as an unordered pair.

    python scripts/simulate_ystr_database.py            # writes the shipped file
    python scripts/simulate_ystr_database.py --out x.csv --n 500 --seed 7
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from homeward.kinship.ystr import YHaplotype
from homeward.kinship.ystr_frequency import model_dims
from homeward.kinship.ystr_laplace import simulate_discrete_laplace
from homeward.kinship.ystr_loci import YFILER_PLUS, copies, mutation_rate
from homeward.kinship.ystr_readers import write_wide_csv

SEED = 20160116
N_MEN = 1000
OUT = (Path(__file__).resolve().parents[1] / "src" / "homeward" / "kinship" / "data" / "ystr"
       / "simulated_yfiler_plus.csv")

#: Made-up clade centres per model dimension (DYS389II as II - I; multi-copy as two).
CENTRES: dict[str, tuple[int, ...]] = {
    "DYS19":       (15, 15, 16, 14, 15, 17),
    "DYS389I":     (13, 12, 13, 14, 13, 12),
    "DYS389II-I":  (16, 16, 17, 16, 15, 17),
    "DYS390":      (23, 24, 23, 25, 24, 22),
    "DYS391":      (10, 10, 11, 10, 10, 10),
    "DYS392":      (13, 14, 13, 11, 13, 14),
    "DYS393":      (12, 13, 12, 13, 14, 12),
    "DYS385[1]":   (12, 13, 11, 14, 12, 13),
    "DYS385[2]":   (19, 18, 14, 17, 20, 19),
    "DYS437":      (14, 14, 15, 14, 15, 14),
    "DYS438":      (10, 11, 10, 12, 10, 11),
    "DYS439":      (12, 12, 11, 13, 12, 11),
    "DYS448":      (18, 20, 19, 20, 19, 18),
    "DYS456":      (15, 16, 15, 15, 16, 17),
    "DYS458":      (17, 18, 16, 17, 18, 16),
    "DYS635":      (20, 22, 21, 23, 21, 20),
    "YGATAH4":     (12, 11, 12, 12, 11, 12),
    "DYS576":      (18, 17, 19, 18, 17, 18),
    "DYS627":      (21, 22, 20, 21, 22, 19),
    "DYS460":      (10, 11, 10, 10, 11, 10),
    "DYS518":      (38, 37, 39, 38, 36, 38),
    "DYS570":      (17, 19, 18, 17, 20, 18),
    "DYS449":      (30, 29, 31, 30, 29, 28),
    "DYS481":      (22, 23, 25, 22, 23, 24),
    "DYF387S1[1]": (35, 36, 35, 37, 36, 35),
    "DYF387S1[2]": (37, 38, 36, 39, 38, 37),
    "DYS533":      (11, 12, 11, 12, 11, 12),
}
WEIGHTS = (0.30, 0.22, 0.18, 0.14, 0.10, 0.06)
CLADE_EFFECT = (0.0, 0.15, -0.20, 0.10, -0.10, 0.25)  # alpha_j (log scale)


def dimension_p(dim: str) -> float:
    """Spread of a dimension in the first clade: grows with the marker's mutation rate."""
    marker = dim.split("[")[0]
    return min(0.6, 0.06 + 25 * mutation_rate(marker))


def simulate(n: int, seed: int) -> list[YHaplotype]:
    dims = model_dims(YFILER_PLUS)
    assert dims == list(CENTRES), "CENTRES must follow the model dimensions"
    centres = np.array([CENTRES[d] for d in dims], dtype=float).T
    p = np.exp(np.log([dimension_p(d) for d in dims])[None, :]
               + np.array(CLADE_EFFECT)[:, None])
    values, _ = simulate_discrete_laplace(centres, p, np.array(WEIGHTS), n, seed=seed)
    values = np.maximum(values, 3)
    men = []
    width = len(str(n))
    for i, row in enumerate(values, start=1):
        by_dim = dict(zip(dims, (int(v) for v in row), strict=True))
        loci: dict[str, tuple[str, ...]] = {}
        for marker in YFILER_PLUS:
            if marker == "DYS389II":
                total = by_dim["DYS389I"] + by_dim["DYS389II-I"]
                loci[marker] = (str(total),)
            elif copies(marker) > 1:
                pair = sorted(by_dim[f"{marker}[{k}]"] for k in range(1, copies(marker) + 1))
                loci[marker] = tuple(str(v) for v in pair)
            else:
                loci[marker] = (str(by_dim[marker]),)
        men.append(YHaplotype(f"SIM-Y-{i:0{width}d}", loci))
    return men


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--n", type=int, default=N_MEN)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    header = (f"# SIMULATED data, not real frequencies: {args.n} men from a discrete Laplace "
              f"mixture, seed {args.seed}, scripts/simulate_ystr_database.py\n")
    args.out.write_text(header + write_wide_csv(simulate(args.n, args.seed), YFILER_PLUS),
                        encoding="utf-8")
    print(f"wrote {args.n} simulated haplotypes to {args.out}")


if __name__ == "__main__":
    main()
