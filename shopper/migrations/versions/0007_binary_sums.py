"""section and question sums packed as doubles, read by reports without parsing

The packed sums of 0006 become binary: the sorted codes as a JSON list, then
their sums as little-endian doubles (``shopper.services.aggregates.pack``), so
that a report reads a chain's rows into one array. The numbers are the same
to the last bit both ways.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 03:20:00

"""

import numpy as np
import orjson
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("store_month_details", "store_running_details")
PARTS = ("sections", "questions")
# Where the counts begin in each part's sums: [Σ score, count] and
# [Σ earned, Σ possible, counted, fails]. 0006's JSON had them as integers.
FIRST_COUNT = {"sections": 1, "questions": 2}
BATCH = 2000
DOUBLES = np.dtype("<f8")


def _binary(text: str | bytes, part: str) -> bytes:
    """0006's JSON text of code → sums as this revision packs it."""
    sums = orjson.loads(text)
    if not sums:
        return b""
    codes = sorted(sums)
    header = orjson.dumps(codes)
    header += b" " * (-(len(header) + 4) % 8)
    values = np.array([sums[code] for code in codes], dtype=DOUBLES)
    return len(header).to_bytes(4, "little") + header + values.tobytes()


def _text(packed: bytes, part: str) -> str:
    """This revision's bytes of code → sums as 0006's JSON text."""
    if not packed:
        return "{}"
    size = int.from_bytes(packed[:4], "little")
    codes = orjson.loads(packed[4 : 4 + size])
    values = np.frombuffer(packed[4 + size :], dtype=DOUBLES).reshape(len(codes), -1).tolist()
    counts = FIRST_COUNT[part]
    return orjson.dumps(
        {
            code: row[:counts] + [int(v) for v in row[counts:]]
            for code, row in zip(codes, values, strict=True)
        }
    ).decode()


def _convert(table: str, new_type: sa.types.TypeEngine, convert) -> None:
    """Give ``table`` its packed sums converted by ``convert``, in batches by id."""
    connection = op.get_bind()
    with op.batch_alter_table(table) as batch:
        for part in PARTS:
            batch.add_column(sa.Column(f"{part}_new", new_type, nullable=True))
    target = sa.table(table, sa.column("id"), *(sa.column(f"{p}_new", new_type) for p in PARTS))
    update = (
        sa.update(target)
        .where(target.c.id == sa.bindparam("row_id"))
        .values({f"{p}_new": sa.bindparam(f"new_{p}") for p in PARTS})
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.text(
                f"SELECT id, {', '.join(PARTS)} FROM {table} WHERE id > :last ORDER BY id LIMIT {BATCH}"
            ),
            {"last": last},
        ).all()
        if not rows:
            break
        connection.execute(
            update,
            [
                {"row_id": row_id}
                | {f"new_{p}": convert(v, p) for p, v in zip(PARTS, values, strict=True)}
                for row_id, *values in rows
            ],
        )
        last = rows[-1][0]
    with op.batch_alter_table(table) as batch:
        for part in PARTS:
            batch.drop_column(part)
        for part in PARTS:
            batch.alter_column(
                f"{part}_new", new_column_name=part, existing_type=new_type, nullable=False
            )


def upgrade():
    for table in TABLES:
        _convert(table, sa.LargeBinary(), _binary)


def downgrade():
    for table in TABLES:
        _convert(table, sa.Text(), _text)
