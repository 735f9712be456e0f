"""Checklist fixtures and an independent statement of the format's defaults."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CHECKLIST_FILES = sorted(FIXTURES.glob("*.json"))

# Written out from formats.md, apart from the parser, so the tests check it.
COMMON_QUESTION_DEFAULTS = {
    "guidance": "",
    "standard": "",
    "required": True,
    "allow_na": False,
    "critical": False,
    "photo": "none",
}


def load(path: Path) -> dict[str, Any]:
    """A fixture file as a dict."""
    return json.loads(path.read_text(encoding="utf-8"))


def with_defaults(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every default of formats.md filled in."""
    filled = copy.deepcopy(document)
    filled.setdefault("language", "en")
    filled.setdefault("description", "")
    filled.setdefault("critical_zeroes_score", True)
    filled.setdefault("translations", {})
    for section in filled["sections"]:
        for question in section["questions"]:
            for key, value in COMMON_QUESTION_DEFAULTS.items():
                question.setdefault(key, value)
            if question["type"] == "yes_no":
                question.setdefault("good_answer", "yes")
            if question["type"] == "number":
                question.setdefault("unit", "")
    return filled
