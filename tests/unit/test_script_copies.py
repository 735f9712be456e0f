"""The scripts in shopper/static/js hold no copy of a status, a limit or a format rule.

They get them from the configuration their page embeds (shopper/field/client.py for the
phone pages, shopper/checklists/builder.py for the builder), built from the domain;
tests/functional/test_script_config.py pins that configuration to the domain's values.

A copy is found by patterns derived from the domain's values:

- a status of the workflow, a role, or the N/A answer, as a quoted string, or a status
  as a ``status-<name>`` class name (capabilities and statuses come from the page);
- a number equal to one of the domain's limits (the ``MAX_*``/``MIN_*`` constants below)
  where a limit would be: a ``max``/``min``/``maxLength`` setting, a comparison, or a
  property or constant named after a limited thing (``code: 64``, ``MAX_PHOTOS = 10``).
  0 and 1 are left out: every offset and step would match. An HTTP status
  (``response.status >= 500``) is not a limit;
- the visit date's grace (``setDate(... + 1)``);
- a phone script reading a question's ``required`` flag to decide what a report needs
  (the page says it in ``config.needs``);
- a list of two or more format keys (``["code", "title", "questions"]``).

A pattern that stops fitting a legitimate line is fixed here, with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shopper.domain import answers, checklist_format
from shopper.domain.roles import Role
from shopper.domain.workflow import Status
from shopper.services import photos, visits

SCRIPTS = Path(__file__).resolve().parents[2] / "shopper" / "static" / "js"

# Every named limit the server checks a checklist, a visit or a photo against.
LIMIT_MODULES = (checklist_format, answers, visits, photos)
LIMITS = {
    f"{module.__name__}.{name}": value
    for module in LIMIT_MODULES
    for name, value in vars(module).items()
    if re.fullmatch(r"(MAX|MIN)_[A-Z_]+", name) and isinstance(value, int) and value > 1
}
NUMBERS = set(LIMITS.values())
WORDS = {status.value for status in Status} | {role.value for role in Role} | {answers.NA}
FORMAT_KEYS = set(
    checklist_format.CHECKLIST_KEYS
    + checklist_format.SECTION_KEYS
    + checklist_format.QUESTION_KEYS
    + checklist_format.OPTION_KEYS
)
# What a limit limits, as a script would name it (Intl's maximumFractionDigits is not one).
LIMITED = (
    r"(?:max|min)(?!imum)\w*|\w*limit\w*|\w*length|code|title|text|guidance|standard|description"
    r"|label|unit|points|sections|questions|options|photos|comment|minutes|days"
)

_QUOTED = re.compile(r"""(["'`])(""" + "|".join(map(re.escape, sorted(WORDS))) + r")\1")
_STATUS_CLASS = re.compile(r"status-(" + "|".join(sorted(s.value for s in Status)) + r")\b")
_NUMBER = r"(\d+(?:\.\d+)?)\b"
_SETTING = re.compile(r"\b(?:max|min)(?:length)?\b\s*[=:]\s*[\"']?" + _NUMBER, re.I)
_COMPARISON = re.compile(r"([\w.\])]+)\s*(?:[<>]=?|[!=]==?)\s*" + _NUMBER)
_NAMED = re.compile(rf"\b({LIMITED})\s*[:=]\s*{_NUMBER}", re.I)
_DATE_GRACE = re.compile(r"setDate\(.*[+-]\s*\d")
# Which questions need an answer is config.needs; builder.js edits the flag, so may read it.
_REQUIRED = re.compile(r"(?<![\w.])(?:q|question)\.required\b(?!\s*\?\?)")
_LIST = re.compile(r"\[([^\[\]]*)\]")
_STRING = re.compile(r"""(["'])([^"']*)\1""")


def copies(source: str) -> list[str]:
    """What in a script's source copies a domain status, limit or rule ("<line>: <what>")."""
    # Comments may name them: blanked, keeping the line numbers.
    code = "\n".join(
        "" if line.lstrip().startswith(("//", "*", "/*")) else line for line in source.splitlines()
    )
    found = [(m, f"status {m.group(2)!r}") for m in _QUOTED.finditer(code)]
    found += [(m, f"status class {m.group(0)!r}") for m in _STATUS_CLASS.finditer(code)]
    for pattern in (_SETTING, _NAMED):
        found += [
            (m, f"limit {m.group(0)!r}")
            for m in pattern.finditer(code)
            if float(m.group(m.lastindex)) in NUMBERS
        ]
    found += [
        (m, f"limit {m.group(0)!r}")
        for m in _COMPARISON.finditer(code)
        if float(m.group(2)) in NUMBERS and not m.group(1).endswith("status")
    ]
    found += [(m, f"visit date rule {m.group(0)!r}") for m in _DATE_GRACE.finditer(code)]
    found += [(m, f"required-answer rule {m.group(0)!r}") for m in _REQUIRED.finditer(code)]
    for m in _LIST.finditer(code):
        strings = [s.group(2) for s in _STRING.finditer(m.group(1))]
        if len(strings) >= 2 and set(strings) <= FORMAT_KEYS:
            found.append((m, f"format keys {' '.join(m.group(0).split())!r}"))
    return [f"{code.count(chr(10), 0, m.start()) + 1}: {what}" for m, what in found]


def _scripts() -> list[Path]:
    return sorted(SCRIPTS.rglob("*.js"))


def test_the_scripts_are_found() -> None:
    names = {path.relative_to(SCRIPTS).as_posix() for path in _scripts()}
    assert {"builder.js", "field/report.js", "field/home.js", "field/sw.js"} <= names


def test_the_limits_are_found() -> None:
    assert LIMITS["shopper.domain.checklist_format.MAX_CODE"] == checklist_format.MAX_CODE
    assert LIMITS["shopper.domain.answers.MAX_PHOTOS_PER_QUESTION"] == 10
    assert LIMITS["shopper.services.visits.MAX_COMMENT"] == visits.MAX_COMMENT
    assert "shopper.services.visits.MIN_VISIT_MINUTES" not in LIMITS  # 1: see the docstring


@pytest.mark.parametrize("path", _scripts(), ids=lambda path: path.name)
def test_no_script_copies_a_status_limit_or_rule(path: Path) -> None:
    found = [f"{path.name}:{copy}" for copy in copies(path.read_text("utf-8"))]
    assert not found, "take these from the page's configuration:\n" + "\n".join(found)


# The copies the scripts held before they read the page's configuration: each is caught.
@pytest.mark.parametrize(
    "line",
    [
        'var EDITABLE = ["assigned", "draft", "returned"];',
        'if (status_ !== "submitted" && status_ !== "approved" && status_ !== "cancelled") return;',
        'els.badge.className = "badge status-submitted";',
        'if (checked.value === "na") return "na";',
        'if (config.role === "coordinator") showReview();',
        "  code: 64,",
        "  points: 10000,",
        "while (optionsOf(question).length < 2) newOption(question);",
        "if (photoCount(code) >= 10) {",
        "textarea.maxLength = 4000;",
        '<textarea maxlength="2000">',
        "var MAX_PHOTOS = 10;",
        "tomorrow.setDate(tomorrow.getDate() + 1);",
        'const SECTION_KEYS = ["code", "title", "questions"];',
        'yes_no: ["points", "good_answer", "critical"],',
        'const CHECKLIST_KEYS = [\n  "format", "code", "title", "language",\n];',
        'if ((q.required || q.photo === "required") && !hasPhoto) problems[field] = "x";',
        '} else if (q.required && !answered(value)) problems[field] = text("answer_required");',
    ],
)
def test_each_kind_of_copy_is_caught(line: str) -> None:
    assert copies(line)


# Lines that only look like copies: an HTTP status, delays, sizes of the script's own.
@pytest.mark.parametrize(
    "line",
    [
        "if (response.status >= 500 || response.status === 408 || response.status === 429) {",
        "var NETWORK_WAIT_MS = 4000;",
        "timer = setTimeout(flush, Math.min(60000, 2000 * Math.pow(2, failures - 1)));",
        "const RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000, 30000];",
        'emit({ kind: "save", state: "saved", assignment: assignment });',
        "if (photoCount(code) >= config.max_photos) {",
        "control.max = String(LIMITS.points);",
        "checkField(path, label, question.required ?? DEFAULTS.question.required),",
        "const numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });",
        'var pad = function (n) { return String(n).padStart(2, "0"); };',
        'if (!["text", "number", "integer"].includes(control.dataset.kind)) return;',
    ],
)
def test_what_is_not_a_copy_passes(line: str) -> None:
    assert copies(line) == []
