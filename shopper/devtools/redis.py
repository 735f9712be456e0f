"""A throw-away Redis server on 127.0.0.1, started and stopped by the suite (no files kept)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass

from shopper.devtools.postgres import free_port


@dataclass
class RedisServer:
    """A running server on 127.0.0.1."""

    process: subprocess.Popen[bytes]
    directory: str
    port: int

    @property
    def url(self) -> str:
        """The storage URI Flask-Limiter takes (``RATELIMIT_STORAGE_URI``)."""
        return f"redis://127.0.0.1:{self.port}"

    def ping(self) -> bool:
        """True when the server answers PING."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        try:
            self.process.terminate()
            self.process.wait(timeout=10)
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def start_server() -> RedisServer:
    """Start a server of our own on a free port, or raise RuntimeError."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("no redis-server (apt-get install redis-server)")
    directory = tempfile.mkdtemp(prefix="shopper-redis-")
    port = free_port()
    # No snapshots, no append-only file: nothing is written, and nothing outlives the run.
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            directory,
            "--logfile",
            f"{directory}/redis.log",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = RedisServer(process, directory, port)
    for _ in range(100):
        if server.ping():
            return server
        if process.poll() is not None:
            break
        time.sleep(0.05)
    try:
        with open(f"{directory}/redis.log", encoding="utf-8", errors="replace") as log:
            reason = log.read()[-500:]
    except OSError:
        reason = ""
    server.stop()
    raise RuntimeError(f"redis-server did not start: {reason}")
