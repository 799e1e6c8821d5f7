"""Intake: incidents told by articles, quoted statistics, leads from posts, proposed links
to registry records, notifications (urgent tips), bundled tips and photos sent with tips.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 06:19:27.609699
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lead_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.String(length=80), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subject', 'subject_id', 'target', 'target_id')
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('jurisdiction', sa.String(length=60), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('conflicts', sa.JSON(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('child_name', sa.String(length=100), nullable=True),
    sa.Column('sex', sa.String(length=10), nullable=True),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('place', sa.String(length=120), nullable=True),
    sa.Column('adcode', sa.String(length=12), nullable=True),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('repost_of_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['repost_of_id'], ['leads.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id')
    )
    op.create_table('reported_statistics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('period', sa.String(length=200), nullable=False),
    sa.Column('children', sa.Integer(), nullable=True),
    sa.Column('women', sa.Integer(), nullable=True),
    sa.Column('cases', sa.Integer(), nullable=True),
    sa.Column('gangs', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reported_statistics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reported_statistics_source_id'), ['source_id'],
                              unique=False)

    op.create_table('incident_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('incident_id', 'source_id')
    )
    with op.batch_alter_table('incident_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_sources_incident_id'), ['incident_id'],
                              unique=False)

    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bundle_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('client_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_tips_client_key'), ['client_key'], unique=False)
        batch_op.create_foreign_key('fk_tips_bundle_of_id', 'tips', ['bundle_of_id'], ['id'])

    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tip_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_photos_tip_id'), ['tip_id'], unique=False)
        batch_op.create_foreign_key('fk_photos_tip_id', 'tips', ['tip_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_constraint('fk_photos_tip_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_photos_tip_id'))
        batch_op.drop_column('tip_id')

    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.drop_constraint('fk_tips_bundle_of_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tips_client_key'))
        batch_op.drop_column('client_key')
        batch_op.drop_column('bundle_of_id')

    with op.batch_alter_table('incident_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_sources_incident_id'))

    op.drop_table('incident_sources')
    with op.batch_alter_table('reported_statistics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reported_statistics_source_id'))

    op.drop_table('reported_statistics')
    op.drop_table('leads')
    op.drop_table('incidents')
    op.drop_table('notifications')
    op.drop_table('lead_links')
