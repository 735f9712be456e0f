"""Who does what in ``make load``: shoppers on phones, coordinators reviewing, owners reading.

Every call is the one the app's own clients make: the phone's JSON API with
a bearer token (shopper/static/js/field/sync.js), the review endpoint, and
the owners' comparison page and PDF with a signed-in session. ``Work`` holds
what the run shares (the open assignments, the acknowledged submissions);
``shopper.devtools.load`` fills it and reads it. ``Work.pause`` is 1 for the
scenario's pauses and 0 for the run without them.
"""

from __future__ import annotations

import random
import re
import time
import uuid
from collections import defaultdict, deque
from datetime import date, timedelta
from typing import Any

from locust import FastHttpUser, HttpUser, constant, task
from locust.exception import StopUser

from shopper.devtools import fieldwork
from shopper.domain.roles import Role
from shopper.domain.workflow import Status

DRAFTS_PER_VISIT = 3
DRAFT_EVERY = 5.0
REVIEW_EVERY = 1.0
PAGE_EVERY = 20.0
PDF_EVERY_PAGES = 3
RETURN_SHARE = 0.1
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Work:
    """What the users of one run share."""

    cast: dict[str, Any] = {}
    photos: list[bytes] = []
    pause = 1.0
    # shopper email → assignment ids still to do (returned ones go back in front)
    todo: dict[str, deque[int]] = {}
    # assignment id → client_ids acknowledged by the server, oldest first
    acknowledged: dict[int, list[str]] = defaultdict(list)
    # assignment id → every client_id sent, answered or not, oldest first
    sent: dict[int, list[str]] = defaultdict(list)
    # (monotonic time, assignment id) of each acknowledgement
    acknowledged_at: list[tuple[float, int]] = []
    conflicts = 0
    started = {role: 0 for role in Role}

    @classmethod
    def reset(cls, cast: dict[str, Any], photos: list[bytes]) -> None:
        """Start from the prepared cast: every shopper's assignments to do."""
        cls.cast, cls.photos = cast, photos
        cls.todo = {email: deque(ids) for email, ids in cast["assignments"].items()}
        cls.acknowledged = defaultdict(list)
        cls.sent = defaultdict(list)
        cls.acknowledged_at = []
        cls.conflicts = 0

    @classmethod
    def next_person(cls, role: Role) -> dict[str, str]:
        """The next account of ``role``, round robin (more users than accounts share them)."""
        people = cls.cast[role + "s"]
        cls.started[role] += 1
        return people[(cls.started[role] - 1) % len(people)]

    @classmethod
    def sleep(cls, seconds: float) -> None:
        """Pause as the scenario says (not at all in the run without pauses)."""
        if cls.pause:
            time.sleep(seconds * cls.pause)


def _bearer(person: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {person['token']}", "Accept": "application/json"}


def _failed(response: Any, what: str) -> None:
    response.failure(f"{what}: {response.status_code} {str(response.text)[:300]}")


class _ApiUser(FastHttpUser):
    """A person of ``role`` calling the JSON API with their bearer token."""

    abstract = True
    wait_time = constant(0)
    role: Role

    def on_start(self) -> None:
        self.person = Work.next_person(self.role)
        self.headers = _bearer(self.person)
        self.rng = random.Random()


class Shopper(_ApiUser):
    """Fills a report on the phone: a draft every 5 s, a photo, then the submission."""

    role = Role.SHOPPER
    weight = 50

    def on_start(self) -> None:
        super().on_start()
        # Phones are not in step: each starts somewhere in one visit's cycle (~20 s),
        # so the run is at its steady pace at once, not in bursts of 50 uploads.
        Work.sleep(self.rng.uniform(0, DRAFT_EVERY * (DRAFTS_PER_VISIT + 1)))

    def _save(self, assignment: int, body: dict[str, Any]) -> int | None:
        with self.client.put(
            f"/api/v1/assignments/{assignment}/visit",
            json=body,
            headers=self.headers,
            name="draft save",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                _failed(response, f"draft of assignment {assignment}")
                return None
            return response.json()["id"]

    @task
    def report(self) -> None:
        """One visit's report, from the first draft to the acknowledged submission."""
        todo = Work.todo[self.person["email"]]
        if not todo:
            raise StopUser()
        assignment = todo.popleft()
        values = fieldwork.answers(Work.cast["questions"], self.rng)
        visit = None
        for step in range(1, DRAFTS_PER_VISIT + 1):
            visit = self._save(assignment, fieldwork.visit_body(values, step / DRAFTS_PER_VISIT))
            if visit is None:
                return
            Work.sleep(DRAFT_EVERY)
        body, content_type = fieldwork.multipart(
            {"question": Work.cast["photo_question"], "taken_at": date.today().isoformat()},
            "photo.jpg",
            self.rng.choice(Work.photos),
        )
        with self.client.post(
            f"/api/v1/visits/{visit}/photos",
            data=body,
            headers={**self.headers, "Content-Type": content_type},
            name="photo upload",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                _failed(response, f"photo of visit {visit}")
                return
        client_id = uuid.uuid4().hex
        Work.sent[assignment].append(client_id)
        with self.client.post(
            f"/api/v1/assignments/{assignment}/visit/submit",
            json={**fieldwork.visit_body(values), "client_id": client_id},
            headers=self.headers,
            name="submit",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                _failed(response, f"submission of assignment {assignment}")
                return
            Work.acknowledged[assignment].append(client_id)
            Work.acknowledged_at.append((time.monotonic(), assignment))
        Work.sleep(DRAFT_EVERY)


class Coordinator(_ApiUser):
    """Reviews the submitted reports: reads each, approves most, returns some with a note."""

    role = Role.COORDINATOR
    weight = 3

    def on_start(self) -> None:
        super().on_start()
        # Coordinators share the queue without deciding on the same report twice.
        self.share = (Work.started[Role.COORDINATOR] - 1) % len(Work.cast["coordinators"])

    @task
    def review(self) -> None:
        """Take a page of the queue and decide on this coordinator's share of it."""
        with self.client.get(
            f"/api/v1/assignments?status={Status.SUBMITTED}&per_page=30",
            headers=self.headers,
            name="review queue",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                _failed(response, "review queue")
                return
            items = response.json()["items"]
        count = len(Work.cast["coordinators"])
        mine = [item for item in items if item["visit_id"] % count == self.share][:5]
        if not mine:
            Work.sleep(REVIEW_EVERY * 2)
            return
        for item in mine:
            self._decide(item)
            Work.sleep(REVIEW_EVERY)

    def _decide(self, item: dict[str, Any]) -> None:
        visit = item["visit_id"]
        self.client.get(f"/api/v1/visits/{visit}", headers=self.headers, name="visit read")
        returning = self.rng.random() < RETURN_SHARE
        decision = (
            {"decision": "return", "note": "The photo of the entrance is blurred: take another."}
            if returning
            else {"decision": "approve"}
        )
        with self.client.post(
            f"/api/v1/visits/{visit}/review",
            json=decision,
            headers=self.headers,
            name="review",
            catch_response=True,
        ) as response:
            if response.status_code == 409:
                # Another coordinator decided first (only when users outnumber accounts).
                Work.conflicts += 1
                response.success()
            elif response.status_code != 200:
                _failed(response, f"review of visit {visit}")
            elif returning:
                Work.todo[item["shopper"]].appendleft(item["id"])


class Owner(HttpUser):
    """Opens last month's comparison every 20 s and downloads its PDF every minute."""

    wait_time = constant(0)
    weight = 2

    def on_start(self) -> None:
        person = Work.next_person(Role.OWNER)
        page = self.client.get("/sign-in", name="sign-in page")
        token = _CSRF.search(page.text)
        with self.client.post(
            "/sign-in",
            data={
                "csrf_token": token.group(1) if token else "",
                "email": person["email"],
                "password": person["password"],
            },
            name="sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/sign-in" in response.url:
                _failed(response, f"sign-in of {person['email']}")
                raise StopUser()
        last = date.today().replace(day=1) - timedelta(days=1)
        self.query = (
            f"checklist={Work.cast['checklist']}"
            f"&first_day={last.replace(day=1).isoformat()}&last_day={last.isoformat()}"
        )
        self.pages = 0
        Work.sleep(random.uniform(0, DRAFT_EVERY))

    @task
    def read(self) -> None:
        """The page, and every third time (each minute) its PDF."""
        self.pages += 1
        with self.client.get(
            f"/reports/comparison?{self.query}", name="comparison page", catch_response=True
        ) as response:
            if response.status_code != 200 or "/sign-in" in response.url:
                _failed(response, "comparison page")
        if self.pages % PDF_EVERY_PAGES == 1:
            with self.client.get(
                f"/reports/comparison.pdf?{self.query}", name="comparison PDF", catch_response=True
            ) as response:
                if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                    _failed(response, "comparison PDF")
        Work.sleep(PAGE_EVERY)
