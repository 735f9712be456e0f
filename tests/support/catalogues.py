"""The interface catalogues: extract the template as ``make messages`` does, check a
catalogue against it, and make a pseudo-locale whose every string is visibly marked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from flask import Flask

REPO = Path(__file__).resolve().parents[2]
CATALOGUES = REPO / "shopper" / "translations"
# The interface languages besides English, each with a catalogue of its own.
TRANSLATED = ("tr", "sv", "th", "ur")
# What a pseudo-locale wraps every translated string in.
OPEN, CLOSE = "\u27e6", "\u27e7"
# %(name)s, %(num)d, %s, {name}: what a translation must carry over as written.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def makefile_keywords() -> list[str]:
    """The extraction keywords ``make messages`` passes (``-k _l -k N_ ...``), read from the Makefile."""
    line = re.search(r"^KEYWORDS\s*:=\s*(.+)$", (REPO / "Makefile").read_text(), re.M)
    assert line, "the Makefile has no KEYWORDS := line for make messages"
    return line.group(1).split()


def extract_template(target: Path, root: Path = REPO) -> Catalog:
    """Extract every marked string of the code into ``target`` (a ``.pot``), as ``make messages``
    (``root``: another tree laid out like the repository, read with its ``babel.cfg``)."""
    CommandLineInterface().run(
        [
            "pybabel",
            "--quiet",
            "extract",
            "-F",
            str(REPO / "babel.cfg"),
            *makefile_keywords(),
            "--no-location",
            "-o",
            str(target),
            str(root),
        ]
    )
    with target.open("rb") as handle:
        return read_po(handle)


def placeholders(text: str) -> Counter[str]:
    """The placeholders of a message, counted."""
    return Counter(PLACEHOLDER.findall(text))


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def catalogue_problems(template: Catalog, po_file: Path, language: str) -> list[str]:
    """Everything wrong with one language's catalogue against the template, one line each."""
    if not po_file.exists():
        return [f"{po_file}: no catalogue for {language}"]
    with po_file.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    problems = []
    expected_forms = get_plural(Locale.parse(language)).num_plurals
    if catalogue.num_plurals != expected_forms:
        problems.append(
            f"Plural-Forms says {catalogue.num_plurals} forms; {language} has {expected_forms}"
        )
    for wanted in template:
        if not wanted.id:
            continue
        key = wanted.id[0] if isinstance(wanted.id, tuple) else wanted.id
        name = repr(key)
        found = catalogue.get(key, wanted.context)
        if found is None:
            problems.append(f"missing: {name}")
            continue
        if isinstance(wanted.id, tuple) != isinstance(found.id, tuple):
            problems.append(f"plural in the code, not in the catalogue (or back): {name}")
            continue
        if found.fuzzy:
            problems.append(f"fuzzy (a guess, not shown): {name}")
        strings = _strings(found)
        if any(not text.strip() for text in strings):
            problems.append(f"not translated: {name}")
            continue
        if isinstance(wanted.id, tuple) and len(strings) != expected_forms:
            problems.append(f"{len(strings)} plural forms, {language} has {expected_forms}: {name}")
        problems.extend(_carried_over(wanted, strings, name))
    for message, errors in catalogue.check():
        problems.extend(f"{error}: {message.id!r}" for error in errors)
    try:
        write_mo(BytesIO(), catalogue, use_fuzzy=False)
    except Exception as error:  # noqa: BLE001 (any failure to compile is the finding)
        problems.append(f"does not compile: {error}")
    return problems


def _carried_over(wanted, strings: tuple[str, ...], name: str) -> list[str]:
    """Placeholders and tags of the source, carried into each translation."""
    ids = _ids(wanted)
    problems = []
    if len(ids) == 1:
        if placeholders(strings[0]) != placeholders(ids[0]):
            problems.append(
                f"placeholders {sorted(placeholders(strings[0]))} ≠ "
                f"{sorted(placeholders(ids[0]))}: {name}"
            )
    else:
        # A plural form may leave the count out ("one store"), never add or lose another name.
        every = set(placeholders(ids[0])) | set(placeholders(ids[1]))
        needed = every - {"%(num)d"}
        for text in strings:
            got = set(placeholders(text))
            if not needed <= got <= every:
                problems.append(f"placeholders {sorted(got)} ≠ {sorted(every)}: {name}")
    tags = Counter(TAG.findall(ids[-1]))
    for text in strings:
        if Counter(TAG.findall(text)) != tags:
            problems.append(f"HTML tags differ from the source: {name}")
    return problems


def pseudo_catalogue(template: Catalog, language: str, tag: str = "") -> Catalog:
    """A catalogue for ``language`` whose every string is its source wrapped in ⟦ ⟧
    (after ``tag``, when given: ``⟦tr:Sign out⟧`` tells which catalogue spoke)."""
    catalogue = Catalog(locale=language, fuzzy=False)
    forms = get_plural(Locale.parse(language)).num_plurals
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            string = tuple(
                f"{OPEN}{tag}{message.id[0 if form == 0 and forms > 1 else 1]}{CLOSE}"
                for form in range(forms)
            )
        else:
            string = f"{OPEN}{tag}{message.id}{CLOSE}"
        catalogue.add(message.id, string, context=message.context)
    return catalogue


def write_pseudo_translations(
    template: Catalog, folder: Path, language: str, tag: str = ""
) -> Path:
    """Compile a pseudo catalogue for ``language`` into ``folder/<language>/LC_MESSAGES``."""
    target = folder / language / "LC_MESSAGES" / "messages.mo"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        write_mo(handle, pseudo_catalogue(template, language, tag))
    return folder


@contextmanager
def app_reading(database_url: str, instance: Path, translations: Path) -> Iterator[Flask]:
    """A test app (as the ``app`` fixture makes) reading its catalogues from ``translations``."""
    from shopper import create_app
    from shopper.extensions import db
    from tests.conftest import empty_all_tables, settings

    app = create_app(
        settings(database_url, instance, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    )
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            empty_all_tables()
            db.engine.dispose()


def unmarked(text: str) -> str:
    """What is left of ``text`` once every ⟦marked⟧ span (nested ones too) is taken out."""
    pattern = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
    while True:
        shorter = pattern.sub(" ", text)
        if shorter == text:
            return text
        text = shorter
