"""issue 18: bookings.followed_up, so the booking rules need not read the follow-up calls

Revision ID: e5b8c1d2f309
Revises: c3a9d5e1f702
Create Date: 2026-11-30 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b8c1d2f309'
down_revision = 'c3a9d5e1f702'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('followed_up', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        "UPDATE bookings SET followed_up = true WHERE EXISTS (SELECT 1 FROM follow_ups"
        " WHERE follow_ups.booking_id = bookings.id AND follow_ups.outcome != 'unreachable')"
    )


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('followed_up')
