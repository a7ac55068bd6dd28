"""referral drafts: the referral form's answers in progress, kept server-side

Revision ID: 0004_referral_drafts
Revises: 0003_web_accounts
Written by hand.
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_referral_drafts"
down_revision = "0003_web_accounts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "web_referral_draft",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("submit_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_web_referral_draft_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_referral_draft")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_web_referral_draft_token_sha256")),
    )
    with op.batch_alter_table("web_referral_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_referral_draft_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_web_referral_draft_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("web_referral_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_referral_draft_user_id"))
        batch_op.drop_index(batch_op.f("ix_web_referral_draft_updated_at"))
    op.drop_table("web_referral_draft")
