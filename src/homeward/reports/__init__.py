"""Printed documents: the paternity laboratory's report (:mod:`.paternity_pdf`).

Renderers only lay out data that a workflow function assembled; they read no database.
"""
