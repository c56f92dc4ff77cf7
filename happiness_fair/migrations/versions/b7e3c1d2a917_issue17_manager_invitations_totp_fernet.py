"""issue 17: managers by invitation; room for Fernet-encrypted TOTP secrets

Revision ID: b7e3c1d2a917
Revises: 2cd4f79a8703
Create Date: 2026-11-30 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import happiness_fair.database


# revision identifiers, used by Alembic.
revision = 'b7e3c1d2a917'
down_revision = '2cd4f79a8703'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('manager_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=11), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'declined', 'withdrawn', name='invitationstatus', native_enum=False, length=10), nullable=False),
    sa.Column('created_at', happiness_fair.database.UTCDateTime(), nullable=False),
    sa.Column('expires_at', happiness_fair.database.UTCDateTime(), nullable=False),
    sa.Column('answered_at', happiness_fair.database.UTCDateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_manager_invitations_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_manager_invitations_community_id_communities')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_manager_invitations_invited_by_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_manager_invitations_resident_id_residents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manager_invitations'))
    )
    with op.batch_alter_table('manager_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_manager_invitations_invited_by_id'), ['invited_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_manager_invitations_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_manager_invitations_resident_id'), ['resident_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret',
               existing_type=sa.String(length=64),
               type_=sa.String(length=255),
               existing_nullable=True)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret',
               existing_type=sa.String(length=255),
               type_=sa.String(length=64),
               existing_nullable=True)

    with op.batch_alter_table('manager_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_manager_invitations_resident_id'))
        batch_op.drop_index(batch_op.f('ix_manager_invitations_phone'))
        batch_op.drop_index(batch_op.f('ix_manager_invitations_invited_by_id'))

    op.drop_table('manager_invitations')
