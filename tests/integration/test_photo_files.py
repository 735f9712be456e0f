"""Photo files written by many workers at once: each ends whole, none fails."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from shopper import create_app
from shopper.services import photos


def test_the_same_photo_stored_by_many_writers_at_once(tmp_path: Path) -> None:
    """Two phones (or a retry and its original) sending the same photo together both succeed."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    writers, rounds = 8, 20
    barrier = threading.Barrier(writers)
    failures: list[BaseException] = []
    data = [os.urandom(256 * 1024) for _ in range(rounds)]

    def write() -> None:
        with app.app_context():
            for chunk in data:
                barrier.wait()
                try:
                    photos._store(chunk, hashlib.sha256(chunk).hexdigest() + ".jpg")
                except OSError as error:
                    failures.append(error)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    stored = sorted(p for p in (tmp_path / "uploads").rglob("*") if p.is_file())
    assert [p.name for p in stored] == sorted(hashlib.sha256(c).hexdigest() + ".jpg" for c in data)
    assert all(p.read_bytes() in data for p in stored)
