"""Stores: list, create, edit, deactivate; CSV import (all or nothing) and export.

One set of rules for a store's fields serves the form, the API and each CSV
row. A store is known by its ``code``, which never changes: re-importing a
file matches rows to stores by code, and comparisons follow stores by it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError

from shopper.domain.i18n import N_, N_plural
from shopper.extensions import db
from shopper.models import Store
from shopper.services.csv_files import read_csv, write_csv
from shopper.services.errors import (
    Conflict,
    Invalid,
    NotFound,
    Problem,
    invalid_record,
    translated,
)

COLUMNS = ("code", "name", "region", "city", "address", "competitor")
REQUIRED_COLUMNS = ("code", "name")
MAX_CODE = 64
MAX_NAME = 200
MAX_REGION = 100
MAX_CITY = 100
MAX_ADDRESS = 300
TEXT_LIMITS = {"name": MAX_NAME, "region": MAX_REGION, "city": MAX_CITY, "address": MAX_ADDRESS}
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
YES, NO = "yes", "no"


@dataclass(frozen=True)
class StoreFilters:
    """What a store list shows: a search text, a region, own or competitor, active or not."""

    q: str = ""
    region: str = ""
    competitor: bool | None = None
    active: bool | None = None


# The list's filter values, as the page's selects and the API's query send them.
FLAG_VALUES = {"yes": True, "no": False}
DEFAULT_ACTIVE = "yes"


def parse_filters(args: Mapping[str, str]) -> StoreFilters:
    """A store list's filters from a query string, for the page and the API alike.

    ``q``, ``region``, ``competitor`` (yes/no), ``active`` (yes/no/all; absent:
    yes, active stores only). A value not offered counts as no filter.
    """
    return StoreFilters(
        q=(args.get("q") or "").strip(),
        region=args.get("region") or "",
        competitor=FLAG_VALUES.get((args.get("competitor") or "").strip().lower()),
        active=FLAG_VALUES.get((args.get("active", DEFAULT_ACTIVE) or "").strip().lower()),
    )


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, counted by store."""

    created: int
    updated: int
    unchanged: int


def select_stores(filters: StoreFilters = StoreFilters()) -> Select:
    """The query of the stores that match ``filters``, by code."""
    statement = select(Store).order_by(Store.code)
    if filters.q.strip():
        q = filters.q.strip()
        statement = statement.where(
            or_(
                *(
                    column.icontains(q, autoescape=True)
                    for column in (Store.code, Store.name, Store.region, Store.city, Store.address)
                )
            )
        )
    if filters.region:
        statement = statement.where(Store.region == filters.region)
    if filters.competitor is not None:
        statement = statement.where(Store.competitor.is_(filters.competitor))
    if filters.active is not None:
        statement = statement.where(Store.active.is_(filters.active))
    return statement


def list_stores(filters: StoreFilters = StoreFilters()) -> list[Store]:
    """The stores that match ``filters``, by code (one query)."""
    return list(db.session.execute(select_stores(filters)).scalars())


def regions() -> list[str]:
    """Every region a store names, alphabetically."""
    return list(
        db.session.execute(
            select(Store.region).where(Store.region != "").distinct().order_by(Store.region)
        ).scalars()
    )


def get_store(code: str) -> Store:
    """The store with ``code``, or NotFound."""
    store = db.session.execute(select(Store).where(Store.code == code)).scalar_one_or_none()
    if store is None:
        raise NotFound(N_("There is no store with the code %(code)s."), {"code": code})
    return store


def _has_control_characters(text: str, allow_line_breaks: bool = False) -> bool:
    allowed = "\n\t" if allow_line_breaks else ""
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def _clean_text(name: str, value: object, problems: list[Problem]) -> str | None:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append((name, N_("%(field)s must be text."), {"field": name}))
        return None
    text = value.strip()
    multiline = name == "address"
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _has_control_characters(text, allow_line_breaks=multiline):
        problems.append((name, N_("%(field)s contains control characters."), {"field": name}))
        return None
    if len(text) > TEXT_LIMITS[name]:
        problems.append(
            (
                name,
                N_("%(field)s is longer than %(count)d characters."),
                {"field": name, "count": TEXT_LIMITS[name]},
            )
        )
        return None
    return text


def _clean_code(value: object, problems: list[Problem]) -> str | None:
    code = value.strip() if isinstance(value, str) else value
    if code is None or code == "":
        problems.append(("code", N_("A store code is required."), {}))
    elif not isinstance(code, str) or len(code) > MAX_CODE or not CODE_PATTERN.fullmatch(code):
        problems.append(
            (
                "code",
                N_(
                    "A store code is 1 to %(count)d letters A–Z, digits, “-”, “_” or “.”, "
                    "starting with a letter or digit, e.g. IST-01."
                ),
                {"count": MAX_CODE},
            )
        )
    else:
        return code
    return None


def _clean_flag(name: str, value: object, problems: list[Problem]) -> bool | None:
    """A yes/no field: true/false in JSON, ``yes``/``no`` in a file; empty means no."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str) and value.strip().lower() in (YES, NO, ""):
        return value.strip().lower() == YES
    problems.append((name, N_("%(field)s must be yes or no."), {"field": name}))
    return None


def clean_store(
    values: Mapping[str, object], *, new: bool
) -> tuple[dict[str, object], list[Problem]]:
    """Check the fields given (a form, an API body, a CSV row); answer them tidied, and the problems.

    Only the fields present are checked and returned, so an update may give a
    few. A new store needs ``code`` and ``name``.
    """
    problems: list[Problem] = []
    cleaned: dict[str, object] = {}
    for field in values:
        if field not in (*COLUMNS, "active"):
            problems.append((field, N_("%(field)s is not a field of a store."), {"field": field}))
    if "code" in values or new:
        code = _clean_code(values.get("code"), problems)
        if code is not None:
            cleaned["code"] = code
    if "name" in values or new:
        name = _clean_text("name", values.get("name"), problems)
        if name == "":
            problems.append(("name", N_("A store name is required."), {}))
        elif name is not None:
            cleaned["name"] = name
    for field in ("region", "city", "address"):
        if field in values:
            text = _clean_text(field, values[field], problems)
            if text is not None:
                cleaned[field] = text
    if "competitor" in values:
        competitor = _clean_flag("competitor", values["competitor"], problems)
        if competitor is not None:
            cleaned["competitor"] = competitor
    if "active" in values:
        if isinstance(values["active"], bool):
            cleaned["active"] = values["active"]
        else:
            problems.append(("active", N_("%(field)s must be true or false."), {"field": "active"}))
    return cleaned, problems


def _new_store(cleaned: Mapping[str, object]) -> Store:
    defaults = {"region": "", "city": "", "address": "", "competitor": False, "active": True}
    return Store(**{**defaults, **cleaned})


def _invalid(problems: list[Problem]) -> Invalid:
    return invalid_record(
        problems,
        N_plural(
            "The store has %(num)d problem; it is named at its field.",
            "The store has %(num)d problems; each is named at its field.",
        ),
    )


def _code_exists(code: str) -> Conflict:
    message = N_("A store with the code %(code)s exists already.")
    return Conflict(message, {"code": code}, fields={"code": translated(message, {"code": code})})


def create_store(values: Mapping[str, object]) -> Store:
    """Add a store; its code must be new (also in other letter case)."""
    cleaned, problems = clean_store(values, new=True)
    if problems:
        raise _invalid(problems)
    code = str(cleaned["code"])
    # Codes are ASCII, so lower() means the same in Python, SQLite and PostgreSQL.
    existing = db.session.execute(
        select(Store.code).where(func.lower(Store.code) == code.lower())
    ).scalar()
    if existing is not None:
        raise _code_exists(existing)
    store = _new_store(cleaned)
    db.session.add(store)
    try:
        db.session.commit()
    except IntegrityError as error:
        # Someone else added the same code a moment ago.
        db.session.rollback()
        raise _code_exists(code) from error
    return store


def update_store(store: Store, values: Mapping[str, object]) -> Store:
    """Change the fields given; the code stays what it is."""
    if "code" in values and values["code"] != store.code:
        message = N_("The code of a store cannot change (it stays %(code)s).")
        params = {"code": store.code}
        raise Invalid(message, params, fields={"code": translated(message, params)})
    cleaned, problems = clean_store({k: v for k, v in values.items() if k != "code"}, new=False)
    if problems:
        raise _invalid(problems)
    for name, value in cleaned.items():
        if getattr(store, name) != value:
            setattr(store, name, value)
    db.session.commit()
    return store


def set_active(store: Store, active: bool) -> None:
    """Deactivate a store (no new assignments; its past reports stay) or bring it back."""
    store.active = active
    db.session.commit()


def import_csv(raw: bytes) -> ImportSummary:
    """Import a stores file: every row, or none when any row is wrong.

    Rows are matched to stores by code: a new code adds a store, a known one
    changes what differs. A column left out of the file leaves that field of
    existing stores as it is. Deactivated stores stay deactivated.
    """
    table = read_csv(raw, REQUIRED_COLUMNS, COLUMNS[2:])
    errors = table.errors
    existing = {store.code: store for store in db.session.execute(select(Store)).scalars()}
    by_lower = {code.lower(): code for code in existing}
    first_line: dict[str, int] = {}
    planned: list[dict[str, object]] = []
    for row in table.rows:
        cleaned, problems = clean_store(row.values, new=True)
        for field, message, params in problems:
            errors.add(row.line, field, message, **params)
        code = cleaned.get("code")
        if not isinstance(code, str):
            continue
        twin = by_lower.get(code.lower())
        if code.lower() in first_line:
            errors.add(
                row.line,
                "code",
                N_("The code %(code)s is on line %(line)d already."),
                code=code,
                line=first_line[code.lower()],
            )
        elif twin is not None and twin != code:
            errors.add(
                row.line,
                "code",
                N_("The code %(code)s differs from the existing %(existing)s only in letter case."),
                code=code,
                existing=twin,
            )
        first_line[code.lower()] = row.line
        planned.append(cleaned)
    errors.raise_if_any()
    created = updated = unchanged = 0
    for cleaned in planned:
        store = existing.get(str(cleaned["code"]))
        if store is None:
            db.session.add(_new_store(cleaned))
            created += 1
            continue
        changes = {name: value for name, value in cleaned.items() if getattr(store, name) != value}
        for name, value in changes.items():
            setattr(store, name, value)
        if changes:
            updated += 1
        else:
            unchanged += 1
    db.session.commit()
    return ImportSummary(created, updated, unchanged)


def export_csv(filters: StoreFilters = StoreFilters()) -> str:
    """The matching stores as a stores file, in the order they were added.

    Importing this file again changes nothing; a file imported into an empty
    list comes back byte for byte (same columns, order and quoting).
    """
    stores = db.session.execute(select_stores(filters).order_by(None).order_by(Store.id)).scalars()
    return write_csv(
        COLUMNS,
        (
            (store.code, store.name, store.region, store.city, store.address, store.competitor)
            for store in stores
        ),
    )
