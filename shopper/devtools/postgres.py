"""A throw-away PostgreSQL server for the suite, started and stopped by it.

PostgreSQL refuses to run as root (CI and the dev machines run as root), so
as root the server runs as the ``postgres`` user through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass


def find_bindir() -> str | None:
    """The directory of the newest PostgreSQL server binaries on this machine, if any."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0,
    )
    if candidates:
        return os.path.dirname(candidates[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(os.path.realpath(initdb)) if initdb else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    """A running server on 127.0.0.1."""

    bindir: str
    directory: str
    port: int
    as_postgres: bool

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True)

    @property
    def superuser(self) -> str:
        return "postgres"

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` on this server."""
        return f"postgresql+psycopg://{self.superuser}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty UTF-8 database and return its URL."""
        self._run(
            os.path.join(self.bindir, "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            self.superuser,
            "-E",
            "UTF8",
            "-T",
            "template0",
            name,
        )
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete its files."""
        try:
            self._run(
                os.path.join(self.bindir, "pg_ctl"),
                "-D",
                self.directory + "/data",
                "-m",
                "immediate",
                "-w",
                "stop",
            )
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def start_server() -> PostgresServer:
    """Start a server of our own on a free port, or raise RuntimeError."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries (apt-get install postgresql)")
    as_postgres = os.geteuid() == 0
    directory = tempfile.mkdtemp(prefix="shopper-pg-")
    os.chmod(directory, 0o755)
    if as_postgres:
        shutil.chown(directory, "postgres", "postgres")
    server = PostgresServer(bindir, directory, free_port(), as_postgres)
    data = directory + "/data"
    server._run(
        os.path.join(bindir, "initdb"),
        "-D",
        data,
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )
    # Durability is worthless for a test database; speed is not.
    options = (
        f"-p {server.port} -k {directory} -c listen_addresses=127.0.0.1 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    server._run(
        os.path.join(bindir, "pg_ctl"),
        "-D",
        data,
        "-o",
        options,
        "-l",
        directory + "/server.log",
        "-w",
        "-t",
        "60",
        "start",
    )
    for _ in range(50):
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("PostgreSQL did not start")
