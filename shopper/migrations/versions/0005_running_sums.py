"""running sums of sections and questions, for comparisons over many months

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:40:00

"""

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# (running table, monthly table, code column, summed columns)
TABLES = (
    ("store_running_sections", "store_month_sections", "section_code", ("score_sum", "score_count")),
    (
        "store_running_questions",
        "store_month_questions",
        "question_code",
        ("earned", "possible", "counted", "fails"),
    ),
)
TYPES = {
    "score_sum": sa.Float(),
    "score_count": sa.Integer(),
    "earned": sa.Float(),
    "possible": sa.Float(),
    "counted": sa.Integer(),
    "fails": sa.Integer(),
}


def _create(name: str, code: str, sums: tuple[str, ...]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column(code, sa.String(length=64), nullable=False),
        *(sa.Column(column, TYPES[column], nullable=False) for column in sums),
        sa.ForeignKeyConstraint(
            ["checklist_id"], ["checklists.id"], name=op.f(f"fk_{name}_checklist_id_checklists")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f(f"fk_{name}_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(
            "checklist_id",
            "month",
            "store_id",
            code,
            name=op.f(f"uq_{name}_checklist_id_month_store_id_{code}"),
        ),
    )
    op.create_index(f"ix_{name}_series", name, ["checklist_id", "store_id", code, "month"])


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _as_date(value: object) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _backfill(name: str, monthly: str, code: str, sums: tuple[str, ...]) -> None:
    """Running sums from the monthly ones: each series dense up to its checklist's horizon."""
    connection = op.get_bind()
    horizons = {
        checklist: _as_date(month)
        for checklist, month in connection.execute(
            sa.text("SELECT checklist_id, MAX(month) FROM store_month_totals GROUP BY checklist_id")
        )
    }
    columns = ", ".join(sums)
    rows = connection.execute(
        sa.text(
            f"SELECT checklist_id, store_id, {code}, month, {columns} FROM {monthly} "
            f"ORDER BY checklist_id, store_id, {code}, month"
        )
    )
    series: dict[tuple, list[tuple[date, tuple]]] = defaultdict(list)
    for checklist, store, key, month, *values in rows:
        series[(checklist, store, key)].append((_as_date(month), tuple(values)))
    table = sa.table(
        name,
        sa.column("checklist_id"),
        sa.column("store_id"),
        sa.column(code),
        sa.column("month", sa.Date()),
        *(sa.column(column) for column in sums),
    )
    batch = []
    for (checklist, store, key), months in series.items():
        running = [0] * len(sums)
        by_month = dict(months)
        month = months[0][0]
        while month <= horizons[checklist]:
            if month in by_month:
                running = [a + b for a, b in zip(running, by_month[month])]
            batch.append(
                {"checklist_id": checklist, "store_id": store, code: key, "month": month}
                | dict(zip(sums, running))
            )
            month = _next_month(month)
        if len(batch) >= 5000:
            op.bulk_insert(table, batch)
            batch = []
    if batch:
        op.bulk_insert(table, batch)


def upgrade():
    for name, monthly, code, sums in TABLES:
        _create(name, code, sums)
        _backfill(name, monthly, code, sums)


def downgrade():
    for name, _, _, _ in TABLES:
        op.drop_index(f"ix_{name}_series", table_name=name)
        op.drop_table(name)
