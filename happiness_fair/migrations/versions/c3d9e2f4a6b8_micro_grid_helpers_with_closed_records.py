"""micro-grid helpers whose resident record was closed before closing ended the appointment:
their buildings and role end now

Revision ID: c3d9e2f4a6b8
Revises: a1c5e7d9b311
Create Date: 2026-12-01 14:00:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "c3d9e2f4a6b8"
down_revision = "a1c5e7d9b311"
branch_labels = None
depends_on = None

CLOSED = (
    "SELECT residents.user_id FROM residents"
    " WHERE residents.active IS false AND residents.user_id IS NOT NULL"
)
# The app ends an appointment when the record closes (concerns/micro_grid.py); a record closed
# before it did still served its buildings.
ENDED = (
    f"DELETE FROM micro_grid_buildings WHERE user_id IN ({CLOSED})",
    f"DELETE FROM user_roles WHERE role = 'micro_grid_helper' AND user_id IN ({CLOSED})",
)


def upgrade():
    for statement in ENDED:
        op.execute(statement)


def downgrade():
    pass  # an ended appointment is not restored: the office appoints him again if it should be
