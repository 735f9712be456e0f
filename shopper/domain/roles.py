"""The roles people sign in with."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The roles; each sees its own home page and nothing it may not touch."""

    OWNER = "owner"
    COORDINATOR = "coordinator"
    SHOPPER = "shopper"
    # A store manager: reads their own stores' results and fixes what they show.
    MANAGER = "manager"
