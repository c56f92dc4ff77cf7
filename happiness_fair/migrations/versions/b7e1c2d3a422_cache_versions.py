"""cache versions: what a worker may keep in memory, bumped with every change (issue 22)

Revision ID: b7e1c2d3a422
Revises: c3f1a9d2e4b7
Create Date: 2026-11-30 12:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c2d3a422'
down_revision = 'c3f1a9d2e4b7'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'cache_versions',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_versions')),
    )
    op.bulk_insert(
        table,
        [{'name': n, 'version': 0} for n in ('categories', 'catalogue', 'waivers', 'calendar', 'hours')],
    )


def downgrade():
    op.drop_table('cache_versions')
