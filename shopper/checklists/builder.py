"""What the checklist builder's script is told, embedded as JSON in the builder page."""

from __future__ import annotations

import dataclasses

from flask import url_for

from shopper.config import LANGUAGES
from shopper.domain import checklist_format as fmt


def builder_config(code: str, number: int) -> dict[str, object]:
    """What builder.js is told: where to save, and the format's choices, limits, keys and
    defaults, all from domain/checklist_format.py (the script holds no copy of them)."""
    return {
        "code": code,
        "draft_number": number,
        "save_url": url_for("api.save_draft", code=code, version=number),
        "preview_url": url_for("checklists.draft_preview", code=code),
        "sign_in_url": url_for("auth.sign_in"),
        "languages": list(LANGUAGES.items()),
        "question_types": fmt.QUESTION_TYPES,
        # Where a translation keeps each text (formats.md, "Translations of a checklist").
        "translation_keys": {
            "checklist": fmt.TRANSLATION_KEYS,
            "section": fmt.SECTION_TRANSLATION_KEYS,
            "question": fmt.QUESTION_TRANSLATION_KEYS,
        },
        "photo_modes": fmt.PHOTO_MODES,
        "good_answers": fmt.GOOD_ANSWERS,
        "limits": {
            "code": fmt.MAX_CODE,
            "title": fmt.MAX_TITLE,
            "text": fmt.MAX_TEXT,
            "guidance": fmt.MAX_GUIDANCE,
            "standard": fmt.MAX_STANDARD,
            "description": fmt.MAX_DESCRIPTION,
            "label": fmt.MAX_LABEL,
            "unit": fmt.MAX_UNIT,
            "points": fmt.MAX_POINTS,
            "min_options": fmt.MIN_OPTIONS,
        },
        "keys": {
            "checklist": fmt.CHECKLIST_KEYS,
            "section": fmt.SECTION_KEYS,
            "question": fmt.COMMON_QUESTION_KEYS,
            "types": fmt.TYPE_KEYS,
            "option": fmt.OPTION_KEYS,
        },
        "defaults": {
            "checklist": _defaults(fmt.Checklist),
            "question": _defaults(fmt.Question),
        },
    }


def _defaults(cls: type) -> dict[str, object]:
    """The format's default for each optional yes/no or text key of ``cls``."""
    return {
        field.name: field.default
        for field in dataclasses.fields(cls)
        if isinstance(field.default, bool | str)
    }
