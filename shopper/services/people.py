"""People: list, add one or many (CSV) with invitation links, deactivate, reactivate.

People are made by ``accounts.create_user`` and invited by ``accounts.invite``;
this module adds what coordinators need around them: checking every field
(and every row of a file) before anyone is made, and the secrets of the new
invitation links, which are shown once. Nobody is ever deleted, so past
reports keep their shopper.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select

from shopper.config import LANGUAGES
from shopper.domain.i18n import N_, N_plural
from shopper.extensions import db
from shopper.models import Invitation, Role, User, utcnow
from shopper.services import accounts
from shopper.services.csv_files import read_csv
from shopper.services.errors import (
    Conflict,
    Invalid,
    NotFound,
    Problem,
    invalid_record,
    translated,
)

COLUMNS = ("email", "name", "role", "language", "stores")
REQUIRED_COLUMNS = ("email", "name", "role")
MAX_NAME = 200
DEFAULT_LANGUAGE = "en"
# The same msgids as accounts.create_user, so one translation serves both.
NOT_A_ROLE = accounts.NOT_A_ROLE
NOT_A_LANGUAGE = N_("%(language)s is not a supported language; use one of %(languages)s.")
EXISTS = N_("A person with the email %(email)s exists already.")


@dataclass(frozen=True)
class PersonFilters:
    """What a people list shows: a search text, a role, active or deactivated."""

    q: str = ""
    role: str = ""
    active: bool | None = None


@dataclass(frozen=True)
class Invited:
    """A person and the secret of their new one-time invitation link (shown once)."""

    user: User
    secret: str
    expires_at: datetime


@dataclass(frozen=True)
class PeopleImport:
    """What an import did: the people it added, and those it found there already."""

    created: tuple[Invited, ...]
    unchanged: tuple[User, ...]


def select_people(filters: PersonFilters = PersonFilters()) -> Select:
    """The query of the people that match ``filters``, by name."""
    statement = select(User).order_by(User.name, User.email)
    if filters.q.strip():
        q = filters.q.strip()
        statement = statement.where(
            or_(User.name.icontains(q, autoescape=True), User.email.icontains(q, autoescape=True))
        )
    if filters.role:
        statement = statement.where(User.role == filters.role)
    if filters.active is not None:
        statement = statement.where(User.active.is_(filters.active))
    return statement


def list_people(filters: PersonFilters = PersonFilters()) -> list[User]:
    """The people that match ``filters``, by name (one query)."""
    return list(db.session.execute(select_people(filters)).scalars())


def get_person(email: str) -> User:
    """The person with this email, or NotFound."""
    return accounts.get_user(email)


def get_person_by_id(user_id: int) -> User:
    """The person with this id, or NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(N_("There is no such person."))
    return user


def clean_person(values: Mapping[str, object]) -> tuple[dict[str, str], list[Problem]]:
    """Check a new person's fields (a form, an API body, a CSV row): tidied values and problems.

    ``language`` may be left out or empty: it is then English. ``stores``: a
    manager's store codes (a list, or one text separated by spaces), required
    for a manager and refused for anyone else; tidied to codes separated by spaces.
    """
    problems: list[Problem] = []
    cleaned: dict[str, str] = {}
    for field in values:
        if field not in COLUMNS:
            problems.append((field, N_("%(field)s is not a field of a person."), {"field": field}))
    email = values.get("email")
    if not isinstance(email, str) or not email.strip():
        problems.append(("email", N_("An email address is required."), {}))
    else:
        try:
            cleaned["email"] = accounts.normalise_email(email)
        except Invalid as error:
            problems.append(("email", error.message, error.params))
    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(("name", N_("A name is required."), {}))
    elif len(name.strip()) > MAX_NAME:
        problems.append(
            ("name", N_("The name is longer than %(count)d characters."), {"count": MAX_NAME})
        )
    elif any(unicodedata.category(ch) == "Cc" for ch in name):
        problems.append(("name", N_("The name contains control characters."), {}))
    else:
        cleaned["name"] = name.strip()
    role = values.get("role")
    role = role.strip().lower() if isinstance(role, str) else ""
    if role in set(Role):
        cleaned["role"] = role
    elif values.get("role") in (None, ""):
        problems.append(
            ("role", N_("A role is required: owner, coordinator, shopper or manager."), {})
        )
    else:
        problems.append(("role", NOT_A_ROLE, {"role": values.get("role")}))
    language = values.get("language")
    if language is None or language == "":
        cleaned["language"] = DEFAULT_LANGUAGE
    elif isinstance(language, str) and language.strip().lower() in LANGUAGES:
        cleaned["language"] = language.strip().lower()
    else:
        params = {"language": language, "languages": ", ".join(LANGUAGES)}
        problems.append(("language", NOT_A_LANGUAGE, params))
    stores = values.get("stores")
    if stores is not None and not isinstance(stores, str | list):
        problems.append(("stores", N_("Give the store codes as a list."), {}))
    elif "role" in cleaned:
        try:
            linked = accounts.managed_stores(cleaned["role"], accounts.store_codes(stores))
        except Invalid as error:
            problems.append(("stores", error.message, error.params))
        else:
            cleaned["stores"] = " ".join(store.code for store in linked)
    return cleaned, problems


def _invalid(problems: list[Problem]) -> Invalid:
    return invalid_record(
        problems,
        N_plural(
            "The person has %(num)d problem; it is named at its field.",
            "The person has %(num)d problems; each is named at its field.",
        ),
    )


def _invite(user: User, days: int) -> Invited:
    issued = accounts.invite(user, days)
    return Invited(user, issued.secret, issued.invitation.expires_at)


def add_person(values: Mapping[str, object], days: int) -> Invited:
    """Add one person and make their invitation link, valid ``days`` days."""
    cleaned, problems = clean_person(values)
    if problems:
        raise _invalid(problems)
    if accounts.find_user(cleaned["email"]) is not None:
        params = {"email": cleaned["email"]}
        raise Conflict(EXISTS, params, fields={"email": translated(EXISTS, params)})
    user = accounts.create_user(
        cleaned["email"],
        cleaned["name"],
        cleaned["role"],
        cleaned["language"],
        stores=accounts.store_codes(cleaned.get("stores")),
    )
    return _invite(user, days)


def import_csv(raw: bytes, days: int) -> PeopleImport:
    """Import a users file: every new person gets an invitation link, or nobody when a row is wrong.

    Rows are matched to people by email; people there already are left as
    they are (a file never changes a role), so importing it again changes
    nothing. No password is ever read from a file.
    """
    table = read_csv(raw, REQUIRED_COLUMNS, ("language", "stores"))
    errors = table.errors
    existing = {user.email: user for user in db.session.execute(select(User)).scalars()}
    first_line: dict[str, int] = {}
    new: list[dict[str, str]] = []
    unchanged: list[User] = []
    for row in table.rows:
        cleaned, problems = clean_person(row.values)
        for field, message, params in problems:
            errors.add(row.line, field, message, **params)
        email = cleaned.get("email")
        if email is None:
            continue
        if email in first_line:
            errors.add(
                row.line,
                "email",
                N_("The email %(email)s is on line %(line)d already."),
                email=email,
                line=first_line[email],
            )
            continue
        first_line[email] = row.line
        if email in existing:
            unchanged.append(existing[email])
        elif not problems:
            new.append(cleaned)
    errors.raise_if_any()
    # create_user and invite commit one person at a time; every row was checked
    # above, so nobody is made unless everybody can be.
    created = tuple(
        _invite(
            accounts.create_user(
                cleaned["email"],
                cleaned["name"],
                cleaned["role"],
                cleaned["language"],
                stores=accounts.store_codes(cleaned.get("stores")),
            ),
            days,
        )
        for cleaned in new
    )
    return PeopleImport(created, tuple(unchanged))


def deactivate(person: User, actor: User) -> None:
    """Stop a person signing in (sessions, tokens and links stop); their reports stay.

    Their API tokens are deleted, not only refused, so that activating them again
    does not bring back tokens made before.
    """
    if person.id == actor.id:
        raise Invalid(N_("You cannot deactivate yourself; ask another coordinator."))
    if not person.active:
        return
    person.active = False
    # Ends their open sessions and remember-me cookies, which carry the version.
    person.auth_version += 1
    now = utcnow()
    for invitation in db.session.execute(
        select(Invitation).where(Invitation.user_id == person.id, Invitation.used_at.is_(None))
    ).scalars():
        invitation.used_at = now
    accounts.revoke_all_tokens(person)
    db.session.commit()


def activate(person: User) -> None:
    """Let a deactivated person sign in again, with the password they had."""
    person.active = True
    db.session.commit()


def reinvite(person: User, days: int) -> Invited:
    """A new one-time link for the person; their earlier links stop working."""
    if not person.active:
        raise Conflict(
            N_("%(email)s is deactivated; activate them before sending a new link."),
            {"email": person.email},
        )
    return _invite(person, days)
