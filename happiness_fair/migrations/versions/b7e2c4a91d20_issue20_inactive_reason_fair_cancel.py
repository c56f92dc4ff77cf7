"""issue 20: residents.inactive_reason; fair days cancelled, stalls withdrawn; certificate requests

Revision ID: b7e2c4a91d20
Revises: fda847acd921
Create Date: 2026-11-30 12:20:00

"""
from alembic import op
import sqlalchemy as sa
import happiness_fair.database


# revision identifiers, used by Alembic.
revision = 'b7e2c4a91d20'
down_revision = 'fda847acd921'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('volunteer_records',
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('gender', sa.String(length=10), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('id_number_sealed', sa.Text(), nullable=True),
    sa.Column('id_number_masked', sa.String(length=20), nullable=True),
    sa.Column('area', sa.String(length=100), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('updated_at', happiness_fair.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_volunteer_records_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('volunteer_id', name=op.f('pk_volunteer_records'))
    )
    op.create_table('certificate_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=True),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.Column('with_seal', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=500), server_default='', nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('created_at', happiness_fair.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', happiness_fair.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_requests_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_certificate_requests_community_id_communities')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_certificate_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_certificate_requests_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_requests'))
    )
    with op.batch_alter_table('certificate_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_requests_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_requests_volunteer_id'), ['volunteer_id'], unique=False)

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
    with op.batch_alter_table('certificate_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_requests_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_requests_community_id'))
    op.drop_table('certificate_requests')
    op.drop_table('volunteer_records')
