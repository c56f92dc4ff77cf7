"""Skills and grids an approved volunteer asked to add wait for the office (review B #3)

Revision ID: c3f1a9d2e4b7
Revises: b7e2c4a91d20
Create Date: 2026-11-30 13:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c3f1a9d2e4b7'
down_revision = 'b7e2c4a91d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('volunteer_pending_categories',
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_volunteer_pending_categories_category_id_categories')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_volunteer_pending_categories_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('volunteer_id', 'category_id', name=op.f('pk_volunteer_pending_categories'))
    )
    op.create_table('volunteer_pending_grids',
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['grids.id'], name=op.f('fk_volunteer_pending_grids_grid_id_grids')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_volunteer_pending_grids_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('volunteer_id', 'grid_id', name=op.f('pk_volunteer_pending_grids'))
    )


def downgrade():
    op.drop_table('volunteer_pending_grids')
    op.drop_table('volunteer_pending_categories')
