"""Intake: tips, microblog posts and news articles turned into structured, linked leads.

``documents`` reads files (encodings, HTML), ``numbers``/``dates``/``places`` normalise what
the text says, ``figures`` and ``news`` extract incidents and statistics, ``cluster``
reconciles reports of one incident, ``posts`` reads microblog exports, ``linking`` proposes
links to the registry and ``store`` keeps everything with its provenance.
"""
