"""Templates take the answer limits from the domain (the ``limits`` global), never a copy."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# A number written where a limit sits: an input's maxlength, or a scale's span.
COPY = re.compile(r'maxlength="\d+"|q\.max - q\.min [<>]=? ?\d+')


def test_no_template_writes_a_limit_by_hand() -> None:
    copies = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if COPY.search(line)
    ]
    assert not copies, "use the limits global instead:\n" + "\n".join(copies)


def test_the_pattern_finds_the_old_copies() -> None:
    assert COPY.search('<textarea rows="2" maxlength="2000"></textarea>')
    assert COPY.search('{% if q.type == "scale" and q.max - q.min > 20 %}')
    assert COPY.search("{% if q.max - q.min <= 20 %}")
    assert not COPY.search('<textarea maxlength="{{ limits.comment }}"></textarea>')
