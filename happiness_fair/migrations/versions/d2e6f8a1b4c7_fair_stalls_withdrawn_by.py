"""fair stalls remember who withdrew them (a volunteer signs up again only a stall he withdrew)

Revision ID: d2e6f8a1b4c7
Revises: c3d9e2f4a6b8
Create Date: 2026-12-01 19:20:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "d2e6f8a1b4c7"
down_revision = "c3d9e2f4a6b8"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN in place: a batch copy of fair_stalls would drop a table that its slots,
        # seat bookings and walk-ins point at (foreign keys are on).
        op.execute("ALTER TABLE fair_stalls ADD COLUMN withdrawn_by_id INTEGER "
                   "CONSTRAINT fk_fair_stalls_withdrawn_by_id_users REFERENCES users (id)")
    else:
        with op.batch_alter_table("fair_stalls", schema=None) as batch_op:
            batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f("fk_fair_stalls_withdrawn_by_id_users"), "users", ["withdrawn_by_id"], ["id"]
            )


def downgrade():
    with op.batch_alter_table("fair_stalls", schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":  # SQLite's copy leaves the key behind
            batch_op.drop_constraint(batch_op.f("fk_fair_stalls_withdrawn_by_id_users"), type_="foreignkey")
        batch_op.drop_column("withdrawn_by_id")
