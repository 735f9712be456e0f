"""Back up and restore an install: the database and the photo files in one ``.tar.gz``.

The archive holds ``manifest.json`` (format, database kind, Alembic revision,
time, row counts), then the database (``database.sqlite3``, a copy made with
SQLite's online backup API, or ``database.pgdump``, PostgreSQL's own
``pg_dump -Fc``), then ``photos/`` (the upload folder). The database is copied
first and the files after: photos are stored by content and never rewritten,
so every photo the copied database names is already on disk when the files
are read, while the app keeps serving. Photos uploaded meanwhile may come too.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import (
    Connection,
    MetaData,
    column,
    create_engine,
    inspect,
    select,
    table,
    text,
)
from sqlalchemy.engine import URL

from shopper.domain.i18n import N_
from shopper.extensions import db
from shopper.services.errors import Conflict, Invalid
from shopper.services.photos import stored_files

FORMAT = "shopper-backup/1"
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
PHOTOS = "photos"
# What a photo member may be called: photos/<two characters>/<file name>, nothing else.
PHOTO_MEMBER = re.compile(r"^photos/([0-9A-Za-z]{2})/([0-9A-Za-z][0-9A-Za-z._-]*)$")
SKIPPED_SUFFIX = ".part"  # a photo still being written (see services.photos)


class BackupError(Invalid):
    """A backup or restore that cannot be done, with what to do about it."""


@dataclass
class Contents:
    """What a database holds: its Alembic revision, rows per table, the photos it names."""

    revision: str | None
    counts: dict[str, int]
    photo_files: set[str] = field(default_factory=set)

    def has_data(self) -> bool:
        """True when any table other than Alembic's own has a row."""
        return any(n for name, n in self.counts.items() if name != "alembic_version")


@dataclass
class Restored:
    """The outcome of a restore."""

    manifest: dict[str, object]
    photo_files: int
    migrated_to: str | None
    missing_photos: list[str]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _contents(connection: Connection) -> Contents:
    """Read revision, counts and photo file names through ``connection`` (one snapshot)."""
    names = sorted(inspect(connection).get_table_names())
    counts = {
        name: connection.execute(text(f"SELECT count(*) FROM {_quoted(name)}")).scalar_one()
        for name in names
    }
    revision = None
    if "alembic_version" in names:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    files: set[str] = set()
    if "photos" in names:
        for (digest,) in connection.execute(select(column("sha256")).select_from(table("photos"))):
            files.update(stored_files(digest))
    return Contents(revision, counts, files)


def present_contents(kind: str) -> Contents:
    """What the configured database holds now (nothing when its SQLite file is not there yet)."""
    if kind == "sqlite" and not _sqlite_path(db.engine.url).exists():
        return Contents(None, {})
    with db.engine.connect() as connection:
        return _contents(connection)


def _kind() -> str:
    kind = db.engine.dialect.name
    if kind not in DATABASE_FILES:
        raise BackupError(N_("Backups know SQLite and PostgreSQL, not %(kind)s."), {"kind": kind})
    return kind


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError(N_("An in-memory SQLite database cannot be backed up or restored."))
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database page by page with SQLite's online backup API."""
    if not source.is_file():
        raise BackupError(N_("There is no SQLite database at %(path)s."), {"path": str(source)})
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


# PostgreSQL: the server's own client programs, of the server's major version.


def _server_major(connection: Connection) -> int:
    return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def _program_major(path: str) -> int:
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return 0
    match = re.search(r"(\d+)(?:\.\d+)?", done.stdout)
    return int(match.group(1)) if match else 0


def pg_program(name: str, server_major: int) -> str:
    """Debian's ``pg_dump``/``pg_restore`` for the server's major version, else one on PATH.

    A program older than the server cannot read it; one as new or newer can.
    """
    debian = Path("/usr/lib/postgresql") / str(server_major) / "bin" / name
    if debian.is_file():
        return str(debian)
    found = shutil.which(name)
    if found and _program_major(found) >= server_major:
        return found
    raise BackupError(
        N_(
            "No %(program)s for PostgreSQL %(version)s here: "
            "install it (apt-get install postgresql-client-%(version)s)."
        ),
        {"program": name, "version": server_major},
    )


def pg_environment(url: URL) -> dict[str, str]:
    """The connection of ``url`` as libpq variables: the password never on a command line."""
    env = dict(os.environ)
    query = {
        key: value if isinstance(value, str) else value[-1] for key, value in url.query.items()
    }
    settings = {
        "PGHOST": url.host or query.get("host"),
        "PGPORT": str(url.port) if url.port else query.get("port"),
        "PGUSER": url.username or query.get("user"),
        "PGPASSWORD": url.password or query.get("password"),
        "PGDATABASE": url.database or query.get("dbname"),
        "PGSSLMODE": query.get("sslmode"),
        "PGCONNECT_TIMEOUT": query.get("connect_timeout"),
    }
    env.update({name: str(value) for name, value in settings.items() if value})
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(
            N_("%(program)s failed: %(error)s"),
            {"program": os.path.basename(command[0]), "error": done.stderr.strip()},
        )


# Creating a backup.


def _snapshot_sqlite(target: Path) -> Contents:
    _sqlite_copy(_sqlite_path(db.engine.url), target)
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            return _contents(connection)
    finally:
        engine.dispose()


def _snapshot_postgresql(target: Path) -> Contents:
    # One REPEATABLE READ transaction exports its snapshot to pg_dump, so the
    # counts in the manifest and the dump see exactly the same rows.
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            contents = _contents(connection)
            program = pg_program("pg_dump", _server_major(connection))
            _run(
                [program, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                pg_environment(db.engine.url),
            )
    return contents


def _photo_files(folder: Path) -> list[str]:
    """Every finished file of the upload folder, as paths relative to it."""
    if not folder.is_dir():
        return []
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and not path.name.endswith(SKIPPED_SUFFIX)
    )


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def create_backup(path: Path) -> dict[str, object]:
    """Write the database and the photos to ``path`` (a .tar.gz); return its manifest."""
    kind = _kind()
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shopper-backup-", dir=path.parent) as work:
        database_file = Path(work) / DATABASE_FILES[kind]
        taken_at = datetime.now(UTC)
        if kind == "sqlite":
            contents = _snapshot_sqlite(database_file)
        else:
            contents = _snapshot_postgresql(database_file)
        # After the database: every photo it names is on disk by now.
        files = _photo_files(folder)
        missing = sorted(contents.photo_files - set(files))
        manifest: dict[str, object] = {
            "format": FORMAT,
            "database": kind,
            "alembic_revision": contents.revision,
            "created_at": taken_at.isoformat(timespec="seconds"),
            "counts": contents.counts,
            "photo_files": len(files),
            "missing_photo_files": missing,
        }
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(database_file, arcname=DATABASE_FILES[kind])
            for name in files:
                archive.add(folder / name, arcname=f"{PHOTOS}/{name}")
        # Password hashes and tokens are inside: for the owner's eyes only.
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    return manifest


# Restoring one.


def _read_manifest(archive: tarfile.TarFile, name: str) -> dict[str, object]:
    first = archive.next()
    handle = archive.extractfile(first) if first and first.name == MANIFEST else None
    try:
        manifest = json.loads(handle.read()) if handle else None
    except ValueError:
        manifest = None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not {"database", "alembic_revision", "counts"} <= manifest.keys()
    ):
        raise BackupError(N_("%(file)s is not a shopper backup."), {"file": name})
    return manifest


def _check_restorable(manifest: dict[str, object], kind: str, force: bool) -> ScriptDirectory:
    if manifest["database"] != kind:
        raise BackupError(
            N_(
                "This backup holds a %(archive)s database but this install uses %(kind)s: "
                "restore it into a %(archive)s database."
            ),
            {"archive": manifest["database"], "kind": kind},
        )
    scripts = ScriptDirectory(current_app.extensions["migrate"].directory)
    revision = manifest["alembic_revision"]
    known = {script.revision for script in scripts.walk_revisions()}
    if revision is not None and revision not in known:
        raise BackupError(
            N_(
                "This backup was made by a newer shopper (database revision %(revision)s): "
                "install that version or a newer one to restore it."
            ),
            {"revision": revision},
        )
    if present_contents(kind).has_data() and not force:
        raise Conflict(
            N_(
                "The database already has data: restore into an empty install, "
                "or pass --force to replace everything in it."
            )
        )
    return scripts


def _write_photo(folder: Path, member: tarfile.TarInfo, archive: tarfile.TarFile) -> None:
    match = PHOTO_MEMBER.match(member.name)
    if not match or not member.isfile():
        raise BackupError(
            N_("The backup holds an unexpected entry: %(name)s."), {"name": member.name}
        )
    target = folder / match.group(1) / match.group(2)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + SKIPPED_SUFFIX)
    with archive.extractfile(member) as source, open(partial, "wb") as output:  # type: ignore[union-attr]
        shutil.copyfileobj(source, output)
    os.replace(partial, target)


def _empty_postgresql() -> None:
    """Drop every table (the schema the dump brings is made again from it)."""
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    metadata.drop_all(bind=db.engine)


def _restore_database(kind: str, database_file: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    if kind == "sqlite":
        _sqlite_copy(database_file, _sqlite_path(db.engine.url))
        return
    _empty_postgresql()
    with db.engine.connect() as connection:
        program = pg_program("pg_restore", _server_major(connection))
    url = db.engine.url
    _run(
        [
            program,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={url.database}",
            str(database_file),
        ],
        pg_environment(url),
    )
    db.engine.dispose()


@contextmanager
def _opened(path: Path) -> Iterator[tarfile.TarFile]:
    """The archive, read in order; a damaged or foreign file is said so."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            yield archive
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupError(
            N_("%(file)s cannot be read as a backup: %(error)s"),
            {"file": str(path), "error": str(error)},
        ) from error


def restore_backup(path: Path, force: bool = False) -> Restored:
    """Restore database and photos from ``path`` into this install, then migrate up."""
    kind = _kind()
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    with (
        _opened(Path(path)) as archive,
        tempfile.TemporaryDirectory(prefix="shopper-restore-") as work,
    ):
        manifest = _read_manifest(archive, str(path))
        scripts = _check_restorable(manifest, kind, force)
        database_file = Path(work) / DATABASE_FILES[kind]
        photo_files = 0
        for member in archive:
            if member.name == MANIFEST:
                continue  # read above; iterating yields it again
            if member.name == DATABASE_FILES[kind] and member.isfile():
                with archive.extractfile(member) as source, open(database_file, "wb") as output:  # type: ignore[union-attr]
                    shutil.copyfileobj(source, output)
            else:
                _write_photo(folder, member, archive)
                photo_files += 1
        if not database_file.exists():
            raise BackupError(N_("%(file)s holds no database."), {"file": str(path)})
        _restore_database(kind, database_file)
    restored = present_contents(kind)
    if restored.counts != manifest["counts"] or restored.revision != manifest["alembic_revision"]:
        raise BackupError(N_("The restored database does not match the backup's manifest."))
    migrated_to = None
    if restored.revision != scripts.get_current_head():
        upgrade()
        migrated_to = scripts.get_current_head()
    missing = sorted(restored.photo_files - set(_photo_files(folder)))
    return Restored(manifest, photo_files, migrated_to, missing)
