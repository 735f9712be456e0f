"""Wrong passwords lock an email address for a while, counted in the database for every worker."""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from sqlalchemy import select

from shopper.extensions import db
from shopper.models import SignInFailures, utcnow
from shopper.services import sign_in_lock
from tests.support.web import PASSWORD, csrf_token, make_user

WRONG = "The email or the password is not right."
LOCKED_15 = (
    "Too many wrong passwords for this email. Signing in with it is locked for 15 more minutes."
)
FLASH = re.compile(r'<p class="flash flash-error" role="alert">([^<]*)</p>')


def _answer(response) -> tuple[int, str]:
    match = FLASH.search(response.get_data(as_text=True))
    return response.status_code, match.group(1) if match else ""


def _row(app, email: str) -> SignInFailures | None:
    with app.app_context():
        row = db.session.get(SignInFailures, email)
        if row is not None:
            db.session.expunge(row)
        return row


def test_five_wrong_passwords_lock_the_address_even_against_the_right_one(app, auth) -> None:
    make_user(app, "shopper", "s@test.example")
    answers = [_answer(auth.sign_in("s@test.example", "wrong password")) for _ in range(5)]
    assert answers == [(200, WRONG)] * 4 + [(429, LOCKED_15)]
    assert _answer(auth.sign_in("S@Test.example", PASSWORD)) == (429, LOCKED_15)
    row = _row(app, "s@test.example")
    assert row.failures == 5
    assert timedelta(minutes=14) < row.locked_until - utcnow() <= timedelta(minutes=15)


def test_an_unknown_address_gets_exactly_the_same_answers(app, auth) -> None:
    make_user(app, "shopper", "s@test.example")
    known = [_answer(auth.sign_in("s@test.example", "wrong password")) for _ in range(6)]
    unknown = [_answer(auth.sign_in("nobody@test.example", "wrong password")) for _ in range(6)]
    assert known == unknown == [(200, WRONG)] * 4 + [(429, LOCKED_15)] * 2


def test_the_lock_ends_and_a_right_password_then_clears_the_count(app, client, auth) -> None:
    make_user(app, "shopper", "s@test.example")
    for _ in range(5):
        auth.sign_in("s@test.example", "wrong password")
    with app.app_context():
        row = db.session.get(SignInFailures, "s@test.example")
        row.locked_until = utcnow() - timedelta(seconds=1)  # fifteen minutes later
        db.session.commit()
    assert auth.sign_in("s@test.example").status_code == 302
    assert _row(app, "s@test.example") is None
    auth.sign_out()
    answers = [_answer(auth.sign_in("s@test.example", "wrong password")) for _ in range(4)]
    assert answers == [(200, WRONG)] * 4


def test_a_right_password_before_the_lock_starts_the_count_again(app, auth) -> None:
    make_user(app, "shopper", "s@test.example")
    for _ in range(4):
        auth.sign_in("s@test.example", "wrong password")
    assert auth.sign_in("s@test.example").status_code == 302
    assert _row(app, "s@test.example") is None


def test_each_lock_after_the_first_is_twice_as_long(app) -> None:
    start = utcnow()
    ends = []
    with app.app_context():
        now = start
        for _ in range(4):
            for _ in range(4):
                sign_in_lock.count_failure("s@test.example", now)
            with pytest.raises(sign_in_lock.SignInLocked):
                sign_in_lock.count_failure("s@test.example", now)
            until = db.session.get(SignInFailures, "s@test.example").locked_until
            ends.append(until - now)
            now = until  # the lock has just ended
        # While locked, attempts are refused and not counted.
        with pytest.raises(sign_in_lock.SignInLocked):
            sign_in_lock.check_unlocked("s@test.example", now - timedelta(minutes=1))
        assert db.session.get(SignInFailures, "s@test.example").failures == 20
    assert ends == [timedelta(minutes=m) for m in (15, 30, 60, 120)]
    assert sign_in_lock.lock_length(100) == timedelta(hours=24)


def test_old_counts_of_other_addresses_are_forgotten(app) -> None:
    with app.app_context():
        long_ago = utcnow() - timedelta(days=2)
        sign_in_lock.count_failure("old@test.example", long_ago)
        sign_in_lock.count_failure("new@test.example")
        emails = db.session.execute(select(SignInFailures.email)).scalars().all()
    assert emails == ["new@test.example"]


def test_wrong_current_passwords_on_the_account_page_count_too(app, client, auth) -> None:
    auth.sign_in_as("shopper")
    statuses = []
    for _ in range(6):
        page = client.get("/account")
        response = client.post(
            "/account/password",
            data={
                "pw-csrf_token": csrf_token(page),
                "pw-current_password": "not it",
                "pw-password": "a new long password",
                "pw-confirm": "a new long password",
            },
        )
        statuses.append((response.status_code, "locked for" in response.get_data(as_text=True)))
    assert statuses == [(400, False)] * 4 + [(400, True)] * 2
    assert _row(app, "shopper@test.example").failures == 5


def _post_sign_in(base: str, email: str, password: str) -> tuple[int, str]:
    body = urlencode({"email": email, "password": password}).encode()
    try:
        with urlopen(Request(base + "/sign-in", data=body), timeout=60) as response:
            status, html = response.status, response.read().decode()
    except HTTPError as error:
        with error:
            status, html = error.code, error.read().decode()
    match = FLASH.search(html)
    return status, match.group(1) if match else ""


@pytest.mark.config(WTF_CSRF_ENABLED=False)
def test_sixty_wrong_passwords_at_once_lock_the_address_after_exactly_five(
    app, live_server
) -> None:
    make_user(app, "shopper", "s@test.example")
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(
            pool.map(lambda _: _post_sign_in(live_server, "s@test.example", "wrong"), range(60))
        )
    assert Counter(answers) == {(200, WRONG): 4, (429, LOCKED_15): 56}
    assert _row(app, "s@test.example").failures == 5
    assert _post_sign_in(live_server, "s@test.example", PASSWORD) == (429, LOCKED_15)
