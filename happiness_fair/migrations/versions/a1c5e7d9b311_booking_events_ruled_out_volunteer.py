"""booking_events.ruled_out_volunteer_id: whose work a dispute settled against him found not
done, so the reopened request is never his again

Revision ID: a1c5e7d9b311
Revises: 390acd0f63bd
Create Date: 2026-12-10 10:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a1c5e7d9b311"
down_revision = "390acd0f63bd"
branch_labels = None
depends_on = None

BACKFILL = (
    "UPDATE booking_events SET ruled_out_volunteer_id = ("
    " SELECT hours_records.volunteer_id FROM hours_records"
    " WHERE hours_records.booking_id = booking_events.booking_id"
    " AND hours_records.status = 'rejected'"
    " AND hours_records.created_at <= booking_events.at"
    " ORDER BY hours_records.created_at DESC, hours_records.id DESC LIMIT 1)"
    " WHERE booking_events.action = 'resolve_reopen'"
)


def upgrade():
    with op.batch_alter_table("booking_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ruled_out_volunteer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_booking_events_ruled_out_volunteer_id_volunteers",
            "volunteers",
            ["ruled_out_volunteer_id"],
            ["id"],
        )
    # Settled before this column: the volunteer whose hours for the booking were rejected then
    # (a dispute settled against him rejects them), the latest such record before the step.
    op.execute(BACKFILL)


def downgrade():
    with op.batch_alter_table("booking_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_booking_events_ruled_out_volunteer_id_volunteers", type_="foreignkey"
        )
        batch_op.drop_column("ruled_out_volunteer_id")
