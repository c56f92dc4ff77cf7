"""issue 20: residents.inactive_reason; fair days cancelled, stalls withdrawn

Revision ID: b7e2c4a91d20
Revises: 2cd4f79a8703
Create Date: 2026-11-30 12:20:00

"""
from alembic import op
import sqlalchemy as sa
import happiness_fair.database


# revision identifiers, used by Alembic.
revision = 'b7e2c4a91d20'
down_revision = '2cd4f79a8703'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inactive_reason', sa.String(length=20), nullable=True))
    with op.batch_alter_table('fair_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', happiness_fair.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=500), nullable=False, server_default=''))
    with op.batch_alter_table('fair_stalls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', happiness_fair.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdraw_reason', sa.String(length=500), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('fair_stalls', schema=None) as batch_op:
        batch_op.drop_column('withdraw_reason')
        batch_op.drop_column('withdrawn_at')
    with op.batch_alter_table('fair_days', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.drop_column('inactive_reason')
