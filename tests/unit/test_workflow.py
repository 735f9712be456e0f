"""Every status and action pair: allowed ones move as the table says, the rest are refused."""

from __future__ import annotations

import itertools

import pytest

from shopper.domain.workflow import Action, IllegalTransition, Status, allowed, next_status

EXPECTED = {
    ("assigned", "save_draft"): "draft",
    ("draft", "save_draft"): "draft",
    ("returned", "save_draft"): "returned",
    ("assigned", "submit"): "submitted",
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "return"): "returned",
    ("approved", "withdraw_approval"): "submitted",
    ("assigned", "cancel"): "cancelled",
    ("draft", "cancel"): "cancelled",
    ("assigned", "reassign"): "assigned",
    ("draft", "reassign"): "assigned",
    ("assigned", "edit"): "assigned",
    ("draft", "edit"): "draft",
}


@pytest.mark.parametrize("status, action", list(itertools.product(Status, Action)))
def test_each_pair_follows_the_table(status: Status, action: Action) -> None:
    expected = EXPECTED.get((status.value, action.value))
    assert allowed(status, action) is (expected is not None)
    if expected is None:
        with pytest.raises(IllegalTransition):
            next_status(status, action)
    else:
        assert next_status(status, action) == expected


def test_nothing_leaves_cancelled_or_approved_but_withdrawal() -> None:
    assert [a for a in Action if allowed("cancelled", a)] == []
    assert [a for a in Action if allowed("approved", a)] == [Action.WITHDRAW_APPROVAL]
