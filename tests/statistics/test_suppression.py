"""Small-cell suppression, checked by an attacker who solves linear programs.

The attacker knows every published number, that rows and columns add up to their
totals, and that counts are not negative. For each withheld entry they compute its
feasibility interval [min, max] by linear programming (the LP relaxation: the standard
audit of Cox, JASA 75, 1980, and Hundepool et al., *Statistical Disclosure Control*,
Wiley 2012, ch. 4). The protection rule tested:

* a withheld entry whose true value is small (1..k-1) must have max >= k: nobody can
  prove that the count is small;
* no withheld entry may be pinned to one value (max > min).

The attacker below is written from the table layout alone (names of cells and margins),
independently of the module's own audit.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from homeward.statistics.suppression import (
    linked_tables,
    protect,
    suppression_pattern,
)

K = 11


def two_way_entries(table, suppressed_of) -> tuple[dict, list]:
    """Entries of a province x year table with margins, and its equations, by name."""
    rows, columns = table.shape
    values = {("cell", i, j): int(table[i, j]) for i in range(rows) for j in range(columns)}
    values |= {("row", i): int(table[i].sum()) for i in range(rows)}
    values |= {("column", j): int(table[:, j].sum()) for j in range(columns)}
    values[("grand",)] = int(table.sum())
    equations = [(("row", i), [("cell", i, j) for j in range(columns)]) for i in range(rows)]
    equations += [(("column", j), [("cell", i, j) for i in range(rows)])
                  for j in range(columns)]
    equations += [(("grand",), [("row", i) for i in range(rows)]),
                  (("grand",), [("column", j) for j in range(columns)])]
    return values, equations


def attack(values: dict, equations: list, hidden: set, target) -> tuple[float, float]:
    """[min, max] of ``target`` (a name, or a dict name -> coefficient) over the tables
    consistent with every published entry."""
    unknown = sorted(hidden)
    at = {name: n for n, name in enumerate(unknown)}
    a_eq, b_eq = [], []
    for total, parts in equations:
        row, rhs = np.zeros(len(unknown)), 0.0
        for name, sign in [(total, 1.0)] + [(p, -1.0) for p in parts]:
            if name in at:
                row[at[name]] += sign
            else:
                rhs -= sign * values[name]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    weights = target if isinstance(target, dict) else {target: 1.0}
    objective = np.zeros(len(unknown))
    constant = 0.0
    for name, weight in weights.items():
        if name in at:
            objective[at[name]] += weight
        else:
            constant += weight * values[name]
    kwargs = {"A_eq": np.array(a_eq) if a_eq else None, "b_eq": b_eq or None,
              "bounds": [(0, None)] * len(unknown), "method": "highs"}
    low = linprog(objective, **kwargs)
    high = linprog(-objective, **kwargs)
    assert low.status == 0, "the published table must be consistent"
    upper = np.inf if high.status == 3 else -high.fun
    return low.fun + constant, upper + constant


def hidden_of(protected) -> set:
    rows, columns = protected.cells.shape
    hidden = {("cell", i, j) for i in range(rows) for j in range(columns)
              if protected.cell_suppressed[i, j]}
    hidden |= {("row", i) for i in range(rows) if protected.row_suppressed[i]}
    hidden |= {("column", j) for j in range(columns) if protected.column_suppressed[j]}
    if protected.grand_suppressed:
        hidden.add(("grand",))
    return hidden


def assert_protected(values: dict, equations: list, hidden: set, k: int = K) -> None:
    small = {name for name, v in values.items() if 1 <= v < k}
    assert small <= hidden, f"small entries published: {sorted(small - hidden)}"
    for name in hidden:
        low, high = attack(values, equations, hidden, name)
        assert high > low + 1e-6, f"{name} is pinned to {low:g}"
        if 1 <= values[name] < k:
            assert high >= k - 1e-6, f"{name}={values[name]} is provably in [{low:g}, {high:g}]"


def test_one_small_cell_in_a_3x3_is_hidden_in_a_rectangle_of_four():
    """By hand: 3 is the only small cell. Its row's smallest other cell is 15, its
    column's 30; the row of 30 then needs a second cell, its smallest is 20. The four
    cells form a rectangle that lets 3 move by min(15, 30) = 15 either way: [0, 18]."""
    table = np.array([[20, 30, 25], [15, 3, 40], [50, 60, 70]])
    protected = protect(table, K)
    assert hidden_of(protected) == {("cell", 0, 0), ("cell", 0, 1), ("cell", 1, 0),
                                    ("cell", 1, 1)}
    values, equations = two_way_entries(table, protected)
    assert attack(values, equations, hidden_of(protected), ("cell", 1, 1)) == (0, 18)
    assert protected.published_cells()[1] == [None, None, 40]
    assert protected.published_row_totals() == [75, 58, 180]


def test_a_small_province_total_is_hidden_with_its_cells():
    """A province with 3 children in all: its total is small too, and withheld."""
    table = np.array([[3, 0, 0], [20, 30, 25], [40, 12, 18]])
    protected = protect(table, K)
    assert protected.row_suppressed[0] and protected.cell_suppressed[0, 0]
    assert protected.published_cells()[0][1:] == [0, 0], "zeros are published"
    values, equations = two_way_entries(table, protected)
    assert_protected(values, equations, hidden_of(protected))


def test_nothing_is_hidden_in_a_table_of_zeros_and_large_counts():
    table = np.array([[0, 0, 12], [0, 40, 0]])
    protected = protect(table, K)
    assert hidden_of(protected) == set()
    assert protected.published_grand_total() == 52


def test_a_table_of_one_small_count_hides_everything():
    protected = protect(np.array([[4]]), K)
    assert hidden_of(protected) == {("cell", 0, 0), ("row", 0), ("column", 0), ("grand",)}
    assert protected.published_grand_total() is None


def test_the_threshold_is_a_parameter():
    table = np.array([[20, 30], [15, 5]])
    assert not hidden_of(protect(table, 5))
    assert ("cell", 1, 1) in hidden_of(protect(table, 6))


@pytest.mark.parametrize("seed", range(6))
def test_random_tables_withstand_the_attacker(seed):
    rng = np.random.default_rng(20260 + seed)
    rows, columns = int(rng.integers(3, 12)), int(rng.integers(2, 7))
    table = rng.poisson(rng.choice([2.0, 6.0, 15.0]), size=(rows, columns))
    table[rng.random(table.shape) < 0.25] = 0
    protected = protect(table, K)
    values, equations = two_way_entries(table, protected)
    assert_protected(values, equations, hidden_of(protected))


def test_by_province_and_by_year_are_margins_of_one_protected_table():
    """The page publishes the table by province (row totals) and by year (column totals):
    with the cells they form one system, which the attacker solves as a whole. Subtracting
    this year's column total from the grand total and last year's gives nothing more."""
    rng = np.random.default_rng(7)
    table = rng.poisson(5.0, size=(8, 2))  # provinces x (last year, this year)
    protected = protect(table, K)
    values, equations = two_way_entries(table, protected)
    hidden = hidden_of(protected)
    assert_protected(values, equations, hidden)
    for i in range(table.shape[0]):  # this year minus last year, province by province
        change = {("cell", i, 1): 1.0, ("cell", i, 0): -1.0}
        if hidden & set(change):
            low, high = attack(values, equations, hidden, change)
            assert high > low + 1e-6


def linked_entries(tables: list[np.ndarray]) -> tuple[dict, list]:
    """Last year's and this year's province x month tables, each with its margins, and the
    province totals over both years: the layout of ``linked_tables``."""
    values: dict = {}
    equations: list = []
    rows = tables[0].shape[0]
    for t, table in enumerate(tables):
        for i in range(rows):
            for j in range(table.shape[1]):
                values[("cell", t, i, j)] = int(table[i, j])
    for t, table in enumerate(tables):
        for i in range(rows):
            values[("row", t, i)] = int(table[i].sum())
            equations.append((("row", t, i), [("cell", t, i, j) for j in range(table.shape[1])]))
        for j in range(table.shape[1]):
            values[("column", t, j)] = int(table[:, j].sum())
            equations.append((("column", t, j), [("cell", t, i, j) for i in range(rows)]))
        values[("grand", t)] = int(table.sum())
        equations += [(("grand", t), [("row", t, i) for i in range(rows)]),
                      (("grand", t), [("column", t, j) for j in range(table.shape[1])])]
    for i in range(rows):
        values[("both", i)] = int(sum(table[i].sum() for table in tables))
        equations.append((("both", i), [("row", t, i) for t in range(len(tables))]))
    values[("both",)] = int(sum(table.sum() for table in tables))
    equations.append((("both",), [("both", i) for i in range(rows)]))
    return values, equations


def test_this_year_and_last_year_by_month_and_their_difference():
    """Two province x month tables published side by side with the two-year province
    totals: the difference of the two years' totals ties them together. One pattern over
    the linked tables keeps every small count of either year open, and the attacker
    cannot pin a province's change from last year when a count in it is withheld."""
    rng = np.random.default_rng(2024)
    last_year = rng.poisson(4.0, size=(5, 12))
    this_year = rng.poisson(5.0, size=(5, 12))
    tables = [last_year, this_year]
    mask = suppression_pattern(linked_tables(tables), K)
    values, equations = linked_entries(tables)
    names = list(values)  # same order as linked_tables' entries
    assert len(names) == len(mask)
    hidden = {name for name, m in zip(names, mask, strict=True) if m}
    assert_protected(values, equations, hidden)
    for i in range(5):
        change = {("row", 1, i): 1.0, ("row", 0, i): -1.0}
        if hidden & set(change):
            low, high = attack(values, equations, hidden, change)
            assert high > low + 1e-6, f"province {i}: the change is pinned"


def test_an_empty_registry_publishes_zeros():
    protected = protect(np.zeros((0, 3), dtype=int), K)
    assert protected.published_column_totals() == [0, 0, 0]
    assert protected.published_grand_total() == 0
