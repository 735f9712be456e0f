"""Compiling the interface's catalogues (``.po`` → ``.mo``) with Babel, no Flask needed.

``setup.py`` loads this file by path to compile into a wheel's build folder;
the app calls it at start so a checkout (``make run``) never needs a compile step.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "messages"


def catalogue_files(folder: Path) -> list[Path]:
    """The ``<lang>/LC_MESSAGES/messages.po`` files under ``folder``, sorted."""
    return sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compile_catalogue(po_file: Path, mo_file: Path) -> None:
    """Compile one catalogue; the ``.mo`` appears whole or not at all (workers start together).

    Fuzzy entries are left out, as ``msgfmt`` does: a guess is not a translation.
    """
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=po_file.parent.parent.name, domain=DOMAIN)
    mo_file.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=mo_file.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(fd, "wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        os.replace(temporary, mo_file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def is_stale(po_file: Path, mo_file: Path) -> bool:
    """True when ``mo_file`` is missing or older than its ``.po``."""
    if not mo_file.is_file():
        return True
    return mo_file.stat().st_mtime < po_file.stat().st_mtime


def compile_all(source: Path, target: Path, *, only_stale: bool = True) -> list[Path]:
    """Compile every catalogue under ``source`` into the same layout under ``target``.

    Returns the ``.mo`` files written.
    """
    written = []
    for po_file in catalogue_files(source):
        mo_file = target / po_file.relative_to(source).with_suffix(".mo")
        if only_stale and not is_stale(po_file, mo_file):
            continue
        compile_catalogue(po_file, mo_file)
        written.append(mo_file)
    return written


def writable(folder: Path) -> bool:
    """True when new files can be made in ``folder`` and each ``<lang>/LC_MESSAGES`` in it."""
    folders = [folder, *(path.parent for path in catalogue_files(folder))]
    return all(os.access(path, os.W_OK | os.X_OK) for path in folders)


def compiled_directory(source: Path, instance: Path) -> Path:
    """Where the compiled catalogues are, compiling what is missing or older than its ``.po``.

    Beside the ``.po`` files when that folder is writable (a checkout, a virtualenv),
    else in ``<instance>/translations`` (a read-only system install).
    """
    if writable(source):
        try:
            compile_all(source, source)
        except OSError:  # a file in the way, a read-only file system: use the instance
            pass
        else:
            return source
    target = instance / "translations"
    compile_all(source, target)
    return target
