"""dashboard indexes: families by stage and district, open tasks of one kind by team

Revision ID: 0005_dashboard_indexes
Revises: 0002_domain, 0004_referral_drafts (the domain and web branches meet here)
Written by hand.
"""
from alembic import op

revision = "0005_dashboard_indexes"
down_revision = ("0002_domain", "0004_referral_drafts")
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_family_stage", "family", ["status", "route", "district"])
    op.create_index("ix_human_task_bpmn_state", "human_task", ["bpmn_id", "state", "team_id"])


def downgrade():
    op.drop_index("ix_human_task_bpmn_state", table_name="human_task")
    op.drop_index("ix_family_stage", table_name="family")
