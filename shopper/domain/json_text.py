"""Reading JSON text with a bound on nesting and only storable text, so no body breaks a request."""

from __future__ import annotations

import json

from shopper.domain.checklist_format import is_storable_text

MAX_DEPTH = 32


class TooDeep(ValueError):
    """JSON nested deeper than ``MAX_DEPTH`` arrays and objects."""


class Unstorable(ValueError):
    """Text no database can hold (NUL, a lone surrogate), at ``field`` (e.g. ``items[0].note``)."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} contains control characters")
        self.field = field


def _field(path: tuple | None) -> str:
    parts: list[str] = []
    while path is not None:
        path, key = path
        if isinstance(key, int):
            parts.append(f"[{key}]")
        else:  # a key may itself be the bad text: spell it out printably
            printable = key.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace")
            parts.append("." + printable.decode())
    return "".join(reversed(parts)).lstrip(".") or "body"


def _unstorable_field(value: object) -> str:
    """Where the first unstorable text lies; walked again only once one is known to be there."""
    # Paths are kept as (parent, key) pairs and spelt out only for the answer.
    stack: list[tuple[object, tuple | None]] = [(value, None)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if not is_storable_text(item):
                return _field(path)
        elif isinstance(item, dict):
            stack.extend((key, (path, key)) for key in item)
            stack.extend((child, (path, key)) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((child, (path, index)) for index, child in enumerate(item))
    return "body"


def check(value: object) -> None:
    """Raise ``TooDeep`` or ``Unstorable`` when ``value`` breaks a bound; walked without recursion."""
    if isinstance(value, str):
        if not is_storable_text(value):
            raise Unstorable("body")
        return
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            texts = [*item, *item.values()]
        elif isinstance(item, list):
            texts = item
        else:
            continue
        if level > MAX_DEPTH:
            raise TooDeep(f"nested deeper than {MAX_DEPTH} levels")
        for child in texts:
            if isinstance(child, str):
                if not is_storable_text(child):
                    raise Unstorable(_unstorable_field(value))
            elif isinstance(child, dict | list):
                stack.append((child, level + 1))


def _not_json(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes) -> object:
    """Decode JSON like ``json.loads`` (but refusing NaN and Infinity), then ``check`` it."""
    try:
        value = json.loads(text, parse_constant=_not_json)
    except RecursionError:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels") from None
    check(value)
    return value
