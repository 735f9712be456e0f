"""Reading JSON text with a bound on nesting, so no body or file can exhaust the stack."""

from __future__ import annotations

import json

MAX_DEPTH = 32


class TooDeep(ValueError):
    """JSON nested deeper than ``MAX_DEPTH`` arrays and objects."""


def depth(value: object) -> int:
    """How many arrays and objects are nested in ``value``, counted without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def loads(text: str | bytes) -> object:
    """Decode JSON like ``json.loads``; raise ``TooDeep`` past ``MAX_DEPTH`` levels."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels") from None
    if depth(value) > MAX_DEPTH:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels")
    return value
