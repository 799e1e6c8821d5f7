"""Initial registry schema: every table of DESIGN.md section 4 (generated, then reviewed).

Portable types only, so that it runs on SQLite and PostgreSQL alike.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 02:36:03.584219
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('seq')
    )
    op.create_table('locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('adcode', sa.String(length=12), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=True),
    sa.Column('province', sa.String(length=60), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('adcode')
    )
    op.create_table('operations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('provinces', sa.JSON(), nullable=False),
    sa.Column('children_rescued', sa.Integer(), nullable=True),
    sa.Column('suspects_detained', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_id')
    )
    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('external_id', sa.String(length=300), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_id')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('jurisdiction', sa.String(length=60), nullable=True),
    sa.Column('institution', sa.String(length=200), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('found_children',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sex', sa.String(length=10), nullable=True),
    sa.Column('found_date', sa.Date(), nullable=True),
    sa.Column('found_location_id', sa.Integer(), nullable=True),
    sa.Column('operation_id', sa.Integer(), nullable=True),
    sa.Column('estimated_birth_date', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('rescued_from_address', sa.String(length=300), nullable=True),
    sa.Column('jurisdiction', sa.String(length=60), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('consents_to_contact', sa.Boolean(), nullable=True),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('adoption_eligible_since', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['found_location_id'], ['locations.id'], ),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_id')
    )
    op.create_table('missing_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('child_name', sa.String(length=200), nullable=False),
    sa.Column('child_name_zh', sa.String(length=100), nullable=True),
    sa.Column('child_name_pinyin', sa.String(length=200), nullable=True),
    sa.Column('sex', sa.String(length=10), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('last_seen_date', sa.Date(), nullable=True),
    sa.Column('last_seen_location_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('jurisdiction', sa.String(length=60), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('reporter_name', sa.String(length=200), nullable=True),
    sa.Column('reporter_contact', sa.String(length=200), nullable=True),
    sa.Column('source_name', sa.String(length=200), nullable=True),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('source_date', sa.DateTime(timezone=True), nullable=True),
    sa.Column('entry_date', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['last_seen_location_id'], ['locations.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_id')
    )
    op.create_table('suspects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('id_number', sa.String(length=40), nullable=True),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('household_address', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('found_child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('caregiver_name', sa.String(length=200), nullable=True),
    sa.Column('caregiver_id_number', sa.String(length=40), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['found_child_id'], ['found_children.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('relatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relationship_to_child', sa.String(length=30), nullable=False),
    sa.Column('sex', sa.String(length=10), nullable=True),
    sa.Column('id_number', sa.String(length=40), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('is_suspect', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['missing_reports.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('report_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('last_known_location', sa.String(length=300), nullable=True),
    sa.Column('author_made_contact', sa.Boolean(), nullable=True),
    sa.Column('source_date', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entry_date', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['missing_reports.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_id')
    )
    op.create_table('suspect_child_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suspect_id', sa.Integer(), nullable=False),
    sa.Column('found_child_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['found_child_id'], ['found_children.id'], ),
    sa.ForeignKeyConstraint(['suspect_id'], ['suspects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('suspect_id', 'found_child_id')
    )
    op.create_table('tips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['missing_reports.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('samples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('specimen_id', sa.String(length=80), nullable=False),
    sa.Column('found_child_id', sa.Integer(), nullable=True),
    sa.Column('relative_id', sa.Integer(), nullable=True),
    sa.Column('collected_by', sa.String(length=120), nullable=False),
    sa.Column('collected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lab', sa.String(length=200), nullable=True),
    sa.Column('consent_given', sa.Boolean(), nullable=False),
    sa.Column('consent_by', sa.String(length=200), nullable=True),
    sa.Column('consent_document', sa.String(length=300), nullable=True),
    sa.Column('purpose', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['found_child_id'], ['found_children.id'], ),
    sa.ForeignKeyConstraint(['relative_id'], ['relatives.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('specimen_id')
    )
    op.create_table('custody_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['sample_id'], ['samples.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('specimen_id', sa.String(length=80), nullable=False),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('loci_typed', sa.Integer(), nullable=False),
    sa.Column('loaded_by', sa.String(length=80), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sample_id'], ['samples.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sample_id'),
    sa.UniqueConstraint('specimen_id')
    )
    op.create_table('matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_profile_id', sa.Integer(), nullable=False),
    sa.Column('relative_profile_id', sa.Integer(), nullable=False),
    sa.Column('other_parent_profile_id', sa.Integer(), nullable=True),
    sa.Column('found_child_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('relationship_tested', sa.String(length=40), nullable=False),
    sa.Column('log10_lr', sa.Float(), nullable=False),
    sa.Column('loci_compared', sa.Integer(), nullable=False),
    sa.Column('exclusions', sa.Integer(), nullable=False),
    sa.Column('per_locus', sa.JSON(), nullable=False),
    sa.Column('model', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('second_sample_specimen', sa.String(length=80), nullable=True),
    sa.Column('reviewed_by', sa.String(length=80), nullable=True),
    sa.Column('review_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_profile_id'], ['profiles.id'], ),
    sa.ForeignKeyConstraint(['found_child_id'], ['found_children.id'], ),
    sa.ForeignKeyConstraint(['other_parent_profile_id'], ['profiles.id'], ),
    sa.ForeignKeyConstraint(['relative_profile_id'], ['profiles.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['missing_reports.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('child_profile_id', 'relative_profile_id', 'relationship_tested')
    )
    op.create_table('reunifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('child_consent', sa.Boolean(), nullable=True),
    sa.Column('follow_up_visits', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('match_id')
    )


def downgrade() -> None:
    op.drop_table('reunifications')
    op.drop_table('matches')
    op.drop_table('profiles')
    op.drop_table('custody_events')
    op.drop_table('samples')
    op.drop_table('tips')
    op.drop_table('suspect_child_links')
    op.drop_table('report_notes')
    op.drop_table('relatives')
    op.drop_table('placements')
    op.drop_table('suspects')
    op.drop_table('missing_reports')
    op.drop_table('found_children')
    op.drop_table('users')
    op.drop_table('sources')
    op.drop_table('operations')
    op.drop_table('locations')
    op.drop_table('audit_events')
