"""Every view declares who may reach it, and the server enforces it."""

from __future__ import annotations

import pytest
from flask import Flask

from shopper.access import PUBLIC
from shopper.models import Role

ROLE_HOMES = {
    "owner": "/owner",
    "coordinator": "/coordinator",
    "shopper": "/shopper",
    "manager": "/manager",
}


def test_every_view_declares_its_roles(app: Flask) -> None:
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "access")
    ]
    assert undeclared == []


def _page_rules(app: Flask) -> list[tuple[str, frozenset[str]]]:
    """Every GET page without URL arguments, with the roles it allows."""
    pages = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint == "static" or rule.arguments or "GET" not in rule.methods:
            continue
        pages.append((rule.rule, view.access))
    return pages


def test_signed_out_visitor_is_sent_to_sign_in_from_every_page(app, client) -> None:
    for path, access in _page_rules(app):
        if access is PUBLIC:
            continue
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 401, path
            assert response.json["error"]["code"] == "unauthorized"
        else:
            assert response.status_code == 302, path
            assert response.location.startswith("/sign-in?next="), path


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_reaches_only_the_pages_it_is_allowed(app, client, auth, role) -> None:
    auth.sign_in_as(role)
    for path, access in _page_rules(app):
        response = client.get(path)
        if access is PUBLIC or role in access:
            # Allowed: never refused, never a crash (a page needing a query may say 422).
            assert response.status_code in (200, 302, 422), (path, response.status_code)
        else:
            assert response.status_code == 403, (path, response.status_code)


def test_shopper_typing_a_coordinator_url_gets_403(client, auth) -> None:
    auth.sign_in_as("shopper")
    response = client.get("/coordinator")
    assert response.status_code == 403
    assert "Your role does not allow this page." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_lands_on_its_own_home(client, auth, role) -> None:
    auth.sign_in_as(role)
    response = client.get("/")
    assert response.status_code == 302
    assert response.location == ROLE_HOMES[role]
