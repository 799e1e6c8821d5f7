"""The case registry: database models, sessions, migrations, import and export.

The database is reached only through this package; services in ``homeward.workflow``
hold the rules.
"""
