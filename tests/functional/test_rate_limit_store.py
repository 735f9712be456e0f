"""The per-address sign-in limit holds across servers when they share a Redis store.

Two real server processes of the app stand for two workers or two machines:
with Redis they share one count, with ``memory://`` each counts alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from flask import Flask

from shopper import create_app
from shopper.devtools.postgres import free_port
from shopper.extensions import db
from tests.conftest import settings

REPO = Path(__file__).resolve().parents[2]


def _status(url: str, form: dict[str, str] | None = None) -> int:
    body = urlencode(form).encode() if form is not None else None
    try:
        with urlopen(Request(url, data=body), timeout=30) as response:
            return response.status
    except HTTPError as error:
        error.close()
        return error.code


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            if _status(base + "/sign-in") == 200:
                return
        except URLError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not answer within 30 s")


@pytest.fixture
def start_servers(app: Flask, tmp_path: Path) -> Iterator[Callable[[int, str], list[str]]]:
    """Start ``count`` servers of the app on one database and one limit store; yield their URLs."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(count: int, storage_uri: str) -> list[str]:
        prefix = uuid.uuid4().hex  # counts of other tests in the same Redis stay apart
        urls = []
        for number in range(count):
            port = free_port()
            env = {
                **os.environ,
                "PYTHONPATH": str(REPO),
                "SHOPPER_INSTANCE_PATH": str(tmp_path / f"instance-{number}"),
                "SHOPPER_SECRET_KEY": "shared secret of the test servers",
                "SHOPPER_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "SHOPPER_WTF_CSRF_ENABLED": "false",
                "SHOPPER_RATELIMIT_STORAGE_URI": storage_uri,
                "SHOPPER_RATELIMIT_KEY_PREFIX": prefix,
            }
            command = [sys.executable, "-m", "flask", "--app", "wsgi", "run"]
            command += ["--host", "127.0.0.1", "--port", str(port), "--no-reload"]
            process = subprocess.Popen(
                command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            processes.append(process)
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes[-count:], strict=True):
            _wait_until_up(url, process)
        return urls

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)
        process.stderr.close()


def _wrong_sign_ins_in_turn(urls: list[str], attempts: int) -> list[int]:
    return [
        _status(
            urls[number % len(urls)] + "/sign-in",
            # A new address each time: only the per-address limit is at work, not the lock.
            {"email": f"guess{number}@test.example", "password": "wrong"},
        )
        for number in range(attempts)
    ]


@pytest.mark.redis
def test_two_servers_sharing_redis_allow_only_the_limit_together(start_servers, redis_url) -> None:
    urls = start_servers(2, redis_url)
    assert _wrong_sign_ins_in_turn(urls, 14) == [200] * 10 + [429] * 4


def test_with_memory_storage_each_server_would_count_alone(start_servers) -> None:
    urls = start_servers(2, "memory://")
    assert _wrong_sign_ins_in_turn(urls, 14) == [200] * 14


def test_with_redis_out_of_reach_sign_in_still_works_and_is_limited_per_process(
    tmp_path: Path,
) -> None:
    app = create_app(
        settings(
            f"sqlite:///{tmp_path / 'db.sqlite3'}",
            tmp_path / "instance",
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}",
            WTF_CSRF_ENABLED=False,
        )
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    statuses = [
        client.post(
            "/sign-in", data={"email": f"guess{n}@test.example", "password": "wrong"}
        ).status_code
        for n in range(12)
    ]
    assert statuses == [200] * 10 + [429] * 2
