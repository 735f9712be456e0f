"""Service errors name their count in the right grammatical number."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import Babel

from shopper.domain.i18n import N_, N_plural
from shopper.services.errors import Invalid

PROBLEMS = N_plural("The file has %(num)d problem.", "The file has %(num)d problems.")


@pytest.fixture
def request_context():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    "count, expected",
    [
        (1, "The file has 1 problem."),
        (2, "The file has 2 problems."),
        (0, "The file has 0 problems."),
    ],
)
def test_a_counted_message_takes_the_form_of_its_count(request_context, count, expected) -> None:
    error = Invalid(PROBLEMS, {"num": count}, fields={"1": "bad"})

    assert str(error) == expected
    assert error.translated() == expected
    assert error.fields == {"1": "bad"}


def test_other_params_reach_a_counted_message(request_context) -> None:
    error = Invalid(
        N_plural("%(num)d store in %(region)s.", "%(num)d stores in %(region)s."),
        {"num": 3, "region": "Norr"},
    )

    assert str(error) == error.translated() == "3 stores in Norr."


def test_a_plain_message_is_unchanged(request_context) -> None:
    error = Invalid(N_("The last day is before the first day."))

    assert str(error) == error.translated() == "The last day is before the first day."
    assert error.plural is None
