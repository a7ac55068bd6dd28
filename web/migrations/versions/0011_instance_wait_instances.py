"""instance waits by instance: the definitions list counts distinct instances per version of a process
from an index range (the wait rows are not read)

Revision ID: 0011_instance_wait_instances
Revises: 0010_instance_waits
Written by hand: an index only.
"""
from alembic import op

revision = "0011_instance_wait_instances"
down_revision = "0010_instance_waits"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("instance_wait", schema=None) as batch_op:
        batch_op.create_index("ix_instance_wait_instances", ["process_id", "version", "instance_id", "kind"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("instance_wait", schema=None) as batch_op:
        batch_op.drop_index("ix_instance_wait_instances")
