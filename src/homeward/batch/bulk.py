"""Bulk writes: PostgreSQL's COPY through psycopg, ``executemany`` elsewhere (SQLite).

COPY runs on the session's own connection, inside its transaction: the rows are written
with the rest of the transaction or not at all
(https://www.psycopg.org/psycopg3/docs/basic/copy.html).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def bulk_insert(session: Session, table: Table, columns: Sequence[str],
                rows: Sequence[tuple]) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``; the count."""
    if not rows:
        return 0
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        names = ", ".join(f'"{name}"' for name in columns)
        cursor = connection.connection.dbapi_connection.cursor()
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return len(rows)
    connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
    return len(rows)
