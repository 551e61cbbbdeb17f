"""Fleet: batch keys, site jobs of a fleet batch, OCR requests and the jobs waiting on them

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A column added in place (no table rebuild on SQLite); its uniqueness is an index.
    op.add_column("batches", sa.Column("key", sa.String(length=64), nullable=True))
    op.create_index("ix_batches_key", "batches", ["key"], unique=True)
    op.create_table(
        "fleet_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("site_url", sa.String(length=500), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("lock", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("site_status", sa.String(length=20), nullable=True),
        sa.Column("oit_estimate", sa.Double(), nullable=True),
        sa.Column("new_problems", sa.JSON(), nullable=False),
        sa.Column("recoveries", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "site_url"),
    )
    op.create_index("ix_fleet_jobs_batch_id", "fleet_jobs", ["batch_id"], unique=False)
    op.create_index("ix_fleet_jobs_status", "fleet_jobs", ["status"], unique=False)
    op.create_table(
        "ocr_requests",
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("engine", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("content_hash", "engine"),
    )
    op.create_index("ix_ocr_requests_status", "ocr_requests", ["status"], unique=False)
    op.create_table(
        "ocr_waits",
        sa.Column("fleet_job_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["fleet_job_id"], ["fleet_jobs.id"]),
        sa.PrimaryKeyConstraint("fleet_job_id", "content_hash"),
    )
    op.create_index("ix_ocr_waits_content_hash", "ocr_waits", ["content_hash"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ocr_waits_content_hash", table_name="ocr_waits")
    op.drop_table("ocr_waits")
    op.drop_index("ix_ocr_requests_status", table_name="ocr_requests")
    op.drop_table("ocr_requests")
    op.drop_index("ix_fleet_jobs_status", table_name="fleet_jobs")
    op.drop_index("ix_fleet_jobs_batch_id", table_name="fleet_jobs")
    op.drop_table("fleet_jobs")
    op.drop_index("ix_batches_key", table_name="batches")
    with op.batch_alter_table("batches") as batch:
        batch.drop_column("key")
