"""The reasoning behind each item's verdict: the URLs judged and where each came from, the period
read and from where, and a snippet proving each element found (issue 9, "show the reasoning")

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "item_results", sa.Column("reasoning", sa.JSON(), server_default="{}", nullable=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("item_results") as batch:
        batch.drop_column("reasoning")
