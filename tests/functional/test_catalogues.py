"""Every interface catalogue holds every string the code marks, translated and usable.

The template is extracted fresh from the code, as ``make messages`` does; a
catalogue that lacks a string, keeps a fuzzy guess, drops or invents a
placeholder, or has the wrong number of plural forms fails, naming the strings.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from babel.support import Translations
from markupsafe import escape

from shopper.catalogues import compile_all, compiled_directory
from tests.support.catalogues import (
    CATALOGUES,
    TRANSLATED,
    catalogue_problems,
    extract_template,
    pseudo_catalogue,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return extract_template(tmp_path_factory.mktemp("pot") / "messages.pot")


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_translates_every_marked_string(template: Catalog, language: str) -> None:
    po_file = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
    problems = catalogue_problems(template, po_file, language)
    assert not problems, f"{len(problems)} problems in {language}:\n" + "\n".join(problems)


def test_extraction_finds_every_way_the_code_marks_a_string(template: Catalog) -> None:
    ids = {message.id if isinstance(message.id, str) else message.id[0] for message in template}
    # One string of each marking style the code and templates use.
    expected = {
        "Send the report",  # {{ _() }} in a template
        "Waiting to send",  # the phone scripts' strings (templates/field/_strings.html)
        "%(num)d store",  # {{ ngettext() }} in a template
        "Email",  # lazy_gettext as _l in a form
    }
    assert expected <= ids, sorted(expected - ids)
    plural = {message.id for message in template if isinstance(message.id, tuple)}
    assert any("%(num)d" in single for single, _ in plural)


def write_catalogue(folder: Path, catalogue: Catalog) -> Path:
    po_file = folder / str(catalogue.locale) / "LC_MESSAGES" / "messages.po"
    po_file.parent.mkdir(parents=True)
    with po_file.open("wb") as handle:
        write_po(handle, catalogue)
    return po_file


def test_the_check_names_what_a_broken_catalogue_lacks(template: Catalog, tmp_path: Path) -> None:
    catalogue = pseudo_catalogue(template, "tr")
    assert catalogue_problems(template, write_catalogue(tmp_path / "good", catalogue), "tr") == []

    singular = next(m for m in catalogue if m.id and isinstance(m.id, str) and "%(" in m.id)
    plural = next(m for m in catalogue if isinstance(m.id, tuple))
    plain = next(m for m in catalogue if m.id and isinstance(m.id, str) and "%" not in m.id)
    missing = next(m for m in catalogue if m.id and m.id not in (singular.id, plural.id, plain.id))
    catalogue.delete(missing.id)
    singular.string = "no placeholder left"
    plain.flags.add("fuzzy")
    plural.string = (plural.string[0], "")  # Turkish has two forms: one left empty
    problems = catalogue_problems(template, write_catalogue(tmp_path / "bad", catalogue), "tr")
    text = "\n".join(problems)
    assert f"missing: {missing.id!r}" in text
    assert f"fuzzy (a guess, not shown): {plain.id!r}" in text
    assert f": {singular.id!r}" in text and "placeholders" in text
    assert f"not translated: {plural.id[0]!r}" in text

    absent = catalogue_problems(template, tmp_path / "xx" / "LC_MESSAGES" / "messages.po", "ur")
    assert absent and "no catalogue for ur" in absent[0]


def test_catalogues_compile_at_start_when_missing_or_older(
    template: Catalog, tmp_path: Path
) -> None:
    source = tmp_path / "translations"
    po_file = write_catalogue(source, pseudo_catalogue(template, "sv"))
    mo_file = po_file.with_suffix(".mo")
    assert compiled_directory(source, tmp_path / "instance") == source
    assert mo_file.exists()
    assert compile_all(source, source) == []  # up to date: nothing to do
    os.utime(mo_file, (0, 0))
    assert compile_all(source, source) == [mo_file]


def test_a_read_only_package_compiles_into_the_instance_folder(
    template: Catalog, tmp_path: Path
) -> None:
    source = tmp_path / "translations"
    po_file = write_catalogue(source, pseudo_catalogue(template, "th"))
    # Read-only folders for an ordinary user; for root (who writes anywhere) a
    # directory where the .mo would go makes writing beside the .po fail all the same.
    po_file.with_suffix(".mo").mkdir()
    folders = [source, *po_file.parents[:2]]
    for folder in folders:
        folder.chmod(0o555)
    try:
        where = compiled_directory(source, tmp_path / "instance")
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert where == tmp_path / "instance" / "translations"
    assert (where / "th" / "LC_MESSAGES" / "messages.mo").is_file()
    assert not po_file.with_suffix(".mo").is_file()


def test_a_checkout_compiles_its_catalogues_at_start_and_serves_them(app, client) -> None:
    directory = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    assert directory in (CATALOGUES, Path(app.instance_path) / "translations")
    served = {}
    for language in TRANSLATED:
        po_file = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
        mo_file = directory / language / "LC_MESSAGES" / "messages.mo"
        assert po_file.is_file(), f"no catalogue for {language}"
        assert mo_file.is_file() and mo_file.stat().st_mtime >= po_file.stat().st_mtime
        said = Translations.load(str(directory), [language]).gettext("Sign in")
        page = client.get("/sign-in", headers={"Accept-Language": language}).get_data(as_text=True)
        served[language] = said != "Sign in" and escape(said) in page
    assert served == dict.fromkeys(TRANSLATED, True)


# What marks a string for translation, by module: every name imported from these.
MARKERS = {
    "flask_babel": {
        "gettext",
        "ngettext",
        "lazy_gettext",
        "lazy_ngettext",
        "pgettext",
        "npgettext",
    },
    "shopper.domain.i18n": {"N_", "N_plural"},
}


def marked_in_python(path: Path) -> list[tuple[str, str]]:
    """(local name, literal) for each call of a marking function with a literal string."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in MARKERS:
            for alias in node.names:
                if alias.name in MARKERS[node.module]:
                    names[alias.asname or alias.name] = alias.name
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in names
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.func.id, node.args[0].value))
    return found


def test_every_literal_the_python_code_marks_is_extracted(template: Catalog) -> None:
    ids = {message.id if isinstance(message.id, str) else message.id[0] for message in template}
    calls = [
        (path.relative_to(CATALOGUES.parents[1]), name, text)
        for path in sorted((CATALOGUES.parent).rglob("*.py"))
        for name, text in marked_in_python(path)
    ]
    assert len(calls) > 300, len(calls)
    missing = [f"{path}: {name}({text!r})" for path, name, text in calls if text not in ids]
    assert not missing, "marked but not extracted (a keyword missing from the Makefile?):\n" + (
        "\n".join(missing)
    )


def test_trans_blocks_are_extracted_as_the_app_renders_them(app, tmp_path: Path) -> None:
    """The app trims ``{% trans %}`` blocks; extraction must trim them alike, or the ids differ."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "babel.cfg").write_bytes((CATALOGUES.parents[1] / "babel.cfg").read_bytes())
    source = "{% trans name=name %}\n  Hello   {{ name }},\n  welcome\n{% endtrans %}"
    (tmp_path / "templates" / "page.html").write_text(source)
    extracted = extract_template(tmp_path / "messages.pot", root=tmp_path)
    ids = [m.id for m in extracted if m.id]
    with app.test_request_context():
        rendered = app.jinja_env.from_string(source).render(name="Ayşe")
    # Trimmed: the line breaks and the indentation around them go, nothing else.
    assert ids == ["Hello   %(name)s, welcome"]
    assert rendered == "Hello   Ayşe, welcome"
