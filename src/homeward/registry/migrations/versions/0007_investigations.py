"""Investigations: the graph of persons, children, places, identifiers, operations and
incidents (nodes and edges with their sources), its builds, and entity-resolution
candidates with their decisions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('graph_nodes',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('source_kind', sa.String(length=20), nullable=False),
    sa.Column('source_ref', sa.String(length=120), nullable=False),
    sa.Column('root', sa.String(length=120), nullable=True),
    sa.Column('observed_on', sa.Date(), nullable=True),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('graph_nodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_graph_nodes_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_graph_nodes_root'), ['root'], unique=False)

    op.create_table('graph_edges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('source_node', sa.String(length=120), nullable=False),
    sa.Column('target_node', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('source_kind', sa.String(length=20), nullable=False),
    sa.Column('source_ref', sa.String(length=120), nullable=False),
    sa.Column('root', sa.String(length=120), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=True),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('graph_edges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_graph_edges_root'), ['root'], unique=False)
        batch_op.create_index(batch_op.f('ix_graph_edges_source_node'), ['source_node'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_graph_edges_target_node'), ['target_node'],
                              unique=False)

    op.create_table('graph_builds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('roots', sa.Integer(), nullable=False),
    sa.Column('nodes', sa.Integer(), nullable=False),
    sa.Column('edges', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )

    op.create_table('resolution_candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('left_node', sa.String(length=120), nullable=False),
    sa.Column('right_node', sa.String(length=120), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('comparison', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.String(length=80), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('left_node', 'right_node')
    )
    with op.batch_alter_table('resolution_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolution_candidates_left_node'), ['left_node'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_resolution_candidates_right_node'),
                              ['right_node'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('resolution_candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resolution_candidates_right_node'))
        batch_op.drop_index(batch_op.f('ix_resolution_candidates_left_node'))
    op.drop_table('resolution_candidates')
    op.drop_table('graph_builds')
    with op.batch_alter_table('graph_edges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_graph_edges_target_node'))
        batch_op.drop_index(batch_op.f('ix_graph_edges_source_node'))
        batch_op.drop_index(batch_op.f('ix_graph_edges_root'))
    op.drop_table('graph_edges')
    with op.batch_alter_table('graph_nodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_graph_nodes_root'))
        batch_op.drop_index(batch_op.f('ix_graph_nodes_kind'))
    op.drop_table('graph_nodes')
