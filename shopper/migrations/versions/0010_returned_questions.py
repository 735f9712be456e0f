"""the questions a coordinator names when returning a report

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:10:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN with a constant default (no batch copy of visits, which
    # other tables' foreign keys point at).
    op.add_column(
        "visits",
        sa.Column(
            "returned_questions",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
            server_default=sa.text("'[]'"),
        ),
    )


def downgrade():
    op.execute("ALTER TABLE visits DROP COLUMN returned_questions")
