"""process versions: versions numbered per process, and the versions each instance pinned

Revision ID: 0009_process_versions
Revises: 0008_api_token_expiry
Written by hand.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_process_versions"
down_revision = "0008_api_token_expiry"
branch_labels = None
depends_on = None

BACKFILL_NOTE = "Published before versions were kept per process"


def upgrade():
    op.create_table(
        "process_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=255), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("published_by", sa.String(length=150), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("diff_summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["bundle_id"], ["definition_version.id"],
                                name=op.f("fk_process_version_bundle_id_definition_version")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_version")),
        sa.UniqueConstraint("process_id", "number", name="uq_process_version_number"),
    )
    with op.batch_alter_table("instance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pins", sa.JSON(), nullable=True))
    # Every bundle already deployed becomes a version of each process it holds, numbered in deploy order.
    # Their sha256 is the bundle's (the per-process hash needs the parser), so the next publish of each
    # process makes a new version even when unchanged: once, and harmless. Existing instances keep no
    # pins and go on reading their own bundle.
    rows = op.get_bind().execute(sa.text(
        "SELECT p.process_id, v.id, v.sha256, v.deployed_by, v.deployed_at FROM definition_process p "
        "JOIN definition_version v ON v.id = p.version_id ORDER BY p.process_id, v.version")).all()
    numbers: dict[str, int] = {}
    table = sa.table("process_version", sa.column("process_id"), sa.column("number"), sa.column("bundle_id"),
                     sa.column("sha256"), sa.column("note"), sa.column("published_by"),
                     sa.column("published_at"), sa.column("diff_summary"))
    values = []
    for process_id, bundle_id, sha256, deployed_by, deployed_at in rows:
        numbers[process_id] = numbers.get(process_id, 0) + 1
        values.append({"process_id": process_id, "number": numbers[process_id], "bundle_id": bundle_id,
                       "sha256": sha256, "note": BACKFILL_NOTE, "published_by": deployed_by,
                       "published_at": deployed_at, "diff_summary": ""})
    if values:
        op.bulk_insert(table, values)


def downgrade():
    with op.batch_alter_table("instance", schema=None) as batch_op:
        batch_op.drop_column("pins")
    op.drop_table("process_version")
