"""Marking domain messages for translation without importing Flask.

Domain code returns message ids marked with ``N_`` plus their parameters; the
web layer translates them with gettext at the moment it shows them.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for extraction by Babel; return it unchanged."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural form (``%(num)d`` in both) for Babel; return the pair.

    The web layer picks the form with ngettext for the count in ``num``.
    """
    return singular, plural
