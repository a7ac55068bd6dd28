"""api token expiry: every token expires (existing ones 90 days after this upgrade)

Revision ID: 0008_api_token_expiry
Revises: 0007_event_seq
Written by hand.
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0008_api_token_expiry"
down_revision = "0007_event_seq"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    # Tokens issued before expiry existed get the default lifetime from now, not from their creation:
    # an upgrade must not cut off every integration at once.
    at = datetime.now(UTC) + timedelta(days=90)
    if op.get_bind().dialect.name == "sqlite":
        at = at.replace(tzinfo=None)  # as engine.models.UTCDateTime stores it there: naive UTC
    op.execute(sa.text("UPDATE api_token SET expires_at = :at").bindparams(at=at))
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
