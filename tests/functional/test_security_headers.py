"""Security headers on every answer, Secure cookies and HSTS over HTTPS, the reverse-proxy setting."""

from __future__ import annotations

import pytest

from shopper import create_app
from tests.conftest import settings
from tests.support.web import PASSWORD, csrf_token, make_user

HTTPS = "https://localhost"


def _assert_hardened(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' blob: data:"
    assert directives["connect-src"] == "'self'"
    assert directives["worker-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    permissions = response.headers["Permissions-Policy"].split(", ")
    assert "camera=(self)" in permissions
    assert "geolocation=(self)" in permissions
    assert "microphone=()" in permissions


def test_every_kind_of_answer_carries_the_security_headers(app, client, auth) -> None:
    answers = {
        "page": client.get("/sign-in"),
        "static file": client.get("/static/css/app.css"),
        "api error": client.get("/api/v1/me"),
        "missing page": client.get("/no-such-page"),
        "redirect": client.get("/account"),
    }
    auth.sign_in_as("shopper")
    answers["service worker"] = client.get("/sw.js")
    answers["api"] = client.get("/api/v1/me")
    answers["403 page"] = client.get("/coordinator")
    assert {name: r.status_code for name, r in answers.items()} == {
        "page": 200,
        "static file": 200,
        "api error": 401,
        "missing page": 404,
        "redirect": 302,
        "service worker": 200,
        "api": 200,
        "403 page": 403,
    }
    for response in answers.values():
        _assert_hardened(response)
        response.close()


def test_an_unexpected_error_page_carries_the_headers_too(app, client) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    boom.access = frozenset({"*"})
    app.testing = False
    response = client.get("/boom")
    assert response.status_code == 500
    _assert_hardened(response)


def test_over_plain_http_there_is_no_hsts_and_cookies_are_not_secure(app, client, auth) -> None:
    make_user(app, "shopper", "s@test.example")
    response = auth.sign_in("s@test.example", remember=True)
    assert response.status_code == 302
    assert "Strict-Transport-Security" not in response.headers
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} == {"session", "remember_token"}
    assert not any("Secure" in c for c in cookies)


def _sign_in_over(client, base_url: str, extra_headers: dict[str, str] | None = None):
    page = client.get("/sign-in", base_url=base_url, headers=extra_headers)
    # Over HTTPS Flask-WTF also checks that the form came from this site, as a browser tells.
    headers = {"Referer": "https://localhost/sign-in", **(extra_headers or {})}
    return client.post(
        "/sign-in",
        base_url=base_url,
        headers=headers,
        data={
            "csrf_token": csrf_token(page),
            "email": "s@test.example",
            "password": PASSWORD,
            "remember": "y",
        },
    )


def test_over_https_cookies_are_secure_and_hsts_is_sent(app, client) -> None:
    make_user(app, "shopper", "s@test.example")
    response = _sign_in_over(client, HTTPS)
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} == {"session", "remember_token"}
    assert all("; Secure" in c for c in cookies), cookies


@pytest.mark.config(PREFERRED_URL_SCHEME="https")
def test_an_https_only_site_marks_cookies_secure_even_when_the_proxy_does_not_say(
    app, client, auth
) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    make_user(app, "shopper", "s@test.example")
    response = _sign_in_over(client, "http://localhost")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 2
    assert all("; Secure" in c for c in cookies), cookies
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_forwarded_headers_are_not_trusted_without_the_proxy_setting(app, client) -> None:
    make_user(app, "shopper", "s@test.example")
    response = _sign_in_over(client, "http://localhost", {"X-Forwarded-Proto": "https"})
    assert response.status_code == 302
    assert "Strict-Transport-Security" not in response.headers
    assert not any("Secure" in c for c in response.headers.getlist("Set-Cookie"))


@pytest.mark.config(PROXY_FIX_X_PROTO=1)
def test_behind_a_trusted_proxy_its_https_is_seen(app, client) -> None:
    make_user(app, "shopper", "s@test.example")
    response = _sign_in_over(client, "http://localhost", {"X-Forwarded-Proto": "https"})
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert all("; Secure" in c for c in response.headers.getlist("Set-Cookie"))


def _wrong_sign_ins(client, addresses: list[str]) -> list[int]:
    statuses = []
    for number, address in enumerate(addresses):
        headers = {"X-Forwarded-For": address}
        page = client.get("/sign-in", headers=headers)
        statuses.append(
            client.post(
                "/sign-in",
                headers=headers,
                data={
                    "csrf_token": csrf_token(page),
                    "email": f"nobody{number}@test.example",
                    "password": "wrong",
                },
            ).status_code
        )
    return statuses


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_a_claimed_client_address_does_not_escape_the_limit_by_default(app, client) -> None:
    addresses = [f"203.0.113.{n}" for n in range(12)]
    assert _wrong_sign_ins(client, addresses) == [200] * 10 + [429, 429]


@pytest.mark.config(RATELIMIT_ENABLED=True, PROXY_FIX_X_FOR=1)
def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(app, client) -> None:
    many = [f"203.0.113.{n}" for n in range(12)]
    assert _wrong_sign_ins(client, many) == [200] * 12
    one = ["198.51.100.7"] * 12
    assert _wrong_sign_ins(client, one) == [200] * 10 + [429, 429]


@pytest.mark.parametrize("value", [-1, "two", True, 1.5])
def test_a_wrong_proxy_setting_stops_the_start_with_a_clear_message(tmp_path, value) -> None:
    config = settings("sqlite://", tmp_path / "instance", PROXY_FIX_X_FOR=value)
    with pytest.raises(ValueError, match="PROXY_FIX_X_FOR must be the number of proxies"):
        create_app(config)
