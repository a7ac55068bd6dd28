"""event seq: every event of an instance numbered 1, 2, 3... without gaps, unique per instance

Revision ID: 0007_event_seq
Revises: 0006_tf_register_issues
Written by hand. Existing events are numbered in the order they were written (their ids).
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_event_seq"
down_revision = "0006_tf_register_issues"
branch_labels = None
depends_on = None

BACKFILL = {
    "postgresql": "UPDATE event SET seq = numbered.n FROM (SELECT id, row_number() OVER "
                  "(PARTITION BY instance_id ORDER BY id) AS n FROM event) AS numbered WHERE event.id = numbered.id",
    # SQLite before 3.33 has no UPDATE ... FROM: count the instance's events up to this one (an index range).
    "sqlite": "UPDATE event SET seq = (SELECT count(*) FROM event AS earlier "
              "WHERE earlier.instance_id = event.instance_id AND earlier.id <= event.id)",
}


def upgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
    op.execute(BACKFILL[op.get_bind().dialect.name])
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index("uq_event_instance_seq", ["instance_id", "seq"], unique=True)


def downgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("uq_event_instance_seq")
        batch_op.drop_column("seq")
