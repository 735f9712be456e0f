"""No role or status is spelled out as a string outside the domain, the models and migrations.

What a status means and who a role may be live in ``shopper.domain`` (``Status``
and the workflow's sets, ``Role``, ``policy``); everything else names them
through those, so that a new status or role (the store manager) lands in one
place. A grep cannot understand code, so this one looks for the ways a literal
is *used* as a role or status, and ignores the same words used otherwise
("shopper" is also the package, a CSV column and an API field; "draft" is also
a checklist version's state and an API query parameter):

Python and templates, for the statuses (assigned, draft, submitted, returned,
approved, cancelled) and roles (owner, coordinator, shopper):

- compared: ``== "approved"``, ``"approved" !=``; for roles, only where a role is
  compared (``.role == "shopper"``, ``role="shopper"``, ``"role": "shopper"``,
  ``role in ("shopper", …)``);
- tested for membership in a literal collection: ``in ("assigned", "draft")``,
  ``.in_(["assigned"])``;
- a literal collection of two of them: ``("submitted", "approved")``, or a mapping
  keyed by two roles;
- set as a status or audit action: ``status="assigned"``, ``status = 'approved'``
  in SQL text, ``"status": "approved"``, ``audit.record(…, "approved")``;
- a label mapping keyed by one: ``"returned": _("Returned")``, ``"approved": "badge-good"``;
- "owner" and "coordinator" quoted anywhere but as a key (``"owner": email`` may be
  a field): they mean nothing but a role.

The phone's scripts (``shopper/static/js``), for statuses only: compared with a
``status`` variable, listed two at a time, given as ``status: "…"`` or
``case "…"``; they receive the statuses from the page's configuration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from shopper.domain.roles import Role
from shopper.domain.workflow import Status

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "shopper"
TEMPLATES = ROOT / "templates"
STATIC_JS = PACKAGE / "static" / "js"
# Where roles and statuses are defined, and the migrations that wrote them into tables.
EXEMPT = ("shopper/domain/", "shopper/models/", "shopper/migrations/")

Q = "[\"']"
STATUS = "|".join(status.value for status in Status)
ROLE = "|".join(role.value for role in Role)
ONLY_A_ROLE = "|".join(role.value for role in Role if role != Role.SHOPPER)


def _word(words: str) -> str:
    return f"{Q}(?:{words}){Q}"


COMMON = [
    # Statuses compared, tested for membership, listed, set, or used as label keys.
    rf"(?:==|!=)\s*{_word(STATUS)}",
    rf"{_word(STATUS)}\s*(?:==|!=)",
    rf"\bin_?\s*\(?\s*[\(\[\{{][^\)\]\}}]*{_word(STATUS)}",
    rf"{_word(STATUS)}\s*,\s*{_word(STATUS)}",
    rf"\b(?:status|action)\w*\s*=\s*{_word(STATUS)}",
    rf"{Q}(?:status|action){Q}\s*:\s*{_word(STATUS)}",
    rf"{_word(STATUS)}\s*:\s*(?:_\(|{Q})",
    rf"\brecord\([^\n]*{_word(STATUS)}",
    # Roles compared, set, tested for membership or listed.
    rf"\brole\w*{Q}?\]?\s*(?:==|!=|=|:)\s*{_word(ROLE)}",
    rf"{_word(ROLE)}\s*(?:==|!=)\s*\S*role",
    rf"\brole\w*\s+(?:not\s+)?in\s*[\(\[\{{][^\)\]\}}]*{_word(ROLE)}",
    rf"{_word(ROLE)}\s*,\s*{_word(ROLE)}",
    rf"{_word(ROLE)}\s*:[^,]*,\s*{_word(ROLE)}\s*:",  # a mapping keyed by roles
    # (A field of the same name, `"owner": email`, is a key: left alone.)
    rf"{_word(ONLY_A_ROLE)}(?!\s*:)",
]
TEMPLATE_ONLY = [rf"{_word(ROLE)}\s*:\s*_\("]
SCRIPT = [
    rf"status\w*\s*[!=]==?\s*{_word(STATUS)}",
    rf"{_word(STATUS)}\s*[!=]==?\s*\w*status",
    rf"{_word(STATUS)}\s*,\s*{_word(STATUS)}",
    rf"status\w*{Q}?\s*:\s*{_word(STATUS)}",
    rf"\bcase\s+{_word(STATUS)}",
]


def _compiled(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


PYTHON_LITERAL = _compiled(COMMON)
TEMPLATE_LITERAL = _compiled(COMMON + TEMPLATE_ONLY)
SCRIPT_LITERAL = _compiled(SCRIPT)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _sources() -> Iterable[tuple[Path, re.Pattern[str]]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if not _relative(path).startswith(EXEMPT):
            yield path, PYTHON_LITERAL
    for path in sorted(TEMPLATES.rglob("*.html")):
        yield path, TEMPLATE_LITERAL
    for path in sorted(STATIC_JS.rglob("*.js")):
        yield path, SCRIPT_LITERAL


def findings(path: Path, pattern: re.Pattern[str]) -> list[str]:
    """``file:line: text`` for every line of ``path`` that spells out a role or status."""
    return [
        f"{_relative(path)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]


def test_no_role_or_status_literal_outside_the_domain() -> None:
    found = [finding for path, pattern in _sources() for finding in findings(path, pattern)]
    assert not found, "Use Role, Status, AuditAction or the policy instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ('if user.role == "coordinator":', True),
        ('{% if current_user.role == "coordinator" %}', True),
        ("User(role='shopper')", True),
        ('{"role": "shopper", "email": email}', True),
        ('.where(Assignment.status.in_(["assigned", "draft"]))', True),
        ('{% if a.status in ("assigned", "draft") %}', True),
        ('Assignment.status != "cancelled"', True),
        ("WHERE a.status = 'approved'", True),
        ('audit.record(visit.assignment, actor, "approved", note)', True),
        ('done = ("submitted", "approved")', True),
        ('"approved": _("approved the report"),', True),
        ('started = {"shopper": 0, "coordinator": 0, "owner": 0}', True),
        ('Work.next_person("owner")', True),
        ('{"name": token.name, "owner": token.user.email}', False),
        ('.where(AuditEvent.action == "submitted")', True),
        # The same words, not as a role or status.
        ('emails = {email.lower() for email in texts("shopper")}', False),
        ('problem("shopper", N_("%(email)s is not a shopper."))', False),
        ('"shopper": assignment.shopper.email,', False),
        ('draft = request.args.get("draft", "false")', False),
        ('state = "published" if version.published else "draft"', False),
        ('return jsonify({"approved": count})', False),
        ("from shopper.models import Role", False),
    ],
)
def test_what_counts_as_a_literal(line: str, flagged: bool) -> None:
    assert bool(TEMPLATE_LITERAL.search(line)) is flagged


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ('var EDITABLE = ["assigned", "draft", "returned"];', True),
        ('if (status_ !== "submitted" && status_ !== "approved") return;', True),
        ('emit({ kind: "draft", state: "saving" });', False),
        ('if (d.kind === "draft" && d.state === "saved") note(d.assignment, "");', False),
        ("if (config.statuses.editable.indexOf(status) < 0) return;", False),
    ],
)
def test_what_counts_as_a_literal_in_scripts(line: str, flagged: bool) -> None:
    assert bool(SCRIPT_LITERAL.search(line)) is flagged
