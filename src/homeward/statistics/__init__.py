"""Public and ministry statistics: counts by province and year that identify no child.

* :mod:`~homeward.statistics.tables`: the counts from the registry (cases, children
  rescued, reunited, waiting in care, matched by DNA, days to reunion) for a period.
* :mod:`~homeward.statistics.suppression`: small-cell suppression with its linear
  programming audit (threshold ``statistics_min_cell``, 11 by default).
* :mod:`~homeward.statistics.publication`: the protected figures as JSON and CSV.
* :mod:`~homeward.statistics.choropleth` and :mod:`~homeward.statistics.charts`: the map
  of China by province and the bar chart by year, drawn offline (SVG or PNG).
* :mod:`~homeward.statistics.report`: the bilingual report of a period (PDF or HTML).
"""

from homeward.statistics.publication import PublishedStatistics, publish
from homeward.statistics.suppression import ProtectedTable, protect
from homeward.statistics.tables import Period, RegistryTables, registry_tables

__all__ = ["Period", "ProtectedTable", "PublishedStatistics", "RegistryTables", "protect",
           "publish", "registry_tables"]
