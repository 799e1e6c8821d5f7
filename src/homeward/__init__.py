"""Homeward: bring trafficked and missing children home.

Subpackages: ``kinship`` (the DNA kinship science, pure), ``registry`` (database),
``workflow`` (case and match rules), ``security`` (audit chain, encryption).
"""

__version__ = "0.1.0"
