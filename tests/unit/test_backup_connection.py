"""The PostgreSQL programs get the connection through libpq variables, never on a command line."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from shopper.services.backup import pg_environment


def test_a_tcp_url_with_a_password_becomes_libpq_variables() -> None:
    env = pg_environment(make_url("postgresql+psycopg://shopper:s3cr%40t@db.internal:5433/shop"))
    assert {k: env[k] for k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE")} == {
        "PGHOST": "db.internal",
        "PGPORT": "5433",
        "PGUSER": "shopper",
        "PGPASSWORD": "s3cr@t",
        "PGDATABASE": "shop",
    }


def test_a_unix_socket_url_names_the_socket_folder_as_host() -> None:
    url = make_url("postgresql+psycopg://shopper@/shopper?host=/var/run/postgresql&sslmode=disable")
    env = pg_environment(url)
    assert env["PGHOST"] == "/var/run/postgresql"
    assert env["PGDATABASE"] == "shopper"
    assert env["PGSSLMODE"] == "disable"
