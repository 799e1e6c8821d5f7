"""Family accounts linked to their report; photos stored without EXIF; the public alert
list's order (last seen date) indexed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 04:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('report_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_users_report_id', 'missing_reports', ['report_id'],
                                 ['id'])
    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('found_child_id', sa.Integer(), nullable=True),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=80), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['found_child_id'], ['found_children.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['missing_reports.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_photos_report_id', 'photos', ['report_id'])
    op.create_index('ix_missing_reports_last_seen_date', 'missing_reports', ['last_seen_date'])


def downgrade() -> None:
    op.drop_index('ix_missing_reports_last_seen_date', table_name='missing_reports')
    op.drop_index('ix_photos_report_id', table_name='photos')
    op.drop_table('photos')
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint('fk_users_report_id', type_='foreignkey')
        batch.drop_column('report_id')
