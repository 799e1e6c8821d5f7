"""Geo-targeted missing-child alerts: subscribers with their places and channels,
alerts with a widening radius and their versions (texts per language), the outbox written
in the alert's transaction, deliveries per version and channel (status, attempts, next
attempt, last error, dead letter), the web app's inbox and sighting replies.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:12:07.984028
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_subscribers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('link_nonce', sa.String(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('alert_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['alert_subscribers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_channels_subscriber_id'),
                              ['subscriber_id'], unique=False)

    op.create_table('alert_subscriber_locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=True),
    sa.Column('adcode', sa.String(length=12), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['alert_subscribers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_subscriber_locations', schema=None) as batch_op:
        batch_op.create_index('ix_alert_subscriber_locations_lat_lon',
                              ['latitude', 'longitude'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_subscriber_locations_subscriber_id'),
                              ['subscriber_id'], unique=False)

    op.create_table('geo_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('place_label', sa.String(length=200), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('radius_schedule', sa.JSON(), nullable=False),
    sa.Column('radius_step', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.String(length=80), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['missing_reports.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('geo_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_geo_alerts_report_id'), ['report_id'], unique=False)

    op.create_table('alert_inbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('delivery_key', sa.String(length=100), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['geo_alerts.id'], ),
    sa.ForeignKeyConstraint(['subscriber_id'], ['alert_subscribers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('delivery_key')
    )
    with op.batch_alter_table('alert_inbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_inbox_messages_subscriber_id'),
                              ['subscriber_id'], unique=False)

    op.create_table('alert_sighting_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('tip_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['geo_alerts.id'], ),
    sa.ForeignKeyConstraint(['subscriber_id'], ['alert_subscribers.id'], ),
    sa.ForeignKeyConstraint(['tip_id'], ['tips.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('alert_sighting_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_sighting_replies_alert_id'),
                              ['alert_id'], unique=False)

    op.create_table('alert_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['geo_alerts.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('alert_id', 'number')
    )
    with op.batch_alter_table('alert_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_versions_alert_id'), ['alert_id'], unique=False)

    op.create_table('alert_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('channel_kind', sa.String(length=20), nullable=False),
    sa.Column('idempotency_key', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('leased_by', sa.String(length=80), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dead_lettered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['geo_alerts.id'], ),
    sa.ForeignKeyConstraint(['channel_id'], ['alert_channels.id'], ),
    sa.ForeignKeyConstraint(['subscriber_id'], ['alert_subscribers.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['alert_versions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version_id', 'channel_id')
    )
    with op.batch_alter_table('alert_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_deliveries_alert_id'),
                              ['alert_id'], unique=False)
        batch_op.create_index('ix_alert_deliveries_due',
                              ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_deliveries_idempotency_key'),
                              ['idempotency_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_deliveries_subscriber_id'),
                              ['subscriber_id'], unique=False)

    op.create_table('alert_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('radius_km', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('leased_by', sa.String(length=80), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['geo_alerts.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['alert_versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_outbox_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index('ix_alert_outbox_pending',
                              ['processed_at', 'lease_until'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('alert_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_outbox_pending')
        batch_op.drop_index(batch_op.f('ix_alert_outbox_alert_id'))

    op.drop_table('alert_outbox')
    with op.batch_alter_table('alert_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_deliveries_subscriber_id'))
        batch_op.drop_index(batch_op.f('ix_alert_deliveries_idempotency_key'))
        batch_op.drop_index('ix_alert_deliveries_due')
        batch_op.drop_index(batch_op.f('ix_alert_deliveries_alert_id'))

    op.drop_table('alert_deliveries')
    with op.batch_alter_table('alert_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_versions_alert_id'))

    op.drop_table('alert_versions')
    with op.batch_alter_table('alert_sighting_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_sighting_replies_alert_id'))

    op.drop_table('alert_sighting_replies')
    with op.batch_alter_table('alert_inbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_inbox_messages_subscriber_id'))

    op.drop_table('alert_inbox_messages')
    with op.batch_alter_table('geo_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_geo_alerts_report_id'))

    op.drop_table('geo_alerts')
    with op.batch_alter_table('alert_subscriber_locations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_subscriber_locations_subscriber_id'))
        batch_op.drop_index('ix_alert_subscriber_locations_lat_lon')

    op.drop_table('alert_subscriber_locations')
    with op.batch_alter_table('alert_channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_channels_subscriber_id'))

    op.drop_table('alert_channels')
    op.drop_table('alert_subscribers')
