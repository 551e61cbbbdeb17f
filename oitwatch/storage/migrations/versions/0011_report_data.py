"""What a stored run's report shows, as data: which missing capabilities (Thai OCR, Chromium)
weakened each verdict (read back from the English words at the end of the reason until now),
and how many pages Chromium rendered (not stored until now)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The words the pipeline wrote at the end of a weakened verdict's English reason up to this
# revision (pipeline/site.py, pipeline/capabilities.py), frozen here: the stored runs keep them.
_SAID = {
    "ocr": "(verdict weakened: no Thai OCR",
    "chromium": "(verdict weakened: no Chromium",
}


def upgrade() -> None:
    op.add_column("runs", sa.Column("pages_rendered", sa.Integer(), nullable=True))
    op.add_column(
        "item_results", sa.Column("weakened", sa.JSON(), server_default="[]", nullable=False)
    )
    items = sa.table(
        "item_results",
        sa.column("id", sa.Integer()),
        sa.column("reason_en", sa.Text()),
        sa.column("weakened", sa.JSON()),
    )
    connection = op.get_bind()
    found = connection.execute(
        sa.select(items.c.id, items.c.reason_en).where(
            items.c.reason_en.like("%(verdict weakened: %")
        )
    ).all()
    for item_id, reason in found:
        lost = [capability for capability, said in _SAID.items() if said in reason]
        if lost:
            connection.execute(items.update().where(items.c.id == item_id).values(weakened=lost))


def downgrade() -> None:
    with op.batch_alter_table("item_results") as batch:
        batch.drop_column("weakened")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("pages_rendered")
