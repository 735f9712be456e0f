"""Accounts: creating people, signing in, passwords, invitations and API tokens."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from shopper.config import LANGUAGES
from shopper.domain import policy
from shopper.domain.i18n import N_
from shopper.extensions import db
from shopper.models import ApiToken, Invitation, Role, Store, User, utcnow
from shopper.services import sign_in_lock
from shopper.services.errors import Conflict, Invalid, NotFound

MIN_PASSWORD_LENGTH = 10
MAX_NAME = 200
MAX_TOKEN_NAME = 100
# Live tokens one person may have: enough for every script and phone, few enough to review.
MAX_TOKENS = 20
TOKEN_PREFIX = "shp_"
# Checked against when the email is unknown, so a wrong email costs the same
# time as a wrong password and the answer gives no hint which one it was.
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """Check an email address and return it in the form it is stored (lower case)."""
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise Invalid(N_("%(email)s is not a valid email address."), {"email": email}) from error
    return checked.normalized.lower()


def find_user(email: str) -> User | None:
    """The user with this email, in any letter case."""
    return db.session.execute(
        select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()


def get_user(email: str) -> User:
    """The user with this email, or NotFound."""
    user = find_user(email)
    if user is None:
        raise NotFound(N_("No person with the email %(email)s."), {"email": email})
    return user


def check_password_rules(password: str) -> None:
    """Refuse a password too short to be safe."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            N_("The password must be at least %(count)d characters long."),
            {"count": MIN_PASSWORD_LENGTH},
            fields={"password": "too_short"},
        )


NOT_A_ROLE = N_("%(role)s is not a role; use owner, coordinator, shopper or manager.")
MANAGER_NEEDS_STORES = N_("A store manager needs at least one store: give the store codes.")
ONLY_MANAGERS_HAVE_STORES = N_("Only a store manager is linked to stores.")
UNKNOWN_STORES = N_("There is no store %(codes)s.")


def store_codes(value: str | Iterable[str] | None) -> list[str]:
    """Store codes as people write them: a list, or one text separated by spaces or commas."""
    if value is None:
        return []
    parts = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    codes: list[str] = []
    for part in parts:
        code = str(part).strip().upper()
        if code and code not in codes:
            codes.append(code)
    return codes


def managed_stores(role: str, codes: Iterable[str]) -> list[Store]:
    """The stores a person of ``role`` is linked to: a manager one or more, anyone else none.

    Raises Invalid (field ``stores``) for a manager without stores, for stores
    given to another role, and for codes of no store, all named at once.
    """
    wanted = store_codes(codes)
    if role != Role.MANAGER:
        if wanted:
            raise Invalid(ONLY_MANAGERS_HAVE_STORES, fields={"stores": "not_a_manager"})
        return []
    if not wanted:
        raise Invalid(MANAGER_NEEDS_STORES, fields={"stores": "required"})
    found = {
        store.code: store
        for store in db.session.execute(select(Store).where(Store.code.in_(wanted))).scalars()
    }
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise Invalid(UNKNOWN_STORES, {"codes": ", ".join(unknown)}, fields={"stores": "unknown"})
    return [found[code] for code in wanted]


def set_stores(user: User, codes: Iterable[str]) -> None:
    """Link a manager to these stores instead of the ones they had (all or nothing)."""
    user.stores = managed_stores(user.role, codes)
    db.session.commit()


def create_user(
    email: str,
    name: str,
    role: str,
    language: str = "en",
    password: str | None = None,
    stores: Iterable[str] = (),
) -> User:
    """Add a person. Without a password they sign in through an invitation.

    A store manager is linked to ``stores`` (codes; at least one); nobody else is.
    """
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise Invalid(N_("A name is required."), fields={"name": "required"})
    if len(name) > MAX_NAME or "\x00" in name:
        raise Invalid(
            N_("A name is at most %(count)d characters of text."),
            {"count": MAX_NAME},
            fields={"name": "invalid"},
        )
    if role not in set(Role):
        raise Invalid(NOT_A_ROLE, {"role": role})
    if language not in LANGUAGES:
        raise Invalid(
            N_("%(language)s is not a supported language; use one of %(languages)s."),
            {"language": language, "languages": ", ".join(LANGUAGES)},
        )
    if find_user(email) is not None:
        raise Conflict(N_("A person with the email %(email)s exists already."), {"email": email})
    linked = managed_stores(role, stores)
    user = User(email=email, name=name, role=role, language=language, stores=linked)
    if password is not None:
        check_password_rules(password)
        user.password_hash = generate_password_hash(password, method="scrypt")
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same cost either way).

    Raises SignInLocked after too many wrong passwords in a row for the address.
    """
    sign_in_lock.check_unlocked(email)
    user = find_user(email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        sign_in_lock.count_failure(email)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        sign_in_lock.count_failure(email)
        return None
    sign_in_lock.clear(email)
    user.last_sign_in_at = utcnow()
    db.session.commit()
    return user


def set_password(user: User, password: str) -> int:
    """Give the user a new password, end their other sessions, revoke their API tokens.

    The tokens go because whoever knew the old password may have made one; the
    number revoked is returned so the person can be told.
    """
    check_password_rules(password)
    user.password_hash = generate_password_hash(password, method="scrypt")
    user.auth_version += 1
    revoked = revoke_all_tokens(user)
    db.session.commit()
    return revoked


def change_password(user: User, current: str, new: str) -> int:
    """Change a password after checking the current one (wrong ones count towards the lock).

    Returns how many API tokens were revoked with it.
    """
    sign_in_lock.check_unlocked(user.email)
    if user.password_hash is None or not check_password_hash(user.password_hash, current):
        sign_in_lock.count_failure(user.email)
        raise Invalid(
            N_("The current password is not right."), fields={"current_password": "wrong"}
        )
    return set_password(user, new)


def set_language(user: User, language: str) -> None:
    """Change the language the person reads the product in."""
    if language not in LANGUAGES:
        raise Invalid(N_("%(language)s is not a supported language."), {"language": language})
    user.language = language
    db.session.commit()


def set_report_emails(user: User, wanted: bool) -> None:
    """Whether the periodic comparison report comes to this person by email."""
    user.report_emails = bool(wanted)
    db.session.commit()


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation and the secret of its link, which is shown once."""

    invitation: Invitation
    secret: str


def invite(user: User, days: int) -> IssuedInvitation:
    """Make a one-time link for ``user`` valid ``days`` days; earlier links stop working."""
    now = utcnow()
    for earlier in db.session.execute(
        select(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
    ).scalars():
        earlier.used_at = now
    secret = secrets.token_urlsafe(32)
    invitation = Invitation(
        user=user, token_hash=_digest(secret), expires_at=now + timedelta(days=days)
    )
    db.session.add(invitation)
    db.session.commit()
    return IssuedInvitation(invitation, secret)


def open_invitation(secret: str) -> Invitation:
    """The unused, unexpired invitation behind a link, or NotFound."""
    invitation = db.session.execute(
        select(Invitation).where(Invitation.token_hash == _digest(secret))
    ).scalar_one_or_none()
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.expires_at <= utcnow()
        or not invitation.user.active
    ):
        raise NotFound(
            N_("This invitation link is not valid any more. Ask your coordinator for a new one.")
        )
    return invitation


@dataclass(frozen=True)
class AcceptedInvitation:
    """The person who set a password from a link, and how many API tokens that revoked."""

    user: User
    revoked_tokens: int


def accept_invitation(secret: str, password: str) -> AcceptedInvitation:
    """Set the invited person's password (revoking their tokens) and use the link up."""
    invitation = open_invitation(secret)
    check_password_rules(password)
    invitation.used_at = utcnow()
    revoked = set_password(invitation.user, password)
    return AcceptedInvitation(invitation.user, revoked)


@dataclass(frozen=True)
class IssuedToken:
    """A new API token and its secret, which is shown once."""

    token: ApiToken
    secret: str


def clean_token_name(name: str) -> str:
    """The name a token is kept under, or Invalid saying what to fix."""
    name = " ".join(name.split())
    if not name:
        raise Invalid(N_("A token name is required."), fields={"name": "required"})
    if len(name) > MAX_TOKEN_NAME:
        raise Invalid(
            N_("The token name is longer than %(count)d characters."),
            {"count": MAX_TOKEN_NAME},
            fields={"name": "too_long"},
        )
    if any(unicodedata.category(character) == "Cc" for character in name):
        raise Invalid(N_("The token name may hold only text."), fields={"name": "invalid"})
    return name


def list_tokens(user: User) -> list[ApiToken]:
    """The person's tokens, oldest first."""
    return list(
        db.session.execute(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
        ).scalars()
    )


def _token_names(user: User) -> set[str]:
    return {
        name.casefold()
        for name in db.session.execute(
            select(ApiToken.name).where(ApiToken.user_id == user.id)
        ).scalars()
    }


def unused_token_name(user: User, wanted: str) -> str:
    """``wanted``, or ``wanted 2``, ``wanted 3``…: the first the person has no token named."""
    taken = _token_names(user)
    name, number = wanted, 1
    while name.casefold() in taken:
        number += 1
        name = f"{wanted} {number}"
    return name


def create_token(user: User, name: str) -> IssuedToken:
    """Make a personal API token with a name of its own; only its hash is kept."""
    name = clean_token_name(name)
    # Lock the person's row (PostgreSQL; SQLite writes one at a time anyway) so two
    # requests at once cannot both pass the name and count checks.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    taken = _token_names(user)
    if name.casefold() in taken:
        raise Conflict(
            N_("There is a token named “%(name)s” already; choose another name."),
            {"name": name},
            fields={"name": "taken"},
        )
    if len(taken) >= MAX_TOKENS:
        raise Conflict(
            N_(
                "%(email)s has %(count)d API tokens, the most one person may have: "
                "revoke one that is no longer used first."
            ),
            {"email": user.email, "count": MAX_TOKENS},
            fields={"name": "too_many"},
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=_digest(secret), prefix=secret[:10])
    db.session.add(token)
    db.session.commit()
    return IssuedToken(token, secret)


def user_for_token(secret: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == _digest(secret))
    ).scalar_one_or_none()
    if token is None or not token.user.active:
        return None
    # One write per minute at most: a phone syncing every few seconds must not
    # turn every read into a write.
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        db.session.commit()
    return token.user


def _delete_token(token: ApiToken) -> str:
    name = token.name
    db.session.delete(token)
    db.session.commit()
    return name


def revoke_token(actor: User, owner: User, token_id: int) -> str:
    """Delete one of ``owner``'s tokens, if the policy lets ``actor``; return its name.

    A token that is not the owner's, or an owner whose tokens the actor may not
    revoke, is not found: nobody learns which token ids exist.
    """
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != owner.id or not policy.may_revoke_token(actor, owner.id):
        raise NotFound(N_("No such token."))
    return _delete_token(token)


def revoke_token_named(owner: User, name: str) -> str:
    """Delete the person's token of this name (any letter case); for the command line."""
    for token in list_tokens(owner):
        if token.name.casefold() == " ".join(name.split()).casefold():
            return _delete_token(token)
    raise NotFound(
        N_("%(email)s has no token named “%(name)s”."), {"email": owner.email, "name": name}
    )


def revoke_all_tokens(user: User) -> int:
    """Delete every token of the person, in the caller's transaction; return how many."""
    tokens = list_tokens(user)
    for token in tokens:
        db.session.delete(token)
    return len(tokens)
