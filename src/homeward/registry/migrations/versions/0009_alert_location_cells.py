"""Alert fan-out at national scale: each subscriber location keeps its grid cell, indexed
with the subscriber and the point, so that choosing the subscribers of one alert reads
the cells wholly inside the circle from the index alone and measures only the cells the
circle cuts; a partial index holds the few subscribers who unsubscribed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 01:20:00.000000
"""

from __future__ import annotations

import math

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The grid of homeward.alerts.geo.cell_key as it was when this revision was written
# (0.25-degree cells, rows from the south pole, columns from the antimeridian); a
# migration keeps its own copy so that a later change of the grid cannot rewrite history.
CELL_DEG = 0.25
COLUMNS, ROWS = 1440, 720


def _cell(latitude: float, longitude: float) -> int:
    row = min(math.floor((latitude + 90.0) / CELL_DEG), ROWS - 1)
    column = min(math.floor((longitude + 180.0) / CELL_DEG), COLUMNS - 1)
    return row * COLUMNS + column


def upgrade() -> None:
    with op.batch_alter_table('alert_subscriber_locations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cell', sa.Integer(), nullable=True))
    connection = op.get_bind()
    locations = sa.table('alert_subscriber_locations', sa.column('id', sa.Integer),
                         sa.column('latitude', sa.Float), sa.column('longitude', sa.Float),
                         sa.column('cell', sa.Integer))
    rows = connection.execute(sa.select(locations.c.id, locations.c.latitude,
                                        locations.c.longitude)).all()
    if rows:
        connection.execute(
            locations.update().where(locations.c.id == sa.bindparam('row_id'))
            .values(cell=sa.bindparam('row_cell')),
            [{'row_id': i, 'row_cell': _cell(lat, lon)} for i, lat, lon in rows])
    with op.batch_alter_table('alert_subscriber_locations', schema=None) as batch_op:
        batch_op.alter_column('cell', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_alert_subscriber_locations_cell',
                              ['cell', 'subscriber_id', 'latitude', 'longitude'], unique=False)
    with op.batch_alter_table('alert_subscribers', schema=None) as batch_op:
        batch_op.create_index('ix_alert_subscribers_inactive', ['id'], unique=False,
                              postgresql_where=sa.text('NOT active'),
                              sqlite_where=sa.text('NOT active'))


def downgrade() -> None:
    with op.batch_alter_table('alert_subscribers', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_subscribers_inactive')
    with op.batch_alter_table('alert_subscriber_locations', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_subscriber_locations_cell')
        batch_op.drop_column('cell')
