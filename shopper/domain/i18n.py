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


class Msgid(str):
    """A parameter that is itself a marked message (a status's label): translated when shown."""

    __slots__ = ()


# Languages written right to left, by primary subtag. The interface speaks one
# of them (Urdu); a checklist may be written in any, so the list is not LANGUAGES'.
RTL_LANGUAGES = frozenset({"ar", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})


def is_rtl_language(tag: str) -> bool:
    """True when the language ``tag`` (``ur``, ``ur-PK``, ``ur_PK``) is written right to left."""
    return tag.replace("_", "-").split("-")[0].lower() in RTL_LANGUAGES


def text_direction(tag: str) -> str:
    """The HTML ``dir`` of a language: ``rtl`` or ``ltr``."""
    return "rtl" if is_rtl_language(tag) else "ltr"
