"""issue 20: volunteer teams (志愿服务队) and their members

Revision ID: c3a9d5e1f702
Revises: b7e1c2d3a422
Create Date: 2026-11-30 13:40:00

"""
from alembic import op
import sqlalchemy as sa
import happiness_fair.database


# revision identifiers, used by Alembic.
revision = 'c3a9d5e1f702'
down_revision = 'b7e1c2d3a422'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('leader_volunteer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', happiness_fair.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_teams_community_id_communities')),
    sa.ForeignKeyConstraint(['leader_volunteer_id'], ['volunteers.id'], name=op.f('fk_teams_leader_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('community_id', 'name', name='uq_teams_community_name')
    )
    op.create_index(op.f('ix_teams_community_id'), 'teams', ['community_id'], unique=False)
    op.create_index(op.f('ix_teams_leader_volunteer_id'), 'teams', ['leader_volunteer_id'], unique=False)
    op.create_table('team_members',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', happiness_fair.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_members_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_team_members_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'volunteer_id', name=op.f('pk_team_members'))
    )
    op.create_index(op.f('ix_team_members_volunteer_id'), 'team_members', ['volunteer_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_team_members_volunteer_id'), table_name='team_members')
    op.drop_table('team_members')
    op.drop_index(op.f('ix_teams_leader_volunteer_id'), table_name='teams')
    op.drop_index(op.f('ix_teams_community_id'), table_name='teams')
    op.drop_table('teams')
