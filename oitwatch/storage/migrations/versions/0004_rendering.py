"""JavaScript sites remembered; evidence screenshots and OCR flag per item result

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "sites", sa.Column("needs_render", sa.Boolean(), server_default="0", nullable=False)
    )
    op.add_column("item_results", sa.Column("screenshot", sa.Text(), nullable=True))
    op.add_column(
        "item_results", sa.Column("ocr", sa.Boolean(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("item_results") as batch:
        batch.drop_column("ocr")
        batch.drop_column("screenshot")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("needs_render")
