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
    # SQLite ignores VARCHAR lengths (and rebuilding a table that holds history is not safe);
    # PostgreSQL needs the wider column for "completed_with_errors".
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("batches", "status", existing_type=sa.String(20), type_=sa.String(32))
    op.add_column("runs", sa.Column("alert_changes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("alert_changes")
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("batches", "status", existing_type=sa.String(32), type_=sa.String(20))
