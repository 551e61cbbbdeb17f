"""Batches of runs, registry fields on sites, alert states and the e-mail outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("sites_total", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # Columns are added in place: rebuilding tables that hold history is neither needed nor safe.
    op.add_column("sites", sa.Column("agency_type", sa.String(length=100), nullable=True))
    op.add_column("sites", sa.Column("province", sa.String(length=100), nullable=True))
    op.add_column("sites", sa.Column("code", sa.String(length=20), nullable=True))
    op.create_index("ix_sites_province", "sites", ["province"], unique=False)
    # SQLite adds a foreign-key column in place only with the reference written inline.
    op.execute("ALTER TABLE runs ADD COLUMN batch_id INTEGER REFERENCES batches (id)")
    op.create_index("ix_runs_batch_id", "runs", ["batch_id"], unique=False)
    op.create_table(
        "alert_states",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("problem", sa.Boolean(), nullable=False),
        sa.Column("since_run_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.ForeignKeyConstraint(["since_run_id"], ["runs.id"]),
        sa.PrimaryKeyConstraint("site_id", "item_id"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_sent_at", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("alert_states")
    op.drop_index("ix_runs_batch_id", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("batch_id")
    with op.batch_alter_table("sites") as batch:
        batch.drop_index("ix_sites_province")
        batch.drop_column("code")
        batch.drop_column("province")
        batch.drop_column("agency_type")
    op.drop_table("batches")
