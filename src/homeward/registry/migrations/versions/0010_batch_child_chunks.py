"""Batch runs cut the children too: a partition is a block of references and a range of
the children, and a run keeps how many ranges it cut, so that a resumed run numbers its
partitions as the first attempt did.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 01:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('batch_runs', schema=None) as batch_op:
        # runs before this revision scored every child in every partition: one range
        batch_op.add_column(sa.Column('child_chunks', sa.Integer(), nullable=False,
                                      server_default='1'))
    with op.batch_alter_table('batch_runs', schema=None) as batch_op:
        batch_op.alter_column('child_chunks', existing_type=sa.Integer(),
                              server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('batch_runs', schema=None) as batch_op:
        batch_op.drop_column('child_chunks')
