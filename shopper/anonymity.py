"""Shoppers stay anonymous to stores: the one place a shopper's name becomes words.

Pages, PDFs and API responses name a person through these functions, which
ask ``policy.may_name``: a store manager reads "A mystery shopper" where a
coordinator reads the shopper's name.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from shopper.domain import policy
from shopper.models import User


def _reader(reader: User | None) -> User:
    return reader if reader is not None else current_user


def may_identify_shoppers(reader: User | None = None) -> bool:
    """Whether the reader (by default the signed-in person) may know who a shopper is."""
    return policy.may_identify_shoppers(_reader(reader))


def person_name(person: User | None, reader: User | None = None) -> str:
    """Who did something, as ``reader`` may read it: a name, "The system" or "A mystery shopper"."""
    if person is None:
        return _("The system")
    if not policy.may_name(_reader(reader), person):
        return _("A mystery shopper")
    return person.name
