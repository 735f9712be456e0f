"""Checklist pages. The rules live in services.checklists; these only read and render."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shopper.access import roles
from shopper.checklists import bp
from shopper.checklists.builder import builder_config
from shopper.checklists.forms import ImportForm, NewChecklistForm
from shopper.forms import ActionForm
from shopper.imports import import_page
from shopper.models import Role
from shopper.services import checklists
from shopper.services.checklists import ChecklistInvalid
from shopper.services.errors import ServiceError


@bp.get("")
@roles(Role.COORDINATOR, Role.OWNER)
def index() -> str:
    """Every checklist with its versions."""
    return render_template(
        "checklists/index.html", checklists=checklists.list_checklists(), action=ActionForm()
    )


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.COORDINATOR)
def new() -> object:
    """Start a checklist: its code, title and language; then the builder."""
    form = NewChecklistForm()
    if form.validate_on_submit():
        try:
            checklist = checklists.create_checklist(
                form.code.data,
                form.title.data,
                form.language.data,
                form.description.data or "",
                current_user,
            )
        except ServiceError as error:
            form.code.errors = [*form.code.errors, error.translated()]
        else:
            return redirect(url_for("checklists.builder", code=checklist.code))
    return render_template("checklists/new.html", form=form), 400 if form.errors else 200


@bp.route("/import", methods=["GET", "POST"])
@roles(Role.COORDINATOR)
def import_file() -> object:
    """Upload a shopper-checklist/1 file; it is refused whole with every problem listed."""

    def run(raw: bytes) -> object:
        result = checklists.import_document(checklists.read_document(raw), current_user)
        if result.created:
            flash(
                _(
                    "Imported %(title)s as version %(number)d.",
                    title=result.checklist.title,
                    number=result.version.number,
                ),
                "success",
            )
        else:
            flash(
                _(
                    "The file equals version %(number)d; no new version was made.",
                    number=result.version.number,
                ),
                "info",
            )
        return redirect(url_for("checklists.show", code=result.checklist.code))

    return import_page(
        ImportForm(), "checklists/import.html", run, limit=checklists.MAX_DOCUMENT_BYTES
    )


@bp.get("/<code>")
@roles(Role.COORDINATOR, Role.OWNER)
def show(code: str) -> str:
    """A checklist's versions: who published what and when; export, edit, archive."""
    checklist = checklists.get_checklist(code, current_user)
    return render_template("checklists/show.html", checklist=checklist, action=ActionForm())


@bp.post("/<code>/edit")
@roles(Role.COORDINATOR)
def edit(code: str) -> object:
    """Open the draft (a copy of the latest version when none is open) in the builder."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("checklists.show", code=code))
    checklists.start_draft(checklists.get_checklist(code), current_user)
    return redirect(url_for("checklists.builder", code=code))


def _builder(code: str, status: int = 200, problems: tuple | None = None) -> tuple[str, int]:
    checklist = checklists.get_checklist(code)
    draft = checklists.require_draft(checklist)
    return (
        render_template(
            "checklists/builder.html",
            checklist=checklist,
            draft=draft,
            problems=checklists.draft_problems(draft.document) if problems is None else problems,
            # After a refused publish every problem shows; before, each as its part is touched.
            show_all_problems=problems is not None,
            publish_url=url_for("checklists.publish", code=code),
            discard_url=url_for("checklists.discard", code=code),
            config=builder_config(checklist.code, draft.number),
        ),
        status,
    )


@bp.get("/<code>/draft")
@roles(Role.COORDINATOR)
def builder(code: str) -> object:
    """The builder of the open draft."""
    checklist = checklists.get_checklist(code)
    if checklist.draft is None:
        flash(_("This checklist has no draft. Press Edit to start one."), "info")
        return redirect(url_for("checklists.show", code=code))
    return _builder(code)


@bp.get("/<code>/draft/preview")
@roles(Role.COORDINATOR)
def draft_preview(code: str) -> str:
    """The draft as a shopper's phone will show it (an HTML fragment for the builder)."""
    draft = checklists.require_draft(checklists.get_checklist(code))
    return render_template(
        "checklists/_preview.html", preview=checklists.preview_checklist(draft.document)
    )


@bp.post("/<code>/draft/publish")
@roles(Role.COORDINATOR)
def publish(code: str) -> object:
    """Publish the draft, or show every problem that stops it."""
    if not ActionForm().validate_on_submit():
        return _builder(code, 400)
    try:
        version = checklists.publish_draft(checklists.get_checklist(code), current_user)
    except ChecklistInvalid as error:
        flash(_("Not published: fix the problems listed first."), "error")
        return _builder(code, 422, error.problems)
    flash(_("Version %(number)d is published.", number=version.number), "success")
    return redirect(url_for("checklists.show", code=code))


@bp.post("/<code>/draft/discard")
@roles(Role.COORDINATOR)
def discard(code: str) -> object:
    """Throw the draft away."""
    if not ActionForm().validate_on_submit():
        return _builder(code, 400)
    checklist = checklists.get_checklist(code)
    had_published = bool(checklist.published_versions)
    checklists.discard_draft(checklist)
    flash(_("The draft is discarded."), "info")
    if had_published:
        return redirect(url_for("checklists.show", code=code))
    return redirect(url_for("checklists.index"))


@bp.get("/<code>/versions/<int:number>")
@roles(Role.COORDINATOR, Role.OWNER)
def version(code: str, number: int) -> str:
    """One version as a shopper sees it on a phone."""
    checklist = checklists.get_checklist(code, current_user)
    shown = checklists.get_version(checklist, number, current_user)
    return render_template(
        "checklists/version.html",
        checklist=checklist,
        version=shown,
        preview=checklists.preview_checklist(shown.document),
    )


@bp.get("/<code>/versions/<int:number>/export")
@roles(Role.COORDINATOR, Role.OWNER)
def export(code: str, number: int) -> Response:
    """Download one version as a shopper-checklist/1 JSON file."""
    document = checklists.export_document(checklists.get_checklist(code, current_user), number)
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{code}-v{number}.json"'},
    )


@bp.post("/<code>/archive")
@roles(Role.COORDINATOR)
def archive(code: str) -> object:
    """Archive: no new assignments; the history stays."""
    return _set_archived(code, True, _("The checklist is archived. Its history is kept."))


@bp.post("/<code>/restore")
@roles(Role.COORDINATOR)
def restore(code: str) -> object:
    """Bring an archived checklist back."""
    return _set_archived(code, False, _("The checklist can be assigned again."))


def _set_archived(code: str, archived: bool, message: str) -> object:
    if ActionForm().validate_on_submit():
        checklists.set_archived(checklists.get_checklist(code), archived)
        flash(message, "success")
    return redirect(url_for("checklists.show", code=code))
