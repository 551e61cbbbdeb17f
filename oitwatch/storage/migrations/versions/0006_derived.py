"""Incremental nights: what was read from each document, and what each verdict was judged from

Revision ID: 0006
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "derived",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_derived_content_hash", "derived", ["content_hash"])
    op.add_column("item_results", sa.Column("memo", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("item_results") as batch:
        batch.drop_column("memo")
    op.drop_index("ix_derived_content_hash", table_name="derived")
    op.drop_table("derived")
