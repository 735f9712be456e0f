"""The ``shopper-checklist/1`` format: read and check a document, write it back out.

``parse_checklist`` turns a decoded JSON value into frozen dataclasses or lists
every problem it finds; ``to_document`` writes the same dataclasses back with
every default filled in, so import → export → import changes nothing.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from shopper.domain.i18n import N_

FORMAT = "shopper-checklist/1"
QUESTION_TYPES = ("yes_no", "scale", "choice", "number", "text", "photo")
SCORED_TYPES = ("yes_no", "scale", "choice")
PHOTO_MODES = ("none", "optional", "required")
GOOD_ANSWERS = ("yes", "no")

# Limits keep one checklist printable and one visit page usable on a phone;
# forms can reuse them for maxlength.
MAX_CODE = 64
MAX_TITLE = 200
MAX_TEXT = 1000
MAX_GUIDANCE = 4000
MAX_STANDARD = 500
MAX_DESCRIPTION = 4000
MAX_LABEL = 200
MAX_UNIT = 20
MAX_POINTS = 10000
MAX_SECTIONS = 100
MAX_QUESTIONS = 1000
MIN_OPTIONS = 2
MAX_OPTIONS = 50

_CODE = re.compile(r"[a-z0-9_-]+")
_LANGUAGE = re.compile(r"[A-Za-z0-9-]{2,35}")

CHECKLIST_KEYS = (
    "format",
    "code",
    "title",
    "language",
    "description",
    "critical_zeroes_score",
    "sections",
    "translations",
)
# What a translation may give, per language: every key optional, falling back to the source.
TRANSLATION_KEYS = ("title", "description", "sections", "questions")
SECTION_TRANSLATION_KEYS = ("title",)
QUESTION_TRANSLATION_KEYS = ("text", "guidance", "standard", "unit", "options")
SECTION_KEYS = ("code", "title", "questions")
QUESTION_KEYS = (
    "code",
    "type",
    "text",
    "guidance",
    "standard",
    "points",
    "good_answer",
    "critical",
    "allow_na",
    "required",
    "photo",
    "unit",
    "min",
    "max",
    "options",
)
OPTION_KEYS = ("code", "label", "points")
# The keys a question takes only with some types; every other question key applies
# to all types. (``critical: false`` is accepted on any type: exports write it.)
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "yes_no": ("points", "good_answer", "critical"),
    "scale": ("min", "max", "points"),
    "choice": ("options",),
    "number": ("unit",),
    "text": (),
    "photo": (),
}
# The keys every question takes, whatever its type.
COMMON_QUESTION_KEYS = tuple(
    key for key in QUESTION_KEYS if not any(key in keys for keys in TYPE_KEYS.values())
)


@dataclass(frozen=True)
class Option:
    """One answer a choice question offers, and the points it earns."""

    code: str
    label: str
    points: int | float


@dataclass(frozen=True)
class Question:
    """One question of a checklist, with every default of the format filled in."""

    code: str
    type: str
    text: str
    guidance: str = ""
    standard: str = ""
    points: int | float | None = None
    good_answer: str = "yes"
    critical: bool = False
    allow_na: bool = False
    required: bool = True
    photo: str = "none"
    unit: str = ""
    min: int | None = None
    max: int | None = None
    options: tuple[Option, ...] = ()

    @property
    def scored(self) -> bool:
        """True when the question's answer earns points."""
        return self.type in SCORED_TYPES

    @property
    def max_points(self) -> int | float:
        """The points a perfect answer earns (0 for unscored types)."""
        if self.type in ("yes_no", "scale"):
            return self.points or 0
        if self.type == "choice":
            return max((option.points for option in self.options), default=0)
        return 0

    def option(self, code: str) -> Option | None:
        """The option with ``code``, or None."""
        for option in self.options:
            if option.code == code:
                return option
        return None


@dataclass(frozen=True)
class Section:
    """A titled group of questions; section scores are computed per section."""

    code: str
    title: str
    questions: tuple[Question, ...] = ()

    @property
    def max_points(self) -> int | float:
        """The sum of the questions' maximum points."""
        return sum(question.max_points for question in self.questions)


@dataclass(frozen=True)
class Checklist:
    """One checklist version as the format describes it."""

    code: str
    title: str
    language: str = "en"
    description: str = ""
    critical_zeroes_score: bool = True
    sections: tuple[Section, ...] = ()
    # ``translations`` exactly as the document gave them (checked): language tag →
    # {"title", "description", "sections": {code: {"title"}}, "questions": {code:
    # {"text", "guidance", "standard", "unit", "options": {code: label}}}}.
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def questions(self) -> Iterator[tuple[Section, Question]]:
        """Yield (section, question) pairs in checklist order."""
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def question(self, code: str) -> Question:
        """The question with ``code``; KeyError when there is none."""
        for _, question in self.questions():
            if question.code == code:
                return question
        raise KeyError(code)

    @property
    def max_points(self) -> int | float:
        """The points a perfect visit earns when nothing is N/A."""
        return sum(section.max_points for section in self.sections)


@dataclass(frozen=True)
class Problem:
    """One thing wrong, at a path such as ``sections[0].questions[2].points``.

    ``message`` is an untranslated msgid with ``%(name)s`` placeholders so the
    web layer can translate it before filling in ``params``.
    """

    path: str
    message: str
    params: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        text = self.message % self.params
        # The document itself has no path; a leading ": " would read as a typo.
        return f"{self.path}: {text}" if self.path else text


class ChecklistFormatError(ValueError):
    """A document that is not a valid ``shopper-checklist/1``; lists every problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def parse_checklist(document: object) -> Checklist:
    """Check a decoded JSON document and return its Checklist, or raise ChecklistFormatError."""
    reader = _Reader()
    checklist = reader.checklist(document)
    if reader.problems:
        raise ChecklistFormatError(reader.problems)
    return checklist


def to_document(checklist: Checklist) -> dict[str, object]:
    """The export: the JSON document of ``checklist`` with every default written out."""
    return {
        "format": FORMAT,
        "code": checklist.code,
        "title": checklist.title,
        "language": checklist.language,
        "description": checklist.description,
        "critical_zeroes_score": checklist.critical_zeroes_score,
        "sections": [
            {
                "code": section.code,
                "title": section.title,
                "questions": [_question_document(question) for question in section.questions],
            }
            for section in checklist.sections
        ],
        "translations": {
            language: copy.deepcopy(dict(texts))
            for language, texts in checklist.translations.items()
        },
    }


def languages(checklist: Checklist) -> tuple[str, ...]:
    """The languages ``checklist`` can be read in: its source language first."""
    return (checklist.language, *sorted(checklist.translations))


def localized(checklist: Checklist, language: str | None) -> Checklist:
    """``checklist`` with its texts in ``language`` where a translation gives them,
    the source texts elsewhere; the checklist itself when there is no such translation.

    Only texts change: codes, points and rules are the source's, so scores never
    depend on the language. The result's ``language`` is the one asked for.
    """
    if not language or language == checklist.language:
        return checklist
    texts = checklist.translations.get(language)
    if texts is None:
        return checklist
    sections = texts.get("sections", {})
    questions = texts.get("questions", {})

    def question(source: Question) -> Question:
        given = questions.get(source.code, {})
        labels = given.get("options", {})
        return replace(
            source,
            text=given.get("text", source.text),
            guidance=given.get("guidance", source.guidance),
            standard=given.get("standard", source.standard),
            unit=given.get("unit", source.unit),
            options=tuple(
                replace(option, label=labels.get(option.code, option.label))
                for option in source.options
            ),
        )

    return replace(
        checklist,
        title=texts.get("title", checklist.title),
        description=texts.get("description", checklist.description),
        language=language,
        sections=tuple(
            replace(
                section,
                title=sections.get(section.code, {}).get("title", section.title),
                questions=tuple(question(q) for q in section.questions),
            )
            for section in checklist.sections
        ),
    )


def _source_texts(checklist: Checklist) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every non-empty source text with its place in a translation, e.g.
    (("questions", "greeted", "text"), "Were you greeted…")."""
    yield ("title",), checklist.title
    yield ("description",), checklist.description
    for section in checklist.sections:
        yield ("sections", section.code, "title"), section.title
        for question in section.questions:
            place = ("questions", question.code)
            yield (*place, "text"), question.text
            yield (*place, "guidance"), question.guidance
            yield (*place, "standard"), question.standard
            yield (*place, "unit"), question.unit
            for option in question.options:
                yield (*place, "options", option.code), option.label


def missing_texts(checklist: Checklist, language: str) -> int:
    """How many of the source's texts the ``language`` translation does not give yet."""
    texts: Any = checklist.translations.get(language, {})
    missing = 0
    for place, source in _source_texts(checklist):
        if not source:
            continue
        value: Any = texts
        for key in place:
            value = value.get(key) if isinstance(value, Mapping) else None
        missing += value is None
    return missing


def _question_document(question: Question) -> dict[str, object]:
    document: dict[str, object] = {
        "code": question.code,
        "type": question.type,
        "text": question.text,
        "guidance": question.guidance,
        "standard": question.standard,
    }
    if question.type == "scale":
        document["min"] = question.min
        document["max"] = question.max
    if question.type in ("yes_no", "scale"):
        document["points"] = question.points
    if question.type == "yes_no":
        document["good_answer"] = question.good_answer
    if question.type == "choice":
        document["options"] = [
            {"code": option.code, "label": option.label, "points": option.points}
            for option in question.options
        ]
    if question.type == "number":
        document["unit"] = question.unit
    document["required"] = question.required
    document["allow_na"] = question.allow_na
    document["critical"] = question.critical
    document["photo"] = question.photo
    return document


def _key(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _index(path: str, index: int) -> str:
    return f"{path}[{index}]"


class _Reader:
    """Walks a document once, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str, **params: object) -> None:
        self.problems.append(Problem(path, message, params))

    # Each reader returns a usable placeholder when the value is wrong, so the
    # walk goes on and reports the rest; the result is dropped if anything failed.

    def checklist(self, document: object) -> Checklist:
        top = self.object(document, "", CHECKLIST_KEYS, N_("a checklist must be a JSON object"))
        if top is None:
            return Checklist(code="", title="")
        if "format" not in top:
            self.add("format", N_("required"))
        elif top["format"] != FORMAT:
            self.add("format", N_("must be %(expected)s"), expected=FORMAT)
        code = self.code(top, "", "code")
        title = self.string(top, "", "title", limit=MAX_TITLE, non_empty=True)
        language = self.language(top)
        description = self.string(top, "", "description", default="", limit=MAX_DESCRIPTION)
        critical_zeroes_score = self.boolean(top, "", "critical_zeroes_score", default=True)
        sections = self.sections(top)
        checklist = Checklist(
            code=code,
            title=title,
            language=language,
            description=description,
            critical_zeroes_score=critical_zeroes_score,
            sections=sections,
        )
        return replace(checklist, translations=self.translations(top, checklist))

    def translations(
        self, top: Mapping[str, object], checklist: Checklist
    ) -> dict[str, Mapping[str, Any]]:
        """The ``translations`` object, checked against the document's own codes."""
        if "translations" not in top:
            return {}
        value = top["translations"]
        if not isinstance(value, Mapping):
            self.add("translations", N_("must be an object keyed by language"))
            return {}
        result: dict[str, Mapping[str, Any]] = {}
        for language, texts in value.items():
            path = _key("translations", language)
            if not _LANGUAGE.fullmatch(language):
                self.add(
                    path,
                    N_("%(language)s is not a language tag like th or pt-BR"),
                    language=language,
                )
                continue
            if language == checklist.language:
                self.add(path, N_("the checklist's own language needs no translation"))
                continue
            if self.translation(texts, path, checklist):
                result[language] = texts  # type: ignore[assignment]
        return result

    def translation(self, texts: object, path: str, checklist: Checklist) -> bool:
        """Check one language's texts; True when they are an object (problems aside)."""
        obj = self.object(texts, path, TRANSLATION_KEYS, N_("must be an object"))
        if obj is None:
            return False
        self.string(obj, path, "title", default="", limit=MAX_TITLE, non_empty="title" in obj)
        self.string(obj, path, "description", default="", limit=MAX_DESCRIPTION)
        sections = {section.code: section for section in checklist.sections}
        for _code, given, where in self.keyed(
            obj, path, "sections", sections, N_("no section has the code %(code)s")
        ):
            entry = self.object(given, where, SECTION_TRANSLATION_KEYS, N_("must be an object"))
            if entry is not None and "title" in entry:
                self.string(entry, where, "title", limit=MAX_TITLE, non_empty=True)
        questions = {question.code: question for _, question in checklist.questions()}
        for code, given, where in self.keyed(
            obj, path, "questions", questions, N_("no question has the code %(code)s")
        ):
            entry = self.object(given, where, QUESTION_TRANSLATION_KEYS, N_("must be an object"))
            if entry is None:
                continue
            if "text" in entry:
                self.string(entry, where, "text", limit=MAX_TEXT, non_empty=True)
            self.string(entry, where, "guidance", default="", limit=MAX_GUIDANCE)
            self.string(entry, where, "standard", default="", limit=MAX_STANDARD)
            self.string(entry, where, "unit", default="", limit=MAX_UNIT)
            options = {option.code: option for option in questions[code].options}
            options_path = _key(where, "options")
            for option_code, label, _ in self.keyed(
                entry,
                where,
                "options",
                options,
                N_("no option of this question has the code %(code)s"),
            ):
                self.string(
                    {option_code: label}, options_path, option_code, limit=MAX_LABEL, non_empty=True
                )
        return True

    def keyed(
        self,
        obj: Mapping[str, object],
        path: str,
        key: str,
        known: Mapping[str, object],
        unknown: str,
    ) -> Iterator[tuple[str, object, str]]:
        """(code, value, path) of an optional object keyed by codes that must be ``known``."""
        if key not in obj:
            return
        value = obj[key]
        where = _key(path, key)
        if not isinstance(value, Mapping):
            self.add(where, N_("must be an object keyed by code"))
            return
        for code, given in value.items():
            if code not in known:
                self.add(_key(where, code), unknown, code=code)
            else:
                yield code, given, _key(where, code)

    def sections(self, top: Mapping[str, object]) -> tuple[Section, ...]:
        items = self.array(top, "", "sections")
        if items is None:
            return ()
        if not items:
            self.add("sections", N_("a checklist needs at least one section"))
        if len(items) > MAX_SECTIONS:
            self.add("sections", N_("at most %(limit)s sections"), limit=MAX_SECTIONS)
        sections = tuple(self.section(item, _index("sections", i)) for i, item in enumerate(items))
        self.unique(
            ((_index("sections", i), s) for i, s in enumerate(sections)),
            N_("section code %(code)s is already used by %(other)s"),
        )
        # Codes are matched across versions and in answers, so they must be
        # unique in the whole checklist, not only in their section.
        count = self.unique(
            (
                (f"sections[{i}].questions[{j}]", question)
                for i, section in enumerate(sections)
                for j, question in enumerate(section.questions)
            ),
            N_("question code %(code)s is already used by %(other)s"),
        )
        if count > MAX_QUESTIONS:
            self.add(
                "sections", N_("at most %(limit)s questions in a checklist"), limit=MAX_QUESTIONS
            )
        return sections

    def section(self, value: object, path: str) -> Section:
        obj = self.object(value, path, SECTION_KEYS, N_("a section must be an object"))
        if obj is None:
            return Section(code="", title="")
        code = self.code(obj, path, "code")
        title = self.string(obj, path, "title", limit=MAX_TITLE, non_empty=True)
        items = self.array(obj, path, "questions")
        questions: tuple[Question, ...] = ()
        if items is not None:
            if not items:
                self.add(_key(path, "questions"), N_("a section needs at least one question"))
            questions = tuple(
                self.question(item, _index(_key(path, "questions"), i))
                for i, item in enumerate(items)
            )
        return Section(code=code, title=title, questions=questions)

    def question(self, value: object, path: str) -> Question:
        obj = self.object(value, path, QUESTION_KEYS, N_("a question must be an object"))
        if obj is None:
            return Question(code="", type="text", text="")
        code = self.code(obj, path, "code")
        kind = self.one_of(obj, path, "type", QUESTION_TYPES)
        text = self.string(obj, path, "text", limit=MAX_TEXT, non_empty=True)
        guidance = self.string(obj, path, "guidance", default="", limit=MAX_GUIDANCE)
        standard = self.string(obj, path, "standard", default="", limit=MAX_STANDARD)
        critical = self.boolean(obj, path, "critical", default=False)
        allow_na = self.boolean(obj, path, "allow_na", default=False)
        required = self.boolean(obj, path, "required", default=True)
        photo = self.one_of(obj, path, "photo", PHOTO_MODES, default="none")

        # With an unknown type the type rules cannot apply; the values present
        # are still checked so one upload shows as many problems as possible.
        def takes(key: str) -> bool | None:
            return None if kind is None else key in TYPE_KEYS[kind]

        points: int | float | None = None
        if takes("points") is False:
            self.forbid(
                obj,
                path,
                "points",
                N_(
                    "only yes_no and scale questions take points; a choice takes its points from its options"
                ),
            )
        elif "points" in obj or kind is not None:
            points = self.points(obj, path, "points", kind=kind)

        good_answer = "yes"
        if takes("good_answer") is False:
            self.forbid(obj, path, "good_answer", N_("only yes_no questions take good_answer"))
        else:
            good_answer = (
                self.one_of(obj, path, "good_answer", GOOD_ANSWERS, default="yes") or "yes"
            )

        if critical is True and takes("critical") is False:
            self.add(_key(path, "critical"), N_("critical is allowed on yes_no questions only"))

        low: int | None = None
        high: int | None = None
        if takes("min") is False:
            for key in ("min", "max"):
                self.forbid(obj, path, key, N_("only scale questions take min and max"))
        else:
            low = self.integer(obj, path, "min", kind=kind)
            high = self.integer(obj, path, "max", kind=kind)
            if low is not None and high is not None and low >= high:
                self.add(
                    _key(path, "max"),
                    N_("must be greater than the lowest value (%(min)s)"),
                    min=low,
                )

        options: tuple[Option, ...] = ()
        if takes("options") is False:
            self.forbid(obj, path, "options", N_("only choice questions take options"))
        elif "options" in obj or kind is not None:
            options = self.options(obj, path)

        unit = ""
        if takes("unit") is False:
            self.forbid(obj, path, "unit", N_("only number questions take a unit"))
        else:
            unit = self.string(obj, path, "unit", default="", limit=MAX_UNIT)

        if kind == "photo" and photo == "none":
            self.add(
                _key(path, "photo"),
                N_('a photo question needs photo "optional" or "required"'),
            )

        return Question(
            code=code,
            type=kind or "text",
            text=text,
            guidance=guidance,
            standard=standard,
            points=points,
            good_answer=good_answer,
            critical=critical,
            allow_na=allow_na,
            required=required,
            photo=photo or "none",
            unit=unit,
            min=low,
            max=high,
            options=options,
        )

    def options(self, obj: Mapping[str, object], path: str) -> tuple[Option, ...]:
        items = self.array(obj, path, "options", kind="choice")
        if items is None:
            return ()
        options_path = _key(path, "options")
        if len(items) < MIN_OPTIONS:
            self.add(
                options_path,
                N_("a choice question needs at least %(limit)s options"),
                limit=MIN_OPTIONS,
            )
        if len(items) > MAX_OPTIONS:
            self.add(options_path, N_("at most %(limit)s options"), limit=MAX_OPTIONS)
        options = tuple(self.option(item, _index(options_path, i)) for i, item in enumerate(items))
        self.unique(
            ((_index(options_path, i), o) for i, o in enumerate(options)),
            N_("option code %(code)s is already used by %(other)s"),
        )
        return options

    def option(self, value: object, path: str) -> Option:
        obj = self.object(value, path, OPTION_KEYS, N_("an option must be an object"))
        if obj is None:
            return Option(code="", label="", points=0)
        code = self.code(obj, path, "code")
        label = self.string(obj, path, "label", limit=MAX_LABEL, non_empty=True)
        points = self.points(obj, path, "points")
        return Option(code=code, label=label, points=points)

    def unique(self, items: Iterable[tuple[str, Option | Question | Section]], message: str) -> int:
        """Report repeated codes; answer how many items there were."""
        seen: dict[str, str] = {}
        count = 0
        for path, item in items:
            count += 1
            if not item.code:
                continue  # already reported as missing or invalid
            code_path = _key(path, "code")
            if item.code in seen:
                self.add(code_path, message, code=item.code, other=seen[item.code])
            else:
                seen[item.code] = code_path
        return count

    # Readers of single values.

    def object(
        self, value: object, path: str, keys: tuple[str, ...], message: str
    ) -> Mapping[str, object] | None:
        if not isinstance(value, Mapping):
            self.add(path, message)
            return None
        for key in value:
            if key not in keys:
                self.add(_key(path, key), N_("unknown key"))
        return value

    def array(
        self, obj: Mapping[str, object], path: str, key: str, kind: str | None = None
    ) -> list[object] | None:
        if key not in obj:
            self.missing(path, key, kind)
            return None
        value = obj[key]
        if not isinstance(value, list):
            self.add(_key(path, key), N_("must be a list"))
            return None
        return value

    def missing(self, path: str, key: str, kind: str | None) -> None:
        if kind is None:
            self.add(_key(path, key), N_("required"))
        else:
            self.add(_key(path, key), N_("required for %(type)s questions"), type=kind)

    def forbid(self, obj: Mapping[str, object], path: str, key: str, message: str) -> None:
        if key in obj:
            self.add(_key(path, key), message)

    def string(
        self,
        obj: Mapping[str, object],
        path: str,
        key: str,
        *,
        limit: int,
        default: str | None = None,
        non_empty: bool = False,
    ) -> str:
        if key not in obj:
            if default is None:
                self.missing(path, key, None)
                return ""
            return default
        value = obj[key]
        where = _key(path, key)
        if not isinstance(value, str):
            self.add(where, N_("must be a string"))
            return default or ""
        if not is_storable_text(value):
            self.add(where, N_("must not contain NUL characters or unpaired surrogates"))
        if len(value) > limit:
            self.add(where, N_("must be at most %(limit)s characters"), limit=limit)
        if non_empty and not value.strip():
            self.add(where, N_("must not be empty"))
        # Stored exactly as given: no strip, no Unicode normalisation.
        return value

    def language(self, top: Mapping[str, object]) -> str:
        value = top.get("language", "en")
        if not isinstance(value, str):
            self.add("language", N_("must be a string"))
            return "en"
        if not _LANGUAGE.fullmatch(value):
            self.add(
                "language",
                N_(
                    "must be a language tag of 2 to %(limit)s letters, digits and hyphens, like en or pt-BR"
                ),
                limit=35,
            )
        return value

    def code(self, obj: Mapping[str, object], path: str, key: str) -> str:
        if key not in obj:
            self.missing(path, key, None)
            return ""
        value = obj[key]
        where = _key(path, key)
        if not isinstance(value, str):
            self.add(where, N_("must be a string"))
            return ""
        if not value:
            self.add(where, N_("must not be empty"))
            return ""
        if len(value) > MAX_CODE:
            self.add(where, N_("must be at most %(limit)s characters"), limit=MAX_CODE)
            return ""
        if not _CODE.fullmatch(value):
            self.add(where, N_("may contain only lowercase a-z, digits 0-9, - and _"))
            return ""
        return value

    def boolean(self, obj: Mapping[str, object], path: str, key: str, *, default: bool) -> bool:
        value = obj.get(key, default)
        # 0 and 1 are refused: a typo'd number must not silently become a flag.
        if not isinstance(value, bool):
            self.add(_key(path, key), N_("must be true or false"))
            return default
        return value

    def one_of(
        self,
        obj: Mapping[str, object],
        path: str,
        key: str,
        choices: tuple[str, ...],
        default: str | None = None,
    ) -> str | None:
        if key not in obj:
            if default is None:
                self.missing(path, key, None)
            return default
        value = obj[key]
        if not isinstance(value, str) or value not in choices:
            self.add(_key(path, key), N_("must be one of %(choices)s"), choices=", ".join(choices))
            return None
        return value

    def points(
        self, obj: Mapping[str, object], path: str, key: str, kind: str | None = None
    ) -> int | float:
        if key not in obj:
            self.missing(path, key, kind)
            return 0
        value = obj[key]
        where = _key(path, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(where, N_("must be a number"))
            return 0
        if not math.isfinite(value):
            self.add(where, N_("must be a finite number"))
            return 0
        if value < 0:
            self.add(where, N_("must not be negative"))
            return 0
        if value > MAX_POINTS:
            self.add(where, N_("must be at most %(limit)s"), limit=MAX_POINTS)
            return 0
        return value

    def integer(
        self, obj: Mapping[str, object], path: str, key: str, kind: str | None
    ) -> int | None:
        if key not in obj:
            if kind is not None:
                self.missing(path, key, kind)
            return None
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(_key(path, key), N_("must be a whole number"))
            return None
        return value


def is_storable_text(text: str) -> bool:
    """False for text a database or a UTF-8 file cannot hold (NUL, lone surrogates)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
