"""`make serve`: it migrates the configured database, then gunicorn serves it with WORKERS workers."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from tests.conftest import REPO, unavailable
from tests.support.processes import free_port, serving

pytestmark = pytest.mark.slow
HEAD = ScriptDirectory(str(REPO / "shopper" / "migrations")).get_current_head()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def test_make_serve_migrates_and_serves_with_gunicorn(backend, request, tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    if backend == "sqlite":
        url = f"sqlite:///{instance / 'served.sqlite3'}"
    else:
        server = request.getfixturevalue("postgres_server")
        if server is None:
            unavailable("PostgreSQL cannot start here")
        url = server.create_database(f"make_serve_{os.getpid()}_{time.monotonic_ns()}")
    env = {
        **os.environ,
        "SHOPPER_INSTANCE_PATH": str(instance),
        "SHOPPER_SQLALCHEMY_DATABASE_URI": url,
    }
    port = free_port()
    log = tmp_path / "make-serve.log"
    command = ["make", "--no-print-directory", "serve", f"PORT={port}", "WORKERS=2"]
    with serving(command, REPO, env, log, port, seconds=300):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as reply:
            assert reply.status == 200
            assert json.load(reply) == {"status": "ok"}
        engine = create_engine(url)
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert revision.scalar_one() == HEAD
        engine.dispose()
        printed = log.read_text()
        assert "gunicorn" in printed.lower() and printed.count("Booting worker") == 2, printed
