"""Investigations: rings, roles, money and routes as a graph (issue 14).

- ``graph``: the vocabulary of nodes and edges (HTCDS role mapping) and networkx views.
- ``facts`` and ``build``: the graph from the registry and intake, stored and kept current.
- ``rings``: components, Louvain communities, family-based rings.
- ``resolution`` and ``merges``: entity resolution of persons; accepted merges as aliases.
- ``routes``: origin-destination matrix, markups, leads from known routes.
- ``summary``: a ring's summary (members by role, children, price chain, routes, dates,
  sources) and the seeded layout of its drawn network.
- ``exchange``: GraphML and CSV in and out.
- ``simulate``: seeded networks and person records with a planted truth.
"""
