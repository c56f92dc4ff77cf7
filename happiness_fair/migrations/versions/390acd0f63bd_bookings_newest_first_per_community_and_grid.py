"""bookings newest first per community and per grid, and those awaiting a call

The office's and a grid worker's "my bookings" read a community's or a grid's newest bookings;
without these they read every booking of the community or grid and sorted them (37 ms of SQL at
a district's scale, docs/PERFORMANCE.md round 7). The follow-up calls read every finished
booking not yet called back (67-85 ms).

Revision ID: 390acd0f63bd
Revises: e4f1a7b9c2d0
Create Date: 2026-12-01 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '390acd0f63bd'
down_revision = 'e4f1a7b9c2d0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index('ix_bookings_community_newest', ['community_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_bookings_grid_newest', ['grid_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(
            'ix_bookings_awaiting_call', ['community_id', 'completed_at', 'id', 'status'], unique=False,
            postgresql_where=sa.text('followed_up IS false'), sqlite_where=sa.text('followed_up IS 0'),
        )


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_bookings_awaiting_call')
        batch_op.drop_index('ix_bookings_grid_newest')
        batch_op.drop_index('ix_bookings_community_newest')
