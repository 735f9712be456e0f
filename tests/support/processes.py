"""Servers the tests start as real processes: a free port, and waiting until one listens."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from shopper.devtools.postgres import free_port

__all__ = ["free_port", "serving", "wait_for_port"]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    """Wait until ``process`` listens on ``port``; fail with its log if it dies or is too slow."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            assert process.poll() is None, log.read_text()
            time.sleep(0.2)
    pytest.fail(f"nothing listened on port {port} within {seconds:.0f} s:\n" + log.read_text())


@contextmanager
def serving(
    command: list[str], cwd: Path, env: dict[str, str], log: Path, port: int, seconds: float = 120
) -> Iterator[subprocess.Popen]:
    """Run ``command`` in ``cwd`` until it listens on ``port``; stop it (and its children) after."""
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port, process, log, seconds)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
