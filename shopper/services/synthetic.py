"""A synthetic chain at scale: stores, a checklist with history, one approved visit a month.

For trying the product on a realistic amount of data and for the benchmark
(``shopper.bench``). Everything is what the app itself would have stored:
three published versions of one checklist imported through the checklist
service, scores from the scoring engine, and the kept sums made of each
visit's ``aggregates.contribution``, the definition approval adds. Only the
way rows reach the database differs: in bulk, one transaction per chunk
(SQLAlchemy Core on SQLite, COPY on PostgreSQL), as one visit at a time
through the services would take days for 120,000 visits. The running sums
are written for every store and code each month, as ``aggregates`` keeps them.

Nobody else should write to the database while it runs: ids of the new
assignments and visits are taken up front.
"""

from __future__ import annotations

import math
import time as clock
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import Any, NamedTuple

from sqlalchemy import JSON, Table, func, insert, select, text

from shopper.domain.audit import AuditAction
from shopper.domain.checklist_format import Checklist as ChecklistDocument
from shopper.domain.checklist_format import parse_checklist, to_document
from shopper.domain.i18n import N_
from shopper.domain.scoring import score_visit
from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import (
    Assignment,
    AuditEvent,
    Checklist,
    ChecklistVersion,
    Role,
    Store,
    StoreMonthDetail,
    StoreMonthTotal,
    StoreRunningDetail,
    User,
    Visit,
    VisitQuestionScore,
    VisitSectionScore,
)
from shopper.models.base import UTCDateTime
from shopper.services import checklists
from shopper.services.aggregates import (
    Contribution,
    DetailSums,
    Totals,
    contribution,
    details_row,
    month_end,
    previous_month,
    totals_row,
)
from shopper.services.errors import Conflict, Invalid

CHECKLIST_CODE = "chain-audit"
COMPETITOR_SHARE = 0.05
STORES_PER_SHOPPER = 25
EMAIL_DOMAIN = "synthetic.example"
# One transaction writes at most this many visits (with their ~40 answer rows each).
CHUNK_VISITS = 2500

# (region, share of the stores, cities)
REGIONS = (
    ("Capital", 0.22, ("Kingsbridge", "Eastgate", "Millbank")),
    ("North", 0.14, ("Harrowby", "Northwick", "Fellside")),
    ("South", 0.14, ("Southmere", "Ashford", "Dunmoor")),
    ("East", 0.12, ("Easton", "Marlow Bay", "Redcliff")),
    ("West", 0.12, ("Westbury", "Oakham", "Lydford")),
    ("Coast", 0.10, ("Port Alder", "Sandwick", "Gullhaven")),
    ("Lakes", 0.08, ("Windmere", "Lochby", "Brackenford")),
    ("Highlands", 0.08, ("Stonehill", "Crag End", "Glenmore")),
)
STREETS = (
    "High Street",
    "Market Square",
    "Station Road",
    "Mill Lane",
    "Church Street",
    "Retail Park",
    "Harbour Road",
    "King Street",
    "Queens Parade",
    "Bridge Street",
)
SITES = ("Central", "Mall", "Retail Park", "Station", "Old Town", "Outlet", "High Street")
RIVALS = ("Bargain Barn", "ValueMart", "Shopwell")
STAFF = (
    "Name badge: Deniz, blue uniform",
    "Tall, glasses, no badge",
    "Badge 'Lina', helpful",
    "Young man with a red lanyard",
    "Manager on duty, grey jacket",
    "Badge 'Sam', trainee",
)
COMMENTS = (
    "Staff were busy restocking.",
    "Two colleagues were chatting at the till.",
    "The manager stepped in quickly.",
    "Queue of six people at 17:30.",
    "Very friendly, but unsure about the product.",
    "Shelf labels were missing on aisle 3.",
)


def _yes_no(code, text, points, **extra) -> dict[str, Any]:
    return {"code": code, "type": "yes_no", "text": text, "points": points, **extra}


def _scale(code, text, points, **extra) -> dict[str, Any]:
    return {
        "code": code,
        "type": "scale",
        "text": text,
        "min": 1,
        "max": 5,
        "points": points,
        **extra,
    }


def _choice(code, text, options, **extra) -> dict[str, Any]:
    return {
        "code": code,
        "type": "choice",
        "text": text,
        "options": [{"code": c, "label": label, "points": p} for c, label, p in options],
        **extra,
    }


def _version_1() -> dict[str, Any]:
    """The first version: 40 questions in 6 sections (38 scored, 3 of them critical)."""
    return {
        "format": "shopper-checklist/1",
        "code": CHECKLIST_CODE,
        "title": "Store visit audit",
        "language": "en",
        "description": "The monthly mystery-shopper visit to every store of the chain.",
        "sections": [
            {
                "code": "arrival",
                "title": "Arrival and first impression",
                "questions": [
                    _yes_no("entrance-clean", "Was the entrance clean and free of obstacles?", 5),
                    _scale("window-display", "How attractive was the window display?", 5),
                    _yes_no(
                        "greeted",
                        "Were you greeted within 30 seconds of entering?",
                        10,
                        standard="Every customer is greeted",
                    ),
                    _scale("greeting-warmth", "How warm and courteous was the greeting?", 10),
                    _yes_no(
                        "staff-visible", "Was a member of staff visible on the sales floor?", 5
                    ),
                    _yes_no("uniform", "Did the staff wear the uniform and a name badge?", 5),
                    _choice(
                        "music-volume",
                        "How was the background music?",
                        [
                            ("pleasant", "Pleasant", 3),
                            ("none", "No music", 2),
                            ("too-loud", "Too loud", 0),
                        ],
                    ),
                ],
            },
            {
                "code": "floor",
                "title": "Store condition",
                "questions": [
                    _yes_no("floor-clean", "Was the sales floor clean and tidy?", 5),
                    _yes_no("shelves-stocked", "Were the shelves full and faced?", 10),
                    _yes_no(
                        "price-labels",
                        "Did every product you checked show the right price?",
                        10,
                        critical=True,
                        standard="Prices are always correct",
                    ),
                    _scale("fitting-rooms", "How clean were the fitting rooms?", 5, allow_na=True),
                    _yes_no("promo-visible", "Was the current promotion displayed as planned?", 5),
                    _yes_no("lighting", "Was every light working?", 5),
                    _choice(
                        "layout",
                        "How easy was it to find the product?",
                        [
                            ("easy", "Found it alone", 5),
                            ("asked", "Had to ask", 3),
                            ("hard", "Could not find it", 0),
                        ],
                    ),
                ],
            },
            {
                "code": "service",
                "title": "Service and needs",
                "questions": [
                    _yes_no("approached", "Did staff approach you within two minutes?", 10),
                    _scale("open-questions", "How well did the staff ask about your needs?", 10),
                    _yes_no(
                        "repeated-need",
                        "Did the staff confirm what you asked for?",
                        5,
                        standard="Staff confirm the customer's need",
                    ),
                    _choice(
                        "anticipated",
                        "Did the staff anticipate a need you had not mentioned?",
                        [
                            ("offered", "Offered something useful unprompted", 5),
                            ("asked", "Asked a question that uncovered it", 3),
                            ("no", "No", 0),
                        ],
                        allow_na=True,
                    ),
                    _yes_no(
                        "alternatives",
                        "When the item was missing, were alternatives offered?",
                        5,
                        allow_na=True,
                    ),
                    _scale("attentive", "How attentive was the staff throughout?", 10),
                    _yes_no("phone-free", "Were the staff off their personal phones?", 5),
                    {
                        "code": "staff-description",
                        "type": "text",
                        "required": False,
                        "text": "Describe the person who served you (name badge, appearance)",
                    },
                ],
            },
            {
                "code": "product",
                "title": "Product knowledge",
                "questions": [
                    _scale("knowledge", "How well did the staff know the product?", 10),
                    _yes_no("features", "Did the staff explain the main features?", 5),
                    _yes_no(
                        "care-advice", "Did the staff give care or usage advice?", 5, allow_na=True
                    ),
                    _yes_no("cross-sell", "Did the staff suggest a matching product?", 5),
                    _yes_no(
                        "stock-check",
                        "Did the staff offer to check stock in another store?",
                        5,
                        allow_na=True,
                    ),
                    _scale("honesty", "How honest and balanced was the advice?", 5),
                ],
            },
            {
                "code": "checkout",
                "title": "Checkout",
                "questions": [
                    {
                        "code": "wait-minutes",
                        "type": "number",
                        "text": "Minutes waited at the till",
                        "unit": "min",
                    },
                    _yes_no(
                        "queue-managed",
                        "Was a second till opened when the queue grew?",
                        5,
                        allow_na=True,
                    ),
                    _yes_no("till-greeting", "Did the cashier greet you?", 5),
                    _yes_no("loyalty-offered", "Were you offered the loyalty card?", 5),
                    _yes_no("receipt-offered", "Were you offered a receipt?", 5),
                    _yes_no(
                        "correct-change",
                        "Were you charged the right amount?",
                        10,
                        critical=True,
                        standard="Every customer pays the right price",
                    ),
                    _yes_no("thanked", "Were you thanked when leaving?", 5),
                ],
            },
            {
                "code": "returns",
                "title": "Returns and follow-up",
                "questions": [
                    _yes_no(
                        "return-policy",
                        "Was the return handled by the standard procedure?",
                        15,
                        critical=True,
                        allow_na=True,
                        standard="Returns follow the standard process in every store",
                    ),
                    _scale(
                        "return-empathy",
                        "How much empathy did the staff show for your problem?",
                        5,
                        allow_na=True,
                    ),
                    _choice(
                        "return-speed",
                        "How long did the return take?",
                        [
                            ("under-5", "Under 5 minutes", 5),
                            ("5-10", "5 to 10 minutes", 3),
                            ("over-10", "Over 10 minutes", 0),
                        ],
                        allow_na=True,
                    ),
                    _yes_no("feedback-asked", "Were you invited to give feedback?", 5),
                    _scale("farewell", "How did the farewell leave you feeling?", 5),
                ],
            },
        ],
    }


def version_documents() -> list[dict[str, Any]]:
    """The three versions, valid and normalised: v2 swaps a question, v3 re-weighs points."""
    first = _version_1()
    second = _version_1()
    arrival, checkout = second["sections"][0], second["sections"][4]
    arrival["questions"] = [q for q in arrival["questions"] if q["code"] != "music-volume"]
    checkout["questions"].insert(
        5, _yes_no("digital-receipt", "Were you offered a digital receipt?", 5, allow_na=True)
    )
    third = _version_1()
    third["sections"] = [
        dict(s, questions=[dict(q) for q in s["questions"]]) for s in second["sections"]
    ]
    points = {"greeted": 15, "knowledge": 20, "return-policy": 20}
    for section in third["sections"]:
        for question in section["questions"]:
            if question["code"] in points:
                question["points"] = points[question["code"]]
            if question["code"] == "layout":
                question["options"] = [dict(o) for o in question["options"]]
                question["options"][1]["points"] = 2
    return [to_document(parse_checklist(document)) for document in (first, second, third)]


def competitor_count(stores: int) -> int:
    """How many of ``stores`` are competitors (5 %, rounded half up)."""
    return int(stores * COMPETITOR_SHARE + 0.5)


def months_ending(last_month: date, count: int) -> list[date]:
    """First days of the ``count`` months ending with ``last_month``'s, oldest first."""
    months = [last_month.replace(day=1)]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return list(reversed(months))


def version_index(month_index: int, months: int) -> int:
    """Which version (0, 1, 2) is in force in the ``month_index``-th month of ``months``."""
    return min(2, month_index * 3 // months)


@dataclass(frozen=True)
class GeneratedChain:
    """What ``generate`` made."""

    checklist: str
    stores: int
    competitors: int
    shoppers: int
    first_month: date
    last_month: date
    visits: int
    answers: int
    seconds: float


@dataclass(frozen=True)
class _StoreProfile:
    """What makes one store differ from the others, fixed for its whole history."""

    store_id: int
    shopper_ids: tuple[int, int]
    level: float
    sections: dict[str, float]
    trend: float
    na_rate: float


@dataclass(frozen=True)
class _QuestionPlan:
    code: str
    type: str
    section: str
    difficulty: float
    allow_na: bool
    critical: bool
    good: str
    bad: str
    low: int
    high: int
    options: tuple[str, ...]  # best first


def _plans(checklist: ChecklistDocument, difficulty: dict[str, float]) -> list[_QuestionPlan]:
    plans = []
    for section, question in checklist.questions():
        ordered = sorted(question.options, key=lambda o: -o.points)
        plans.append(
            _QuestionPlan(
                code=question.code,
                type=question.type,
                section=section.code,
                difficulty=difficulty.get(question.code, 0.0),
                allow_na=question.allow_na,
                critical=question.critical,
                good=question.good_answer,
                bad="no" if question.good_answer == "yes" else "yes",
                low=question.min or 0,
                high=question.max or 0,
                options=tuple(o.code for o in ordered),
            )
        )
    return plans


# Some standards are harder to keep than others, the same in every store.
DIFFICULTY = {
    "greeted": 0.04,
    "feedback-asked": -0.25,
    "loyalty-offered": -0.15,
    "cross-sell": -0.12,
    "stock-check": -0.1,
    "care-advice": -0.08,
    "queue-managed": -0.1,
    "approached": -0.05,
    "anticipated": -0.12,
    "thanked": 0.08,
    "receipt-offered": 0.1,
    "lighting": 0.12,
    "uniform": 0.06,
    "digital-receipt": -0.2,
    "open-questions": -0.05,
}


def _answers(
    plans: list[_QuestionPlan], store: _StoreProfile, month_index: int, random: Random
) -> dict[str, Any]:
    """One visit's answer values (question code → value) from a store of this profile."""
    base = store.level + store.trend * month_index + random.gauss(0.0, 0.05)
    values: dict[str, Any] = {}
    for plan in plans:
        p = base + store.sections[plan.section] + plan.difficulty
        p = 0.03 if p < 0.03 else 0.98 if p > 0.98 else p
        kind = plan.type
        if plan.allow_na and random.random() < store.na_rate:
            values[plan.code] = "na"
        elif kind == "yes_no":
            if plan.critical:
                # Critical standards are kept almost always; poorer stores slip more.
                failed = random.random() < 0.008 + 0.05 * (1 - p) ** 2
            else:
                failed = random.random() >= p
            values[plan.code] = plan.bad if failed else plan.good
        elif kind == "scale":
            value = round(plan.low + (plan.high - plan.low) * p + random.gauss(0.0, 0.7))
            values[plan.code] = min(plan.high, max(plan.low, value))
        elif kind == "choice":
            roll = random.random()
            options = plan.options
            if roll < p - 0.2:
                values[plan.code] = options[0]
            elif roll < p + 0.15 or len(options) < 3:
                values[plan.code] = options[min(1, len(options) - 1)]
            else:
                values[plan.code] = options[-1]
        elif kind == "number":
            values[plan.code] = max(0, round(random.gauss(1.5 + 10 * (1 - p), 1.5)))
        elif kind == "text" and random.random() < 0.7:
            values[plan.code] = random.choice(STAFF)
    return values


def _answer_document(values: dict[str, Any], random: Random) -> dict[str, dict[str, Any]]:
    """The stored form of the answers, with the occasional comment."""
    return {
        code: {
            "value": value,
            "comment": random.choice(COMMENTS) if random.random() < 0.03 else "",
        }
        for code, value in values.items()
    }


class _Writer:
    """Bulk inserts of plain rows: Core executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self) -> None:
        self.postgresql = db.engine.dialect.name == "postgresql"

    def reserve_ids(self, table: Table, count: int) -> list[int]:
        """``count`` new primary keys of ``table`` (nobody else may insert meanwhile on SQLite)."""
        if count == 0:
            return []
        if self.postgresql:
            return list(
                db.session.execute(
                    text(
                        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                        "FROM generate_series(1, :count)"
                    ),
                    {"table": table.name, "count": count},
                ).scalars()
            )
        highest = db.session.execute(select(func.max(table.c.id))).scalar() or 0
        return list(range(highest + 1, highest + 1 + count))

    def insert(self, table: Table, rows: Sequence[Mapping[str, Any]] | Sequence[tuple]) -> None:
        """Insert ``rows`` in the current transaction: dicts with the same keys, or named tuples.

        A named tuple's fields are the columns.
        """
        if not rows:
            return
        named = isinstance(rows[0], tuple)
        if not self.postgresql:
            if named:
                self._insert_tuples(table, rows)
            else:
                db.session.execute(insert(table), rows)
            return
        columns = list(rows[0]._fields if named else rows[0])
        # COPY skips the Python-side defaults an INSERT through SQLAlchemy would apply.
        defaults = [
            column
            for column in table.columns
            if column.name not in columns and column.default is not None
        ]
        filled = [
            column.default.arg(None) if column.default.is_callable else column.default.arg
            for column in defaults
        ]
        columns += [column.name for column in defaults]
        adapters = [self._adapter(table, name) for name in columns]
        names = ", ".join(f'"{name}"' for name in columns)
        cursor = db.session.connection().connection.driver_connection.cursor()
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(
                    [
                        value if adapt is None or value is None else adapt(value)
                        for adapt, value in zip(
                            adapters, [*(row if named else row.values()), *filled], strict=True
                        )
                    ]
                )

    @staticmethod
    def _insert_tuples(table: Table, rows: Sequence[tuple]) -> None:
        """Named tuples into SQLite with the driver's executemany.

        Each column goes through its type's bind processor, as in SQLAlchemy's
        INSERT, but without a dict of parameters per row: the score rows are
        most of a chain's rows.
        """
        columns = rows[0]._fields
        if any(c.name not in columns and c.default is not None for c in table.columns):
            db.session.execute(insert(table), [row._asdict() for row in rows])
            return
        dialect = db.engine.dialect
        processed = [
            values if process is None else list(map(process, values))
            for process, values in zip(
                (
                    table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                    for name in columns
                ),
                zip(*rows, strict=True),
                strict=True,
            )
        ]
        names = ", ".join(f'"{name}"' for name in columns)
        marks = ", ".join("?" for _ in columns)
        db.session.connection().exec_driver_sql(
            f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
            list(zip(*processed, strict=True)),
        )

    @staticmethod
    def _adapter(table: Table, name: str) -> Callable[[Any], Any] | None:
        column_type = table.c[name].type
        if isinstance(column_type, UTCDateTime):
            # What UTCDateTime stores: naive UTC.
            return lambda value: value.astimezone(UTC).replace(tzinfo=None)
        if isinstance(column_type, JSON) or isinstance(getattr(column_type, "impl", None), JSON):
            from psycopg.types.json import Jsonb

            return Jsonb
        return None


def _check_empty_for(codes: Iterable[str]) -> None:
    if db.session.execute(select(Checklist.id).where(Checklist.code == CHECKLIST_CODE)).first():
        raise Conflict(
            N_("This database has a synthetic chain already (checklist %(code)s)."),
            {"code": CHECKLIST_CODE},
        )
    taken = db.session.execute(select(Store.code).where(Store.code.in_(list(codes)))).first()
    if taken:
        raise Conflict(N_("Store %(code)s exists already."), {"code": taken[0]})


def _store_rows(count: int, random: Random, now: datetime) -> list[dict[str, Any]]:
    rivals = competitor_count(count)
    own = count - rivals
    weights = [share for _, share, _ in REGIONS]
    rows = []
    width = max(4, len(str(count)))
    for index in range(count):
        competitor = index >= own
        region, _, cities = random.choices(REGIONS, weights)[0]
        city = random.choice(cities)
        if competitor:
            number = index - own + 1
            code = f"CP-{number:0{width}d}"
            name = f"{RIVALS[number % len(RIVALS)]} {city}"
        else:
            code = f"ST-{index + 1:0{width}d}"
            name = f"{city} {random.choice(SITES)}"
        rows.append(
            {
                "code": code,
                "name": name,
                "region": region,
                "city": city,
                "address": f"{random.randint(1, 240)} {random.choice(STREETS)}, {city}",
                "competitor": competitor,
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def _make_people(writer: _Writer, stores: int, now: datetime) -> tuple[int, list[int]]:
    """The coordinator who plans and approves, and the shoppers (one per 25 stores)."""
    count = max(2, math.ceil(stores / STORES_PER_SHOPPER))
    emails = [f"coordinator@{EMAIL_DOMAIN}"] + [
        f"shopper-{n:04d}@{EMAIL_DOMAIN}" for n in range(1, count + 1)
    ]
    existing = set(db.session.execute(select(User.email).where(User.email.in_(emails))).scalars())
    rows = [
        {
            "email": email,
            "name": "Synthetic Coordinator" if n == 0 else f"Synthetic Shopper {n}",
            "role": Role.COORDINATOR.value if n == 0 else Role.SHOPPER.value,
            "language": "en",
            "password_hash": None,
            "active": True,
            "created_at": now,
        }
        for n, email in enumerate(emails)
        if email not in existing
    ]
    writer.insert(User.__table__, rows)
    ids = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).all())
    return ids[emails[0]], [ids[email] for email in emails[1:]]


def _import_versions(months: list[date], coordinator: User) -> list[ChecklistVersion]:
    """Import the three versions through the checklist service, dated when each took effect."""
    versions = [
        checklists.import_document(document, coordinator).version
        for document in version_documents()
    ]
    for number, version in enumerate(versions):
        starts = next(
            (m for i, m in enumerate(months) if version_index(i, len(months)) >= number),
            months[-1],
        )
        published = datetime.combine(starts - timedelta(days=3), time(9, 0), tzinfo=UTC)
        version.created_at = version.updated_at = published - timedelta(days=7)
        version.published_at = published
    db.session.commit()
    return versions


def _profiles(
    store_rows: list[dict[str, Any]],
    store_ids: dict[str, int],
    shoppers: list[int],
    random: Random,
) -> list[_StoreProfile]:
    region_offset = {name: random.gauss(0.0, 0.035) for name, _, _ in REGIONS}
    sections = [s["code"] for s in _version_1()["sections"]]
    profiles = []
    for index, row in enumerate(store_rows):
        if row["competitor"]:
            level = random.gauss(0.70, 0.06)
        else:
            level = random.gauss(0.76, 0.09) + region_offset[row["region"]]
        first = shoppers[index % len(shoppers)]
        second = shoppers[(index + 1 + len(shoppers) // 2) % len(shoppers)]
        profiles.append(
            _StoreProfile(
                store_id=store_ids[row["code"]],
                shopper_ids=(first, second),
                level=min(0.95, max(0.3, level)),
                sections={code: random.gauss(0.0, 0.05) for code in sections},
                # Most stores improve a little as coaching takes hold; some slip.
                trend=random.gauss(0.0012, 0.0015),
                na_rate=random.uniform(0.05, 0.25),
            )
        )
    return profiles


class _SectionScore(NamedTuple):
    """A ``VisitSectionScore`` row, as ``aggregates.contribution`` reads them."""

    visit_id: int
    section_code: str
    earned: float
    possible: float
    score: float | None


class _QuestionScore(NamedTuple):
    """A ``VisitQuestionScore`` row, as ``aggregates.contribution`` reads them."""

    visit_id: int
    section_code: str
    question_code: str
    earned: float | None
    possible: float
    counted: bool
    critical_failed: bool


@dataclass
class _Chunk:
    """The rows of up to CHUNK_VISITS visits, written in one transaction."""

    checklist_id: int
    assignments: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    sections: list[_SectionScore] = field(default_factory=list)
    questions: list[_QuestionScore] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    # (month, store) → the sums of its approved visits
    totals: dict[tuple[date, int], Totals] = field(default_factory=dict)
    details: dict[tuple[date, int], DetailSums] = field(default_factory=dict)

    def add_approved(self, store_id: int, share: Contribution) -> None:
        """Add a visit's contribution, as ``aggregates.apply_visit(visit, +1)`` adds it."""
        key = (share.month, store_id)
        self.totals[key] = self.totals.get(key, Totals()).plus(share.totals)
        self.details.setdefault(key, DetailSums()).add(share.details)

    def write(self, writer: _Writer) -> None:
        writer.insert(Assignment.__table__, self.assignments)
        writer.insert(Visit.__table__, self.visits)
        writer.insert(VisitSectionScore.__table__, self.sections)
        writer.insert(VisitQuestionScore.__table__, self.questions)
        writer.insert(AuditEvent.__table__, self.events)
        writer.insert(
            StoreMonthTotal.__table__,
            [
                totals_row(self.checklist_id, month, store_id, totals)
                for (month, store_id), totals in self.totals.items()
            ],
        )
        writer.insert(
            StoreMonthDetail.__table__,
            [
                details_row(self.checklist_id, month, store_id, details)
                for (month, store_id), details in self.details.items()
            ],
        )


def _visit_chunks(
    profiles: list[_StoreProfile], months: list[date]
) -> Iterator[tuple[int, date, list[_StoreProfile], bool]]:
    """(month index, month, stores, whether it is the month's last chunk)."""
    for index, month in enumerate(months):
        for start in range(0, len(profiles), CHUNK_VISITS):
            last = start + CHUNK_VISITS >= len(profiles)
            yield index, month, profiles[start : start + CHUNK_VISITS], last


class _Running:
    """The running sums of sections and questions, as ``aggregates`` keeps them (dense)."""

    def __init__(self, checklist_id: int) -> None:
        self.checklist_id = checklist_id
        # store id → its sums up to the newest month added
        self.stores: dict[int, DetailSums] = {}

    def add(self, chunk: _Chunk) -> None:
        """Add a chunk's monthly sums (its stores' visits of one month)."""
        for (_, store_id), details in chunk.details.items():
            self.stores.setdefault(store_id, DetailSums()).add(details)

    def write(self, writer: _Writer, month: date) -> None:
        """Every store's row of ``month``: the sums up to and including it."""
        writer.insert(
            StoreRunningDetail.__table__,
            [
                details_row(self.checklist_id, month, store_id, details)
                for store_id, details in self.stores.items()
            ],
        )


def generate(
    stores: int,
    months: int,
    seed: int = 1,
    last_month: date | None = None,
    progress: Callable[[date, int], None] | None = None,
) -> GeneratedChain:
    """Fill the database with a chain of ``stores`` stores and ``months`` months of visits.

    The newest month is ``last_month`` (default: the month before this one), so
    every visit lies in the past. The same seed and months make the same chain.
    """
    if stores < 1 or months < 1:
        raise Invalid(N_("Give at least one store and one month."))
    started = clock.perf_counter()
    random = Random(seed)
    today = date.today()
    last = (last_month or (today.replace(day=1) - timedelta(days=1))).replace(day=1)
    if last > today:
        raise Invalid(N_("The last month may not be in the future."))
    month_list = months_ending(last, months)
    now = datetime.now(UTC)
    writer = _Writer()

    store_rows = _store_rows(stores, random, now)
    _check_empty_for(row["code"] for row in store_rows)
    coordinator_id, shoppers = _make_people(writer, stores, now)
    writer.insert(Store.__table__, store_rows)
    db.session.commit()
    store_ids = dict(
        db.session.execute(
            select(Store.code, Store.id).where(Store.code.in_([r["code"] for r in store_rows]))
        ).all()
    )
    shopper_emails = dict(db.session.execute(select(User.id, User.email)).all())
    coordinator = db.session.get(User, coordinator_id)
    versions = _import_versions(month_list, coordinator)
    checklist_id = versions[0].checklist_id
    parsed = [parse_checklist(version.document) for version in versions]
    plans = [_plans(checklist, DIFFICULTY) for checklist in parsed]
    profiles = _profiles(store_rows, store_ids, shoppers, random)
    code_of = {store_id: code for code, store_id in store_ids.items()}

    answers = visits = 0
    running = _Running(checklist_id)
    for month_index, month, group, last_of_month in _visit_chunks(profiles, month_list):
        number = version_index(month_index, months)
        version, checklist, plan = versions[number], parsed[number], plans[number]
        last_day = month_end(month)
        assignment_ids = writer.reserve_ids(Assignment.__table__, len(group))
        visit_ids = writer.reserve_ids(Visit.__table__, len(group))
        chunk = _Chunk(checklist_id)
        for store, assignment_id, visit_id in zip(group, assignment_ids, visit_ids, strict=True):
            values = _answers(plan, store, month_index, random)
            result = score_visit(checklist, values)
            shopper_id = store.shopper_ids[month_index % 2]
            day = month + timedelta(days=random.randint(0, min(24, last_day.day - 1)))
            start = time(random.randint(9, 18), random.choice((0, 10, 15, 20, 30, 40, 45, 50)))
            finish = datetime.combine(day, start) + timedelta(minutes=random.randint(12, 45))
            created = datetime.combine(month - timedelta(days=5), time(8, 30), tzinfo=UTC)
            submitted = datetime.combine(day, time(random.randint(19, 22), 0), tzinfo=UTC)
            reviewed = submitted + timedelta(hours=random.randint(10, 60))
            chunk.assignments.append(
                {
                    "id": assignment_id,
                    "checklist_id": checklist_id,
                    "checklist_version_id": version.id,
                    "store_id": store.store_id,
                    "shopper_id": shopper_id,
                    "first_day": month,
                    "last_day": last_day,
                    "briefing": "Buy a small item, then ask to return it without the receipt.",
                    "status": Status.APPROVED.value,
                    "created_at": created,
                    "created_by_id": coordinator_id,
                    "updated_at": reviewed,
                }
            )
            chunk.visits.append(
                {
                    "id": visit_id,
                    "assignment_id": assignment_id,
                    "client_id": f"synthetic-{visit_id}",
                    "visited_on": day,
                    "time_in": start,
                    "time_out": finish.time(),
                    "answers": _answer_document(values, random),
                    "saved_at": submitted,
                    "submitted_at": submitted,
                    "submitted_late": False,
                    "overall": result.overall,
                    "overall_before_critical": result.overall_before_critical,
                    "earned": result.earned,
                    "possible": result.possible,
                    "critical_failure": result.critical_failure,
                    "review_note": "",
                    "reviewed_at": reviewed,
                    "reviewed_by_id": coordinator_id,
                }
            )
            section_scores = [
                _SectionScore(visit_id=visit_id, **row) for row in result.section_rows()
            ]
            question_scores = [
                _QuestionScore(visit_id=visit_id, **row) for row in result.question_rows()
            ]
            chunk.sections += section_scores
            chunk.questions += question_scores
            summary = {
                "store": code_of[store.store_id],
                "checklist": CHECKLIST_CODE,
                "version": version.number,
                "shopper": shopper_emails[shopper_id],
                "first_day": month.isoformat(),
                "last_day": last_day.isoformat(),
            }
            chunk.events.extend(
                (
                    {
                        "at": created,
                        "actor_id": coordinator_id,
                        "assignment_id": assignment_id,
                        "action": "created",
                        "note": "",
                        "details": summary,
                    },
                    {
                        "at": submitted,
                        "actor_id": shopper_id,
                        "assignment_id": assignment_id,
                        "action": AuditAction.SUBMITTED.value,
                        "note": "",
                        "details": {"resubmission": False},
                    },
                    {
                        "at": reviewed,
                        "actor_id": coordinator_id,
                        "assignment_id": assignment_id,
                        "action": AuditAction.APPROVED.value,
                        "note": "",
                        "details": {},
                    },
                )
            )
            chunk.add_approved(
                store.store_id,
                contribution(
                    visited_on=day,
                    overall=result.overall,
                    critical_failure=result.critical_failure,
                    section_scores=section_scores,
                    question_scores=question_scores,
                ),
            )
            answers += len(result.questions)
        chunk.write(writer)
        running.add(chunk)
        if last_of_month:
            running.write(writer, month)
        db.session.commit()
        visits += len(group)
        if progress is not None:
            progress(month, visits)
    return GeneratedChain(
        checklist=CHECKLIST_CODE,
        stores=stores,
        competitors=competitor_count(stores),
        shoppers=len(shoppers),
        first_month=month_list[0],
        last_month=month_list[-1],
        visits=visits,
        answers=answers,
        seconds=clock.perf_counter() - started,
    )


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load (what autovacuum does in time)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
