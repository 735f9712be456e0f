"""section and question sums packed per store and month, for comparisons at chain scale

One row per checklist, month and store holds all of a store's section and
question sums as JSON (code → sums), monthly and running, instead of one row
per code: a comparison reads one row per store.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:40:00

"""

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import orjson
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# (old monthly table, code column, summed columns, the sum that counts)
OLD = (
    ("store_month_sections", "section_code", ("score_sum", "score_count"), "score_count"),
    (
        "store_month_questions",
        "question_code",
        ("earned", "possible", "counted", "fails"),
        "counted",
    ),
)
OLD_RUNNING = ("store_running_sections", "store_running_questions")


def _as_date(value: object) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _pack(sums: dict) -> str:
    return orjson.dumps(sums).decode()


def _create(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("sections", sa.Text(), nullable=False),
        sa.Column("questions", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["checklist_id"], ["checklists.id"], name=op.f(f"fk_{name}_checklist_id_checklists")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f(f"fk_{name}_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(
            "checklist_id", "month", "store_id", name=op.f(f"uq_{name}_checklist_id_month_store_id")
        ),
    )


def _table(name: str) -> sa.TableClause:
    return sa.table(
        name,
        sa.column("checklist_id"),
        sa.column("month", sa.Date()),
        sa.column("store_id"),
        sa.column("sections"),
        sa.column("questions"),
    )


def _insert(name: str, rows: list[dict]) -> None:
    if rows:
        op.bulk_insert(_table(name), rows)


def upgrade():
    connection = op.get_bind()
    _create("store_month_details")
    op.create_index(
        op.f("ix_store_month_details_store_id"), "store_month_details", ["store_id"], unique=False
    )
    _create("store_running_details")
    op.create_index(
        "ix_store_running_details_series",
        "store_running_details",
        ["checklist_id", "store_id", "month"],
    )
    horizons = {
        checklist: _as_date(month)
        for checklist, month in connection.execute(
            sa.text("SELECT checklist_id, MAX(month) FROM store_month_totals GROUP BY checklist_id")
        )
    }
    # One store at a time, so that a chain of any size packs in little memory.
    series = connection.execute(
        sa.text("SELECT DISTINCT checklist_id, store_id FROM store_month_totals ORDER BY 1, 2")
    ).all()
    monthly, running_rows = [], []
    for checklist, store in series:
        where = {"checklist": checklist, "store": store}
        # A details row for every monthly totals row, as approvals make them.
        details: dict[date, tuple[dict, dict]] = {
            _as_date(month): ({}, {})
            for (month,) in connection.execute(
                sa.text(
                    "SELECT month FROM store_month_totals "
                    "WHERE checklist_id = :checklist AND store_id = :store"
                ),
                where,
            )
        }
        for part, (table, code, sums, counter) in enumerate(OLD):
            for month, key, *values in connection.execute(
                sa.text(
                    f"SELECT month, {code}, {', '.join(sums)} FROM {table} "
                    f"WHERE checklist_id = :checklist AND store_id = :store AND {counter} <> 0"
                ),
                where,
            ):
                details.setdefault(_as_date(month), ({}, {}))[part][key] = values
        for month, (sections, questions) in details.items():
            monthly.append(
                {
                    "checklist_id": checklist,
                    "month": month,
                    "store_id": store,
                    "sections": _pack(sections),
                    "questions": _pack(questions),
                }
            )
        # Running sums: dense from the store's first month to its checklist's horizon.
        running: tuple[dict, dict] = ({}, {})
        month = min(details)
        while month <= horizons[checklist]:
            for part, sums in enumerate(details.get(month, ({}, {}))):
                for key, values in sums.items():
                    before = running[part].get(key, [0] * len(values))
                    running[part][key] = [a + b for a, b in zip(before, values, strict=True)]
            running_rows.append(
                {
                    "checklist_id": checklist,
                    "month": month,
                    "store_id": store,
                    "sections": _pack(running[0]),
                    "questions": _pack(running[1]),
                }
            )
            month = _next_month(month)
        if len(monthly) + len(running_rows) >= 5000:
            _insert("store_month_details", monthly)
            _insert("store_running_details", running_rows)
            monthly, running_rows = [], []
    _insert("store_month_details", monthly)
    _insert("store_running_details", running_rows)
    for name in OLD_RUNNING:
        op.drop_index(f"ix_{name}_series", table_name=name)
        op.drop_table(name)
    for table, *_ in OLD:
        op.drop_index(op.f(f"ix_{table}_store_id"), table_name=table)
        op.drop_table(table)


def _revision_0005():
    """The previous revision's module, whose running sums the downgrade rebuilds."""
    path = Path(__file__).with_name("0005_running_sums.py")
    spec = importlib.util.spec_from_file_location("shopper_migration_0005", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade():
    connection = op.get_bind()
    types = {"score_sum": sa.Float(), "earned": sa.Float(), "possible": sa.Float()}
    for table, code, sums, _ in OLD:
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("checklist_id", sa.Integer(), nullable=False),
            sa.Column("month", sa.Date(), nullable=False),
            sa.Column("store_id", sa.Integer(), nullable=False),
            sa.Column(code, sa.String(length=64), nullable=False),
            *(sa.Column(name, types.get(name, sa.Integer()), nullable=False) for name in sums),
            sa.ForeignKeyConstraint(
                ["checklist_id"],
                ["checklists.id"],
                name=op.f(f"fk_{table}_checklist_id_checklists"),
            ),
            sa.ForeignKeyConstraint(
                ["store_id"], ["stores.id"], name=op.f(f"fk_{table}_store_id_stores")
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint(
                "checklist_id",
                "month",
                "store_id",
                code,
                name=op.f(f"uq_{table}_checklist_id_month_store_id_{code}"),
            ),
        )
        op.create_index(op.f(f"ix_{table}_store_id"), table, ["store_id"], unique=False)
    old = [
        sa.table(
            table,
            sa.column("checklist_id"),
            sa.column("month", sa.Date()),
            sa.column("store_id"),
            sa.column(code),
            *(sa.column(name) for name in sums),
        )
        for table, code, sums, _ in OLD
    ]
    rows: tuple[list, list] = ([], [])
    for checklist, month, store, *packed in connection.execute(
        sa.text(
            "SELECT checklist_id, month, store_id, sections, questions FROM store_month_details"
        )
    ):
        for part, (_, code, sums, _) in enumerate(OLD):
            for key, values in orjson.loads(packed[part]).items():
                rows[part].append(
                    {
                        "checklist_id": checklist,
                        "month": _as_date(month),
                        "store_id": store,
                        code: key,
                    }
                    | dict(zip(sums, values, strict=True))
                )
    for table, part_rows in zip(old, rows, strict=True):
        for start in range(0, len(part_rows), 5000):
            op.bulk_insert(table, part_rows[start : start + 5000])
    previous = _revision_0005()
    for name, monthly, code, sums in previous.TABLES:
        previous._create(name, code, sums)
        previous._backfill(name, monthly, code, sums)
    op.drop_index("ix_store_running_details_series", table_name="store_running_details")
    op.drop_table("store_running_details")
    op.drop_index(op.f("ix_store_month_details_store_id"), table_name="store_month_details")
    op.drop_table("store_month_details")
