"""The server killed with SIGKILL while shoppers submit: nothing acknowledged is lost or doubled.

Gunicorn (master and workers) serves a small synthetic chain; shoppers in
threads save drafts, upload photos and submit, a coordinator approves, and
the whole process group is killed mid-stream, as a power cut or the OOM
killer would. After a restart every acknowledged submission is there exactly
once, nothing is half-written, the kept sums agree with the approved visits,
and the phones whose submissions got no answer send them again with the same
client_id and are each stored once.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from shopper import create_app
from shopper.devtools import fieldwork
from shopper.devtools.processes import Gunicorn, environment, flask, start_gunicorn
from shopper.extensions import db
from shopper.models import Assignment
from shopper.services import synthetic
from tests.conftest import BACKENDS, settings, unavailable

SHOPPERS = 6
PER_SHOPPER = 10
# Kill once this many submissions are acknowledged (a third of them).
KILL_AFTER = SHOPPERS * PER_SHOPPER // 3

pytestmark = pytest.mark.slow


class Refused(Exception):
    """The server answered, but not as it should have (the answer is in ``Field.errors``)."""


class Field:
    """The phones and the coordinator, in threads, recording what the server answered."""

    def __init__(self, cast: dict, base: str) -> None:
        self.cast = cast
        self.base = base
        self.lock = threading.Lock()
        self.acknowledged: dict[int, list[str]] = defaultdict(list)
        # (assignment, token, body with client_id) of submissions that got no answer
        self.queued: list[tuple[int, str, dict]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.photo = fieldwork.photos(1)[0]

    def shopper(self, person: dict[str, str]) -> None:
        """Work through the assignments until the server goes away."""
        rng = random.Random(person["email"])
        token = person["token"]
        for assignment in self.cast["assignments"][person["email"]]:
            values = fieldwork.answers(self.cast["questions"], rng)
            body = {**fieldwork.visit_body(values), "client_id": uuid.uuid4().hex}
            try:
                status, visit = fieldwork.call(
                    self.base,
                    "PUT",
                    f"/api/v1/assignments/{assignment}/visit",
                    token,
                    fieldwork.visit_body(values, 0.5),
                )
                self._expect(status, 200, visit)
                raw = fieldwork.multipart(
                    {"question": self.cast["photo_question"]}, "photo.jpg", self.photo
                )
                status, photo = fieldwork.call(
                    self.base, "POST", f"/api/v1/visits/{visit['id']}/photos", token, raw=raw
                )
                self._expect(status, 201, photo)
                status, answer = fieldwork.call(
                    self.base, "POST", f"/api/v1/assignments/{assignment}/visit/submit", token, body
                )
                self._expect(status, 200, answer)
            except Refused:
                return
            except OSError:
                # No answer: the shopper taps "Send" anyway, and the phone keeps it queued.
                with self.lock:
                    self.queued.append((assignment, token, body))
                return
            with self.lock:
                self.acknowledged[assignment].append(body["client_id"])

    def coordinator(self, person: dict[str, str]) -> None:
        """Approve what is submitted, as fast as it comes, until the server goes away."""
        while not self.stop.is_set():
            try:
                status, page = fieldwork.call(
                    self.base,
                    "GET",
                    "/api/v1/assignments?status=submitted&per_page=20",
                    person["token"],
                )
                self._expect(status, 200, page)
                for item in page["items"]:
                    status, answer = fieldwork.call(
                        self.base,
                        "POST",
                        f"/api/v1/visits/{item['visit_id']}/review",
                        person["token"],
                        {"decision": "approve"},
                    )
                    self._expect(status, 200, answer)
            except (OSError, Refused):
                return
            time.sleep(0.05)

    def _expect(self, status: int, wanted: int, answer: object) -> None:
        if status != wanted:
            with self.lock:
                self.errors.append(f"{status} (wanted {wanted}): {answer}")
            raise Refused(f"unexpected {status}")

    def count(self) -> int:
        """How many submissions were acknowledged so far."""
        with self.lock:
            return sum(len(ids) for ids in self.acknowledged.values())


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each backend, of this test's own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    if server is None:
        unavailable("PostgreSQL cannot start here")
    name = f"crash_{uuid.uuid4().hex[:8]}"
    return server.create_database(name)


def test_acknowledged_submissions_survive_sigkill(database: str, tmp_path: Path) -> None:
    """SIGKILL mid-stream, restart: acknowledged once, nothing half-written, queued ones go."""
    instance = tmp_path / "instance"
    env = environment(database, instance)
    app = create_app(settings(database, instance))
    with app.app_context():
        upgrade()
        synthetic.generate(24, 2)
        cast = fieldwork.prepare(SHOPPERS, 1, 0, PER_SHOPPER)
        db.session.remove()
        db.engine.dispose()

    server = start_gunicorn(env, tmp_path / "gunicorn.log", workers=4, preload=True)
    field = Field(cast, server.url)
    threads = [
        threading.Thread(target=field.shopper, args=(person,)) for person in cast["shoppers"]
    ]
    threads.append(threading.Thread(target=field.coordinator, args=(cast["coordinators"][0],)))
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while field.count() < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        server.kill()  # SIGKILL to the master and every worker
        field.stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        server.kill()
    assert not field.errors, field.errors
    assert field.count() >= KILL_AFTER, "the shoppers were too slow to reach the kill point"
    assert field.queued, "every phone should have been cut off mid-report"

    restarted: Gunicorn = start_gunicorn(env, tmp_path / "gunicorn.log", workers=2, preload=True)
    try:
        for assignment, token, body in field.queued:
            status, answer = fieldwork.call(
                restarted.url, "POST", f"/api/v1/assignments/{assignment}/visit/submit", token, body
            )
            assert status == 200, answer
            assert answer["client_id"] == body["client_id"]
            field.acknowledged[assignment].append(body["client_id"])
        # A queued phone that tries once more (it never saw the answer) changes nothing.
        for assignment, token, body in field.queued:
            status, answer = fieldwork.call(
                restarted.url, "POST", f"/api/v1/assignments/{assignment}/visit/submit", token, body
            )
            assert status == 200, answer
    finally:
        restarted.stop()

    with app.app_context():
        once = {a: list(dict.fromkeys(ids)) for a, ids in field.acknowledged.items()}
        assert fieldwork.check_submissions(once) == []
        approved = db.session.execute(
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.status == "approved", Assignment.id.in_(list(once)))
        ).scalar_one()
        assert approved > 0, "the coordinator approved nothing before the kill"
        db.session.remove()
        db.engine.dispose()
    checked = flask(env, "sums", "check", check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
