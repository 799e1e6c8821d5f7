"""From raid to reunion: operations in full (code name, dates, lead agency, cities,
officers), rescued children's marks, languages and who they were found with, suspects'
phones, kinship and sales of children, placement history, care visits, family
notifications, welfare reviews, DNA appointments and the reunion's place and witnesses.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 15:50:16.885114
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dna_appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('relative_id', sa.Integer(), nullable=False),
    sa.Column('station', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('booked_by', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['relative_id'], ['relatives.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dna_appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dna_appointments_relative_id'),
                              ['relative_id'], unique=False)

    op.create_table('suspect_kinships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suspect_id', sa.Integer(), nullable=False),
    sa.Column('relative_suspect_id', sa.Integer(), nullable=False),
    sa.Column('kinship', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['relative_suspect_id'], ['suspects.id'], ),
    sa.ForeignKeyConstraint(['suspect_id'], ['suspects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('suspect_id', 'relative_suspect_id')
    )
    with op.batch_alter_table('suspect_kinships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suspect_kinships_suspect_id'),
                              ['suspect_id'], unique=False)

    op.create_table('care_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('found_child_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['found_child_id'], ['found_children.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('care_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_visits_found_child_id'),
                              ['found_child_id'], unique=False)

    op.create_table('child_transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('found_child_id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=True),
    sa.Column('seller_suspect_id', sa.Integer(), nullable=True),
    sa.Column('buyer_suspect_id', sa.Integer(), nullable=True),
    sa.Column('price_yuan', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['buyer_suspect_id'], ['suspects.id'], ),
    sa.ForeignKeyConstraint(['found_child_id'], ['found_children.id'], ),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], ),
    sa.ForeignKeyConstraint(['seller_suspect_id'], ['suspects.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('child_transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_transactions_found_child_id'),
                              ['found_child_id'], unique=False)

    op.create_table('family_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('notified_by', sa.String(length=80), nullable=False),
    sa.Column('person_told', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('family_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_notifications_match_id'),
                              ['match_id'], unique=False)

    op.create_table('welfare_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('conclusion', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reviewer', sa.String(length=80), nullable=False),
    sa.Column('concluded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('match_id')
    )
    with op.batch_alter_table('found_children', schema=None) as batch_op:
        batch_op.add_column(sa.Column('distinguishing_marks', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('languages', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('found_with', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('buyer_suspect_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_found_children_buyer_suspect_id', 'suspects',
                                    ['buyer_suspect_id'], ['id'])

    with op.batch_alter_table('operations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code_name', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('ended_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('lead_agency', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('cities', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('officers_deployed', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by', sa.String(length=80), nullable=True))

    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('household_id_numbers', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('placed_by', sa.String(length=80), nullable=True))

    with op.batch_alter_table('reunifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('present', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('recorded_by', sa.String(length=80), nullable=True))

    with op.batch_alter_table('suspects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phones', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('relative_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_suspects_relative_id', 'relatives', ['relative_id'],
                                    ['id'])




def downgrade() -> None:
    with op.batch_alter_table('suspects', schema=None) as batch_op:
        batch_op.drop_constraint('fk_suspects_relative_id', type_='foreignkey')
        batch_op.drop_column('relative_id')
        batch_op.drop_column('phones')

    with op.batch_alter_table('reunifications', schema=None) as batch_op:
        batch_op.drop_column('recorded_by')
        batch_op.drop_column('present')
        batch_op.drop_column('place')

    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_column('placed_by')
        batch_op.drop_column('household_id_numbers')
        batch_op.drop_column('ended_reason')

    with op.batch_alter_table('operations', schema=None) as batch_op:
        batch_op.drop_column('created_by')
        batch_op.drop_column('officers_deployed')
        batch_op.drop_column('cities')
        batch_op.drop_column('lead_agency')
        batch_op.drop_column('ended_on')
        batch_op.drop_column('code_name')

    with op.batch_alter_table('found_children', schema=None) as batch_op:
        batch_op.drop_constraint('fk_found_children_buyer_suspect_id', type_='foreignkey')
        batch_op.drop_column('buyer_suspect_id')
        batch_op.drop_column('found_with')
        batch_op.drop_column('languages')
        batch_op.drop_column('distinguishing_marks')

    op.drop_table('welfare_reviews')
    with op.batch_alter_table('family_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_notifications_match_id'))

    op.drop_table('family_notifications')
    with op.batch_alter_table('child_transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_transactions_found_child_id'))

    op.drop_table('child_transactions')
    with op.batch_alter_table('care_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_visits_found_child_id'))

    op.drop_table('care_visits')
    with op.batch_alter_table('suspect_kinships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suspect_kinships_suspect_id'))

    op.drop_table('suspect_kinships')
    with op.batch_alter_table('dna_appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dna_appointments_relative_id'))

    op.drop_table('dna_appointments')

