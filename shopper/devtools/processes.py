"""The app as real processes: ``flask`` commands and gunicorn on a free 127.0.0.1 port.

Gunicorn runs in a process group of its own, so the master and its workers
can be killed together (``kill(signal.SIGKILL)``), as a crash or an OOM
killer would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from shopper.devtools.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]


def environment(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """Environment variables for the app on ``database_url`` with its instance folder."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SHOPPER_SQLALCHEMY_DATABASE_URI": database_url,
        "SHOPPER_INSTANCE_PATH": str(instance),
        "SHOPPER_UPLOAD_FOLDER": str(instance / "uploads"),
        "SHOPPER_SECRET_KEY": "load and fault tests only",
        **extra,
    }


def flask(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``flask --app wsgi ARGS`` in the repository with ``env``; output captured."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


@dataclass
class Gunicorn:
    """A running gunicorn (master and workers) serving the app."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        """The base URL, http://127.0.0.1:PORT."""
        return f"http://127.0.0.1:{self.port}"

    def kill(self, signum: int = signal.SIGKILL) -> None:
        """Send ``signum`` to the master and every worker, and wait until the master is gone."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)
        self.process.wait(timeout=60)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), or kill after 30 s."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


def start_gunicorn(
    env: dict[str, str],
    log: Path,
    workers: int = 4,
    port: int | None = None,
    threads: int = 1,
    preload: bool = False,
) -> Gunicorn:
    """Start gunicorn on 127.0.0.1 and wait until it answers the sign-in page.

    ``preload`` imports the app once in the master before forking (a faster start).
    """
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        *(["--preload"] if preload else []),
        "wsgi:app",
    ]
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Gunicorn(process, port, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(server.url + "/sign-in", timeout=5) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"gunicorn did not answer within 120 s:\n{log.read_text()}")
