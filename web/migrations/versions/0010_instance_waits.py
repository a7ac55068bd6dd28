"""instance waits: where each live instance waits (user tasks, timers, messages, call activities...),
for the process owners' live counts

Revision ID: 0010_instance_waits
Revises: 0009_process_versions
Written by hand. Instances already running get their rows from their stored state (engine/waits.py's
``backfill``: the same reading of a state that every step uses, nothing run or evaluated).
"""
import sqlalchemy as sa
from alembic import op

from engine.waits import backfill

revision = "0010_instance_waits"
down_revision = "0009_process_versions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "instance_wait",
        sa.Column("instance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("process_id", sa.String(length=255), nullable=False),
        sa.Column("element_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["instance.id"], name=op.f("fk_instance_wait_instance_id_instance")),
        sa.PrimaryKeyConstraint("instance_id", "process_id", "element_id", "kind", name=op.f("pk_instance_wait")),
    )
    with op.batch_alter_table("instance_wait", schema=None) as batch_op:
        batch_op.create_index("ix_instance_wait_counts", ["process_id", "version", "element_id", "kind"],
                              unique=False)
    backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table("instance_wait", schema=None) as batch_op:
        batch_op.drop_index("ix_instance_wait_counts")
    op.drop_table("instance_wait")
