"""``backup create`` and ``backup restore``: a whole install, database and photos, into an empty one.

The restored install must hold every row of every table (visits, scores, the
monthly sums the comparisons read) and every photo file, byte for byte.
``flask sums check`` is not on this branch: comparing the sums tables' rows
stands in for it.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import threading
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import Result
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import MetaData, select

from shopper import create_app
from shopper.extensions import db
from shopper.models import Assignment, Photo, Visit
from shopper.services import demo, photos
from tests.conftest import REPO, settings, unavailable
from tests.factories import jpeg

PASSWORD = "demo-password"
SCRIPTS = ScriptDirectory(str(REPO / "shopper" / "migrations"))
HEAD = SCRIPTS.get_current_head()
BEFORE_HEAD = SCRIPTS.get_revision(HEAD).down_revision


def _demo_with_photos(app: Flask) -> None:
    """The demo (six months of approved visits, each with a photo) plus distinct photos."""
    with app.app_context():
        demo.load_demo(app.instance_path, PASSWORD)
        returned = db.session.execute(
            select(Assignment).where(Assignment.status == "returned")
        ).scalar_one()
        for size in range(5):
            photos.add_photo(
                returned.visit,
                returned.shopper,
                "receipt",
                io.BytesIO(jpeg(400 + size * 10, 300)),
            )


def _all_rows(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    with app.app_context():
        metadata = MetaData()
        metadata.reflect(bind=db.engine)
        rows = {}
        with db.engine.connect() as connection:
            for name, table in sorted(metadata.tables.items()):
                order = list(table.primary_key.columns) or list(table.columns)
                rows[name] = [
                    tuple(row) for row in connection.execute(select(table).order_by(*order))
                ]
        db.engine.dispose()
        return rows


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _empty_database(
    app: Flask, request: pytest.FixtureRequest, tmp_path: Path, name: str = "restored"
) -> str:
    """A new empty database of the same kind as the app's."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return f"sqlite:///{tmp_path / name / 'shopper.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    if server is None:
        unavailable("a second PostgreSQL database needs the suite's own server")
    return server.create_database(f"{name}_{os.getpid()}_{time.monotonic_ns()}")


@pytest.fixture
def restored_app(app, request, tmp_path):
    """An empty install beside the test's app: a new database, a new upload folder."""
    fresh = create_app(settings(_empty_database(app, request, tmp_path), tmp_path / "fresh"))
    yield fresh
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()


def _invoke(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args))


def test_a_backup_restores_every_row_visit_and_photo_into_an_empty_install(
    app, restored_app, tmp_path
) -> None:
    _demo_with_photos(app)
    archive = tmp_path / "nightly" / "shopper.tar.gz"
    made = _invoke(app, "backup", "create", str(archive))
    assert made.exit_code == 0, made.output
    assert "Backed up the" in made.output and "photo files" in made.output

    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    source_rows = _all_rows(app)
    assert manifest["format"] == "shopper-backup/1"
    assert manifest["database"] == db_kind(app)
    assert manifest["alembic_revision"] == source_rows["alembic_version"][0][0]
    assert manifest["counts"] == {name: len(rows) for name, rows in source_rows.items()}
    assert manifest["counts"]["visits"] > 40 and manifest["counts"]["photos"] > 40
    assert manifest["missing_photo_files"] == []
    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes inside

    restored = _invoke(restored_app, "backup", "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert "Restored the" in restored.output

    assert _all_rows(restored_app) == source_rows
    source_files = _files(Path(app.config["UPLOAD_FOLDER"]))
    assert len(source_files) == 2 * 6  # the demo's one picture and five more, each with a thumbnail
    assert _files(Path(restored_app.config["UPLOAD_FOLDER"])) == source_files

    # The restored install works: the owner signs in and reads a visit's photo.
    client = restored_app.test_client()
    with restored_app.app_context():
        visit_id = db.session.execute(select(Visit.id).limit(1)).scalar_one()
    token = _invoke(restored_app, "user", "token", "coordinator@demo.example").output.split()[-1]
    visit = client.get(f"/api/v1/visits/{visit_id}", headers={"Authorization": f"Bearer {token}"})
    assert visit.status_code == 200
    photo = client.get(
        f"/api/v1/photos/{visit.json['photos'][0]['id']}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert photo.status_code == 200 and photo.data.startswith(b"\xff\xd8")
    photo.close()


def db_kind(app: Flask) -> str:
    """The database kind a backup of ``app`` names."""
    return "sqlite" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "postgresql"


def test_restore_refuses_a_database_with_data_unless_forced(app, tmp_path) -> None:
    _demo_with_photos(app)
    archive = tmp_path / "backup.tar.gz"
    assert _invoke(app, "backup", "create", str(archive)).exit_code == 0
    before = _all_rows(app)

    refused = _invoke(app, "backup", "restore", str(archive))
    assert refused.exit_code == 1
    assert "The database already has data" in refused.output and "--force" in refused.output
    assert _all_rows(app) == before

    # Changed since the backup, then forced back to it.
    late = _invoke(app, "user", "create", "late@test.example", "--name", "Late", "--role", "owner")
    assert late.exit_code == 0, late.output
    forced = _invoke(app, "backup", "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    assert _all_rows(app) == before


def test_an_older_backup_is_migrated_up_after_restore(app, restored_app, request, tmp_path) -> None:
    url = _empty_database(app, request, tmp_path, "older")
    older = create_app(settings(url, tmp_path / "older"))
    with older.app_context():
        upgrade(revision=BEFORE_HEAD)
        db.engine.dispose()
    archive = tmp_path / "older.tar.gz"
    made = _invoke(older, "backup", "create", str(archive))
    assert made.exit_code == 0, made.output
    with older.app_context():
        db.engine.dispose()

    restored = _invoke(restored_app, "backup", "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert f"Migrated the database up to revision {HEAD}." in restored.output
    assert _all_rows(restored_app)["alembic_version"] == [(HEAD,)]


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_files_that_are_not_backups_are_refused_with_what_is_wrong(app, tmp_path) -> None:
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive at all")
    said = _invoke(app, "backup", "restore", str(garbage))
    assert said.exit_code == 1 and "cannot be read as a backup" in said.output

    foreign = _tar(tmp_path / "foreign.tar.gz", {"README": b"hello"})
    said = _invoke(app, "backup", "restore", str(foreign))
    assert said.exit_code == 1 and "is not a shopper backup" in said.output
    unfinished = {"format": "shopper-backup/1", "database": db_kind(app)}
    half = _tar(tmp_path / "half.tar.gz", {"manifest.json": json.dumps(unfinished).encode()})
    said = _invoke(app, "backup", "restore", str(half))
    assert said.exit_code == 1 and "is not a shopper backup" in said.output

    other = "postgresql" if db_kind(app) == "sqlite" else "sqlite"
    manifest = {
        "format": "shopper-backup/1",
        "database": other,
        "alembic_revision": HEAD,
        "counts": {},
    }
    wrong_kind = _tar(tmp_path / "kind.tar.gz", {"manifest.json": json.dumps(manifest).encode()})
    said = _invoke(app, "backup", "restore", str(wrong_kind))
    assert said.exit_code == 1 and f"holds a {other} database" in said.output

    newer = {**manifest, "database": db_kind(app), "alembic_revision": "9999"}
    future = _tar(tmp_path / "newer.tar.gz", {"manifest.json": json.dumps(newer).encode()})
    said = _invoke(app, "backup", "restore", str(future))
    assert said.exit_code == 1 and "made by a newer shopper" in said.output

    escaping = {**manifest, "database": db_kind(app), "alembic_revision": None}
    evil = _tar(
        tmp_path / "evil.tar.gz",
        {"manifest.json": json.dumps(escaping).encode(), "photos/../../escaped.jpg": b"x"},
    )
    said = _invoke(app, "backup", "restore", str(evil))
    assert said.exit_code == 1 and "unexpected entry" in said.output
    assert not (tmp_path / "escaped.jpg").exists()
    assert not list(tmp_path.rglob("escaped.jpg"))


def test_a_backup_taken_while_photos_arrive_has_every_photo_its_database_names(
    app, restored_app, tmp_path
) -> None:
    _demo_with_photos(app)
    archive = tmp_path / "busy.tar.gz"
    stop = threading.Event()
    added: list[int] = []

    def shopper_keeps_uploading() -> None:
        with app.app_context():
            returned = db.session.execute(
                select(Assignment).where(Assignment.status == "returned")
            ).scalar_one()
            while not stop.is_set() and len(added) < 200:
                photo = photos.add_photo(
                    returned.visit,
                    returned.shopper,
                    "receipt",
                    io.BytesIO(jpeg(200 + len(added), 150)),
                )
                added.append(photo.id)
            db.session.remove()

    uploader = threading.Thread(target=shopper_keeps_uploading)
    uploader.start()
    try:
        while len(added) < 3:
            time.sleep(0.01)
        before = len(added)
        made = _invoke(app, "backup", "create", str(archive))
        during = len(added) - before
    finally:
        stop.set()
        uploader.join(timeout=60)
    assert made.exit_code == 0, made.output
    assert during > 0, "no photo arrived while the backup ran: the test proves nothing"

    restored = _invoke(restored_app, "backup", "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert "missing" not in restored.output
    folder = Path(restored_app.config["UPLOAD_FOLDER"])
    with restored_app.app_context():
        digests = db.session.execute(select(Photo.sha256)).scalars().all()
        db.session.remove()
        db.engine.dispose()
    assert len(digests) > 50 + 5
    for digest in digests:
        assert (folder / digest[:2] / f"{digest}.jpg").is_file(), digest
        assert (folder / digest[:2] / f"{digest}.thumb.jpg").is_file(), digest
