"""National scale: batch matching runs (runs, finished partitions, staged hits) and the
indexes behind every page and API list at millions of records (keyset pagination).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-12 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

INDEXES = [  # (name, table, columns): one place, shared by upgrade and downgrade
    ('ix_missing_reports_jurisdiction_id', 'missing_reports', ['jurisdiction', 'id']),
    ('ix_missing_reports_status_id', 'missing_reports', ['status', 'id']),
    ('ix_missing_reports_public_order', 'missing_reports',
     ['published', 'last_seen_date', 'id']),
    ('ix_found_children_jurisdiction_id', 'found_children', ['jurisdiction', 'id']),
    ('ix_relatives_report_id', 'relatives', ['report_id']),
    ('ix_samples_relative_id', 'samples', ['relative_id']),
    ('ix_samples_found_child_id', 'samples', ['found_child_id']),
    ('ix_matches_report_id', 'matches', ['report_id']),
    ('ix_matches_found_child_id', 'matches', ['found_child_id']),
    ('ix_matches_state_log10_lr', 'matches', ['state', 'log10_lr']),
    ('ix_audit_events_entity', 'audit_events', ['entity', 'entity_id', 'seq']),
    ('ix_report_notes_report_id', 'report_notes', ['report_id']),
    ('ix_placements_found_child_id', 'placements', ['found_child_id']),
    ('ix_tips_report_id', 'tips', ['report_id']),
]


def upgrade() -> None:
    op.create_table('batch_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('relationship_tested', sa.String(length=40), nullable=False),
    sa.Column('top_k', sa.Integer(), nullable=False),
    sa.Column('partition_size', sa.Integer(), nullable=False),
    sa.Column('max_profile_id', sa.Integer(), nullable=False),
    sa.Column('partitions_total', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_batch_runs_fingerprint_status', 'batch_runs',
                    ['fingerprint', 'status'])
    op.create_table('batch_partitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('partition', sa.Integer(), nullable=False),
    sa.Column('references', sa.Integer(), nullable=False),
    sa.Column('pairs_compared', sa.Integer(), nullable=False),
    sa.Column('profiles_scored', sa.Integer(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['batch_runs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'partition')
    )
    op.create_table('batch_hits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('partition', sa.Integer(), nullable=False),
    sa.Column('child_profile_id', sa.Integer(), nullable=False),
    sa.Column('relative_profile_id', sa.Integer(), nullable=False),
    sa.Column('other_parent_profile_id', sa.Integer(), nullable=True),
    sa.Column('log10_lr', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['batch_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_batch_hits_run_child', 'batch_hits', ['run_id', 'child_profile_id'])
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index('ix_batch_hits_run_child', table_name='batch_hits')
    op.drop_table('batch_hits')
    op.drop_table('batch_partitions')
    op.drop_index('ix_batch_runs_fingerprint_status', table_name='batch_runs')
    op.drop_table('batch_runs')
