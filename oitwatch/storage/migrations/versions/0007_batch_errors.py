"""A batch can end completed_with_errors; a run keeps what its alerts announced (the digest of a
resumed batch covers every site)

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "completed_with_errors" needs a wider column. SQLite rebuilds the small batches table
    # (ids kept; foreign keys are off during migrations and checked after); PostgreSQL alters.
    with op.batch_alter_table("batches") as batch:
        batch.alter_column(
            "status", existing_type=sa.String(20), type_=sa.String(32), existing_nullable=False
        )
    op.add_column("runs", sa.Column("alert_changes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("alert_changes")
    with op.batch_alter_table("batches") as batch:
        batch.alter_column(
            "status", existing_type=sa.String(32), type_=sa.String(20), existing_nullable=False
        )
