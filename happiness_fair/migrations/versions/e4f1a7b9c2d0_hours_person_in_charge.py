"""issue 20: each hours record names its organising unit and its person in charge (order 67
art. 7), fixed when verified; the community names a 负责人 as the last fallback

Revision ID: e4f1a7b9c2d0
Revises: d41c7a9e2b10
Create Date: 2026-11-30 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4f1a7b9c2d0'
down_revision = 'd41c7a9e2b10'
branch_labels = None
depends_on = None

_STAFF = (
    "u.community_id = hours_records.community_id AND EXISTS (SELECT 1 FROM user_roles r "
    "WHERE r.user_id = u.id AND r.role IN ('office', 'grid_worker'))"
)

# Backfill the verified records by the rule hours.service._verify applies from now on: the staff
# member who confirmed (a booking's confirming event; a fair's or manual entry's author), else
# the grid's first grid worker; the unit is the community's committee. (The office names no
# 负责人 before this migration, so that last fallback is empty.)
BACKFILL = [
    "UPDATE hours_records SET organising_unit = (SELECT c.street || c.name || '居民委员会' "
    "FROM communities c WHERE c.id = hours_records.community_id) WHERE status = 'verified'",
    "UPDATE hours_records SET person_in_charge_id = (SELECT e.actor_id FROM booking_events e "
    "JOIN users u ON u.id = e.actor_id WHERE e.booking_id = hours_records.booking_id "
    f"AND e.to_status = 'confirmed' AND {_STAFF} ORDER BY e.id DESC LIMIT 1) "
    "WHERE status = 'verified' AND source = 'booking'",
    "UPDATE hours_records SET person_in_charge_id = created_by_id WHERE status = 'verified' "
    f"AND source <> 'booking' AND created_by_id IN (SELECT u.id FROM users u WHERE {_STAFF})",
    "UPDATE hours_records SET person_in_charge_id = (SELECT MIN(g.user_id) FROM staff_grids g "
    "JOIN users u ON u.id = g.user_id JOIN user_roles r ON r.user_id = u.id "
    "AND r.role = 'grid_worker' WHERE g.grid_id = hours_records.grid_id AND u.active "
    "AND u.deleted_at IS NULL) WHERE status = 'verified' AND person_in_charge_id IS NULL",
    "UPDATE hours_records SET person_in_charge = (SELECT u.name FROM users u "
    "WHERE u.id = hours_records.person_in_charge_id) WHERE person_in_charge_id IS NOT NULL",
]


def upgrade():
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_in_charge', sa.String(length=40), nullable=False, server_default=''))
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN in place: a batch copy of hours_records would drop a table that
        # hours_corrections and fair_attendance rows point at (foreign keys are on).
        op.execute("ALTER TABLE hours_records ADD COLUMN organising_unit VARCHAR(200) DEFAULT '' NOT NULL")
        op.execute("ALTER TABLE hours_records ADD COLUMN person_in_charge VARCHAR(40) DEFAULT '' NOT NULL")
        op.execute("ALTER TABLE hours_records ADD COLUMN person_in_charge_id INTEGER "
                   "CONSTRAINT fk_hours_records_person_in_charge_id_users REFERENCES users (id)")
    else:
        with op.batch_alter_table('hours_records', schema=None) as batch_op:
            batch_op.add_column(sa.Column('organising_unit', sa.String(length=200), nullable=False, server_default=''))
            batch_op.add_column(sa.Column('person_in_charge', sa.String(length=40), nullable=False, server_default=''))
            batch_op.add_column(sa.Column('person_in_charge_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f('fk_hours_records_person_in_charge_id_users'), 'users', ['person_in_charge_id'], ['id'])
    for statement in BACKFILL:
        op.execute(statement)


def downgrade():
    with op.batch_alter_table('hours_records', schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":  # SQLite's copy leaves the key behind
            batch_op.drop_constraint(batch_op.f('fk_hours_records_person_in_charge_id_users'), type_='foreignkey')
        batch_op.drop_column('person_in_charge_id')
        batch_op.drop_column('person_in_charge')
        batch_op.drop_column('organising_unit')
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.drop_column('person_in_charge')
