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


def check(value: object) -> None:
    """Raise ``TooDeep`` or ``Unstorable`` when ``value`` breaks a bound; walked without recursion."""
    # Paths are kept as (parent, key) pairs and spelt out only for the error.
    stack: list[tuple[object, int, tuple | None]] = [(value, 1, None)]
    while stack:
        item, level, path = stack.pop()
        if isinstance(item, str):
            if not is_storable_text(item):
                raise Unstorable(_field(path))
            continue
        if isinstance(item, dict):
            children = [(child, (path, key)) for key, child in item.items()]
            children += [(key, (path, key)) for key in item]
        elif isinstance(item, list):
            children = [(child, (path, index)) for index, child in enumerate(item)]
        else:
            continue
        if level > MAX_DEPTH:
            raise TooDeep(f"nested deeper than {MAX_DEPTH} levels")
        stack.extend((child, level + 1, where) for child, where in children)


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
