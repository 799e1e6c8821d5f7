"""Small-cell suppression of a province x year table published with its margins.

A published count between 1 and k-1 can single out a child (k = ``statistics_min_cell``,
11 by default). We publish the table with its row totals (provinces), column totals
(years) and grand total, so that the by-province and by-year tables, and this year next to
last year, are all parts of ONE protected table: every difference between them is a
difference of entries of that table, which the audit below already covers (Hundepool et
al., *Statistical Disclosure Control*, Wiley 2012, ch. 4 "Magnitude/frequency tables",
4.2 "linked tables": protecting linked tables separately leaves differences open).

Rules, in order:

* **Primary suppression**: every entry, interior cell *or margin*, with a value 1..k-1.
  Zeros are published: a zero says that no child is counted there, which identifies no
  one, and hiding zeros would make the table useless for the many empty cells of small
  provinces. Zeros are never chosen as complements either: a suppressed zero adds no
  uncertainty that an attacker could not remove by guessing "zero".
* **Complementary suppression**: an equation (a row, a column, or the margins) with a
  single suppressed entry gives it away by subtraction, so a second entry of that
  equation is suppressed (the smallest non-zero one, interior cells before margins).
* **Audit and repair**: an attacker who knows every published entry, the equations and
  that counts are not negative can still bound a suppressed entry by linear programming
  (Cox, "Suppression methodology and statistical disclosure control", JASA 75, 1980;
  Hundepool et al. 2012, 4.3.3 "audit", the *feasibility interval*). Each primary entry
  must keep an upper bound of at least k: the attacker can never prove that the count
  is small. An entry that fails gets one more complement in one of its equations, and
  the audit runs again, until every primary entry passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import linprog

DEFAULT_MIN_CELL = 11


class SuppressionError(RuntimeError):
    """No pattern protects the table (cannot happen with non-negative counts)."""


@dataclass(frozen=True)
class LinearTable:
    """Entries (interior cells, then margins) and the equations that tie them.

    Each equation says ``values[total] == sum(values[parts])``.
    """

    values: np.ndarray
    equations: tuple[tuple[int, tuple[int, ...]], ...]
    interior: int  # the first ``interior`` entries are cells, the rest margins


@dataclass(frozen=True)
class ProtectedTable:
    """A province x year table with margins and its suppression pattern.

    ``cells[i, j]`` counts province i in year j; ``*_suppressed`` say which entries are
    withheld. Only :meth:`published_*` should leave the process.
    """

    cells: np.ndarray
    row_totals: np.ndarray
    column_totals: np.ndarray
    grand_total: int
    cell_suppressed: np.ndarray
    row_suppressed: np.ndarray
    column_suppressed: np.ndarray
    grand_suppressed: bool
    min_cell: int

    def published_cells(self) -> list[list[int | None]]:
        return _masked(self.cells, self.cell_suppressed)

    def published_row_totals(self) -> list[int | None]:
        return _masked(self.row_totals, self.row_suppressed)

    def published_column_totals(self) -> list[int | None]:
        return _masked(self.column_totals, self.column_suppressed)

    def published_grand_total(self) -> int | None:
        return None if self.grand_suppressed else int(self.grand_total)


def _masked(values: np.ndarray, mask: np.ndarray):
    return np.where(mask, None, values.astype(object)).tolist()


def two_way_table(cells: np.ndarray) -> LinearTable:
    """Cells (R x C, flattened row by row), then R row totals, C column totals and the
    grand total; one equation per row, per column, and two for the grand total (sum of
    the row totals, sum of the column totals)."""
    cells = np.asarray(cells, dtype=np.int64)
    rows, columns = cells.shape
    n = rows * columns
    row_index = [n + i for i in range(rows)]
    column_index = [n + rows + j for j in range(columns)]
    grand = n + rows + columns
    values = np.concatenate([cells.ravel(), cells.sum(axis=1), cells.sum(axis=0),
                             [cells.sum()]])
    equations = [(row_index[i], tuple(i * columns + j for j in range(columns)))
                 for i in range(rows)]
    equations += [(column_index[j], tuple(i * columns + j for i in range(rows)))
                  for j in range(columns)]
    equations += [(grand, tuple(row_index)), (grand, tuple(column_index))]
    return LinearTable(values, tuple(equations), n)


def feasibility_interval(table: LinearTable, suppressed: np.ndarray, entry: int, *,
                         lower: bool = True) -> tuple[float, float]:
    """The smallest and largest value of ``entry`` consistent with every published entry,
    the equations and non-negativity (the LP relaxation of Cox 1980); ``inf`` when the
    published entries do not bound it."""
    unknown = np.flatnonzero(suppressed)
    position = {int(e): k for k, e in enumerate(unknown)}
    a_eq, b_eq = [], []
    for total, parts in table.equations:
        row = np.zeros(len(unknown))
        rhs = 0.0
        for member, sign in [(total, 1.0)] + [(p, -1.0) for p in parts]:
            if member in position:
                row[position[member]] += sign
            else:
                rhs -= sign * table.values[member]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    objective = np.zeros(len(unknown))
    objective[position[entry]] = 1.0
    bounds = [(0, None)] * len(unknown)
    options = {"A_eq": np.array(a_eq) if a_eq else None, "b_eq": b_eq or None,
               "bounds": bounds, "method": "highs"}
    low = float(linprog(objective, **options).fun) if lower else 0.0
    return low, _maximum(objective, options)


def _maximum(objective: np.ndarray, options: dict) -> float:
    high = linprog(-objective, **options)
    return float("inf") if high.status == 3 else -float(high.fun)


def upper_bound(table: LinearTable, suppressed: np.ndarray, entry: int) -> float:
    """The upper end of :func:`feasibility_interval` (the only end the rule needs)."""
    return feasibility_interval(table, suppressed, entry, lower=False)[1]


def _members(equation: tuple[int, tuple[int, ...]]) -> tuple[int, ...]:
    return (equation[0], *equation[1])


def _complement(table: LinearTable, suppressed: np.ndarray,
                equation: tuple[int, tuple[int, ...]]) -> int | None:
    """The entry to suppress next in ``equation``: non-zero, not yet suppressed, cells
    before margins, smallest first (least information lost)."""
    candidates = [m for m in _members(equation)
                  if not suppressed[m] and table.values[m] > 0]
    if not candidates:
        return None
    return min(candidates, key=lambda m: (m >= table.interior, table.values[m], m))


def _close_single_suppressions(table: LinearTable, suppressed: np.ndarray) -> None:
    changed = True
    while changed:
        changed = False
        for equation in table.equations:
            if sum(bool(suppressed[m]) for m in _members(equation)) == 1:
                extra = _complement(table, suppressed, equation)
                if extra is not None:
                    suppressed[extra] = True
                    changed = True


Certificate = Callable[[np.ndarray, int], bool]


def suppression_pattern(table: LinearTable, min_cell: int = DEFAULT_MIN_CELL,
                        certificate: Certificate | None = None) -> np.ndarray:
    """Which entries of ``table`` to withhold (see the module docstring for the rules).

    ``certificate(suppressed, entry)`` may prove cheaply that an entry is safe (by
    exhibiting a feasible table where it is at least ``min_cell``); the linear program
    decides the others. Suppressing more only widens intervals, so an entry found safe
    stays safe and is not audited again.
    """
    values = table.values
    primary = (values >= 1) & (values < min_cell)
    suppressed = primary.copy()
    unsafe = {int(e) for e in np.flatnonzero(primary)}
    for _ in range(len(values) + 1):
        _close_single_suppressions(table, suppressed)
        unsafe = {e for e in unsafe
                  if not (certificate is not None and certificate(suppressed, e))
                  and upper_bound(table, suppressed, e) < min_cell}
        if not unsafe:
            return suppressed
        progress = False
        for entry in sorted(unsafe):
            equations = sorted((eq for eq in table.equations if entry in _members(eq)),
                               key=lambda eq: sum(bool(suppressed[m]) for m in _members(eq)))
            for equation in equations:
                extra = _complement(table, suppressed, equation)
                if extra is not None:
                    suppressed[extra] = True
                    progress = True
                    break
        if not progress:  # widen through any equation that touches a suppressed entry
            touching = [eq for eq in table.equations
                        if any(suppressed[m] for m in _members(eq))]
            extra_entries = [e for eq in touching
                             if (e := _complement(table, suppressed, eq)) is not None]
            if not extra_entries:
                raise SuppressionError("no further entry can be suppressed")
            suppressed[min(extra_entries, key=lambda m: values[m])] = True
    raise SuppressionError("suppression did not converge")


def rectangle_certificate(cells: np.ndarray, min_cell: int) -> Certificate:
    """For an interior cell (i, j) of a two-way table: a rectangle of suppressed cells
    (i, l), (m, j), (m, l) lets an attacker's table move t children from (i, l) and
    (m, j) to (i, j) and (m, l) with every margin unchanged, so (i, j) can be as large as
    x + min(x_il, x_mj); when that reaches ``min_cell`` the cell is safe without a linear
    program (the hypercube idea of Repsilber, 1994; Hundepool et al. 2012, 4.4.4)."""
    rows, columns = cells.shape

    def certify(suppressed: np.ndarray, entry: int) -> bool:
        if entry >= rows * columns:
            return False
        hidden = suppressed[:rows * columns].reshape(rows, columns)
        i, j = divmod(entry, columns)
        need = min_cell - cells[i, j]
        in_row = hidden[i] & (cells[i] >= need)
        in_column = hidden[:, j] & (cells[:, j] >= need)
        in_row[j] = in_column[i] = False
        corners = hidden[np.ix_(in_column, in_row)]
        return bool(corners.any())

    return certify


def protect(cells: np.ndarray, min_cell: int = DEFAULT_MIN_CELL) -> ProtectedTable:
    """Protect a province x year table of counts and its margins with one pattern.

    Patterns are cached by table (a page asks for the same tables again and again, and
    the audit solves a few linear programs per small cell)."""
    cells = np.asarray(cells, dtype=np.int64)
    return _protect(cells.tobytes(), cells.shape, min_cell)


@lru_cache(maxsize=256)
def _protect(data: bytes, shape: tuple[int, ...], min_cell: int) -> ProtectedTable:
    cells = np.frombuffer(data, dtype=np.int64).reshape(shape)  # read-only: cached, shared
    if cells.ndim != 2 or (cells < 0).any():
        raise ValueError("a table of counts is two-dimensional and not negative")
    rows, columns = cells.shape
    if cells.size == 0:  # no province had anything to count
        return ProtectedTable(cells, cells.sum(axis=1), cells.sum(axis=0), 0,
                              np.zeros(cells.shape, dtype=bool), np.zeros(rows, dtype=bool),
                              np.zeros(columns, dtype=bool), False, min_cell)
    table = two_way_table(cells)
    mask = suppression_pattern(table, min_cell, rectangle_certificate(cells, min_cell))
    n = rows * columns
    return ProtectedTable(
        cells=cells, row_totals=cells.sum(axis=1), column_totals=cells.sum(axis=0),
        grand_total=int(cells.sum()), cell_suppressed=mask[:n].reshape(rows, columns),
        row_suppressed=mask[n:n + rows], column_suppressed=mask[n + rows:n + rows + columns],
        grand_suppressed=bool(mask[-1]), min_cell=min_cell)


def linked_tables(tables: list[np.ndarray]) -> LinearTable:
    """Several province x period tables (e.g. last year and this year by month), each with
    its own margins, plus the province totals and grand total over all of them: the
    tables that a page publishes side by side, with their differences in view."""
    tables = [np.asarray(t, dtype=np.int64) for t in tables]
    rows = tables[0].shape[0]
    values: list[int] = []
    equations: list[tuple[int, tuple[int, ...]]] = []
    cell_index: list[np.ndarray] = []
    for table in tables:
        start = len(values)
        values.extend(table.ravel().tolist())
        cell_index.append(np.arange(start, start + table.size).reshape(table.shape))
    interior = len(values)
    table_row_totals: list[list[int]] = []
    for table, index in zip(tables, cell_index, strict=True):
        row_totals = []
        for i in range(rows):
            row_totals.append(len(values))
            values.append(int(table[i].sum()))
            equations.append((row_totals[-1], tuple(int(e) for e in index[i])))
        column_totals = []
        for j in range(table.shape[1]):
            column_totals.append(len(values))
            values.append(int(table[:, j].sum()))
            equations.append((column_totals[-1], tuple(int(e) for e in index[:, j])))
        grand = len(values)
        values.append(int(table.sum()))
        equations += [(grand, tuple(row_totals)), (grand, tuple(column_totals))]
        table_row_totals.append(row_totals)
    overall_rows = []
    for i in range(rows):
        overall_rows.append(len(values))
        values.append(int(sum(t[i].sum() for t in tables)))
        equations.append((overall_rows[-1], tuple(r[i] for r in table_row_totals)))
    overall = len(values)
    values.append(int(sum(t.sum() for t in tables)))
    equations.append((overall, tuple(overall_rows)))
    return LinearTable(np.array(values, dtype=np.int64), tuple(equations), interior)
