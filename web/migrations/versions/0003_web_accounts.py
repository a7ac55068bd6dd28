"""web accounts: sign-in state, task drafts, OIDC group mapping; the inbox pages' index

Revision ID: 0003_web_accounts
Revises: 0001_engine
Written by hand: an independent branch from the engine tables (upgrade with ``heads``).
"""
from alembic import op
import sqlalchemy as sa


revision = "0003_web_accounts"
down_revision = "0001_engine"
branch_labels = None
depends_on = None


def upgrade():
    # The inbox pages' "tasks I may do" query: group + team (or no team) as one index range.
    with op.batch_alter_table("human_task", schema=None) as batch_op:
        batch_op.create_index("ix_human_task_group_team_inbox", ["group_id", "team_id", "state", "created_at", "id"],
                              unique=False)
    op.create_table(
        "web_login_state",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sessions_valid_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("oidc_subject", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_web_login_state_user_id_app_user")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_web_login_state")),
        sa.UniqueConstraint("oidc_subject", name=op.f("uq_web_login_state_oidc_subject")),
    )
    op.create_table(
        "web_task_draft",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_web_task_draft_user_id_app_user")),
        sa.PrimaryKeyConstraint("user_id", "task_id", name=op.f("pk_web_task_draft")),
    )
    op.create_table(
        "web_group_mapping",
        sa.Column("claim_value", sa.String(length=255), nullable=False),
        sa.Column("group_id", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["user_group.id"], name=op.f("fk_web_group_mapping_group_id_user_group")),
        sa.PrimaryKeyConstraint("claim_value", "group_id", name=op.f("pk_web_group_mapping")),
    )


def downgrade():
    with op.batch_alter_table("human_task", schema=None) as batch_op:
        batch_op.drop_index("ix_human_task_group_team_inbox")
    op.drop_table("web_group_mapping")
    op.drop_table("web_task_draft")
    op.drop_table("web_login_state")
