"""The ``flask --app wsgi ...`` commands. Their shapes are a contract: keep them."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask, current_app, url_for
from flask.cli import AppGroup

from shopper.models import Role, User
from shopper.services import (
    accounts,
    actions,
    backup,
    checklists,
    demo,
    mail,
    notifications,
    report_mail,
    sums,
    synthetic,
)
from shopper.services.checklists import ChecklistInvalid
from shopper.services.errors import ServiceError

user_cli = AppGroup("user", help="Manage people.")
demo_cli = AppGroup("demo", help="Demo data.")
checklist_cli = AppGroup("checklist", help="Import and export checklists.")
backup_cli = AppGroup("backup", help="Back up and restore the database and the photos.")
sums_cli = AppGroup("sums", help="Check or rebuild the kept sums of approved visits.")
report_cli = AppGroup("report", help="Send the comparison report by email.")
actions_cli = AppGroup("actions", help="Store follow-up actions.")


def _fail(error: ServiceError) -> None:
    raise click.ClickException(str(error))


def _invitation_url(secret: str) -> str:
    with current_app.test_request_context(
        base_url=current_app.config.get("BASE_URL", "http://127.0.0.1:5000")
    ):
        return url_for("auth.invitation", secret=secret, _external=True)


def _email_invitation(user: User, issued: accounts.IssuedInvitation) -> None:
    """With SMTP set up, the person gets the link by email too (said on stderr)."""
    sent = notifications.invitation(user, issued.secret, issued.invitation.expires_at)
    if sent is True:
        click.echo(f"Invitation emailed to {user.email}.", err=True)
    elif sent is False:
        click.echo(f"The invitation email to {user.email} could not be sent.", err=True)


@user_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--language", default="en", show_default=True, help="en, tr, sv, th or ur.")
@click.option("--password", help="Set a password now instead of printing an invitation link.")
@click.option(
    "--stores", default="", help='A manager\'s store codes, separated by spaces: "IST-01 IST-02".'
)
def create_user(
    email: str, name: str, role: str, language: str, password: str | None, stores: str
) -> None:
    """Add a person; without --password, print a one-time invitation link.

    A manager needs --stores: the codes of the stores they run (all must exist).
    """
    try:
        user = accounts.create_user(
            email, name, role, language, password, stores=accounts.store_codes(stores)
        )
    except ServiceError as error:
        _fail(error)
    click.echo(f"Created {user.role} {user.email}.")
    if user.stores:
        click.echo(f"Stores: {' '.join(store.code for store in user.stores)}")
    if password is None:
        issued = accounts.invite(user, current_app.config["INVITATION_DAYS"])
        _email_invitation(user, issued)
        click.echo(f"Invitation link (valid {current_app.config['INVITATION_DAYS']} days, once):")
        click.echo(_invitation_url(issued.secret))


@user_cli.command("invite")
@click.argument("email")
def invite_user(email: str) -> None:
    """Print a new one-time invitation link for an existing person."""
    try:
        user = accounts.get_user(email)
    except ServiceError as error:
        _fail(error)
    issued = accounts.invite(user, current_app.config["INVITATION_DAYS"])
    _email_invitation(user, issued)
    click.echo(_invitation_url(issued.secret))


@user_cli.command("token")
@click.argument("email")
@click.option(
    "--name",
    help="What the token is for (default: “command line”, numbered when taken).",
)
def create_token(email: str, name: str | None) -> None:
    """Make a personal API token; it is printed as the last line, and only once."""
    try:
        user = accounts.get_user(email)
        issued = accounts.create_token(
            user, name if name is not None else accounts.unused_token_name(user, "command line")
        )
    except ServiceError as error:
        _fail(error)
    click.echo(f"API token “{issued.token.name}” for {user.email} (shown once; keep it secret):")
    click.echo(issued.secret)


@user_cli.command("tokens")
@click.argument("email")
def list_tokens(email: str) -> None:
    """List a person's API tokens: name, first characters, created, last used."""
    try:
        tokens = accounts.list_tokens(accounts.get_user(email))
    except ServiceError as error:
        _fail(error)
    if not tokens:
        click.echo(f"{email} has no API tokens.")
    for token in tokens:
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        click.echo(
            f"{token.name}\t{token.prefix}…\tcreated {token.created_at:%Y-%m-%d %H:%M}"
            f"\tlast used {used}"
        )


@user_cli.command("revoke-token")
@click.argument("email")
@click.argument("name")
def revoke_token(email: str, name: str) -> None:
    """Revoke the person's API token of this name; scripts using it are refused at once."""
    try:
        revoked = accounts.revoke_token_named(accounts.get_user(email), name)
    except ServiceError as error:
        _fail(error)
    click.echo(f"Revoked the token “{revoked}” of {email}.")


@demo_cli.command("load")
@click.option("--password", help="One password for every new demo person (default: random).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has people already.")
def load_demo(password: str | None, if_empty: bool) -> None:
    """Load the demo data; running it again adds only what is missing."""
    if if_empty and not demo.is_empty():
        click.echo("The database has data already; the demo was not loaded again.")
        return
    try:
        created = demo.load_demo(current_app.instance_path, password)
    except ServiceError as error:
        _fail(error)
    click.echo(f"Demo loaded: {len(created)} new people.")


@demo_cli.command("logins")
def show_logins() -> None:
    """Print the demo logins."""
    logins = demo.demo_logins(current_app.instance_path)
    click.echo(logins.rstrip() if logins else "No demo logins: run `flask --app wsgi demo load`.")


@demo_cli.command("generate")
@click.option("--stores", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.option("--months", type=click.IntRange(1, 240), default=24, show_default=True)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="The same seed, the same chain."
)
@click.option(
    "--last-month",
    type=click.DateTime(["%Y-%m"]),
    help="The newest month, YYYY-MM (default: last month).",
)
def generate_demo(stores: int, months: int, seed: int, last_month: datetime | None) -> None:
    """Fill the database with a synthetic chain: stores, a checklist, one visit a month each."""

    def progress(month: date, visits: int) -> None:
        if visits % stores == 0 and (month.month == 12 or visits == stores * months):
            click.echo(f"  … {month:%Y-%m}: {visits:,} visits")

    try:
        chain = synthetic.generate(
            stores,
            months,
            seed,
            last_month=last_month.date() if last_month else None,
            progress=progress,
        )
    except ServiceError as error:
        _fail(error)
    synthetic.analyze()
    click.echo(
        f"Generated {chain.stores:,} stores ({chain.competitors:,} competitors), "
        f"{chain.shoppers} shoppers, checklist {chain.checklist} (3 versions), "
        f"{chain.visits:,} approved visits with {chain.answers:,} answers "
        f"from {chain.first_month:%Y-%m} to {chain.last_month:%Y-%m} "
        f"in {chain.seconds:.1f} s."
    )


@checklist_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--draft", is_flag=True, help="Keep it as a draft instead of publishing it.")
def import_checklist(file: click.utils.LazyFile, draft: bool) -> None:
    """Import a shopper-checklist/1 JSON file (a new checklist, or a new version of one)."""
    try:
        document = checklists.read_document(file.read(checklists.MAX_DOCUMENT_BYTES + 1))
        result = checklists.import_document(document, None, publish=not draft)
    except ChecklistInvalid as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        _fail(error)
    except ServiceError as error:
        _fail(error)
    if result.created:
        state = "published" if result.version.published else "draft"
        click.echo(f"Imported {result.checklist.code} version {result.version.number} ({state}).")
    else:
        click.echo(
            f"{result.checklist.code} version {result.version.number} says the same; "
            "no new version."
        )


@checklist_cli.command("export")
@click.argument("code")
@click.option("--version", "number", type=int, help="Version number (default: latest published).")
def export_checklist(code: str, number: int | None) -> None:
    """Print a checklist version as shopper-checklist/1 JSON."""
    try:
        document = checklists.export_document(checklists.get_checklist(code), number)
    except ServiceError as error:
        _fail(error)
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create_backup(file: Path) -> None:
    """Write the database and the photos into FILE (.tar.gz), safely while the app serves."""
    try:
        manifest = backup.create_backup(file)
    except ServiceError as error:
        _fail(error)
    counts = manifest["counts"]
    click.echo(
        f"Backed up the {manifest['database']} database (revision {manifest['alembic_revision']}, "
        f"{counts.get('visits', 0):,} visits, {counts.get('photos', 0):,} photos) "
        f"and {manifest['photo_files']:,} photo files into {file}."
    )
    if manifest["missing_photo_files"]:
        click.echo(
            f"Warning: {len(manifest['missing_photo_files'])} photo files the database names "
            "were not in the upload folder: " + ", ".join(manifest["missing_photo_files"][:10]),
            err=True,
        )


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already has data.")
def restore_backup(file: Path, force: bool) -> None:
    """Restore the database and the photos from FILE into an empty install, then migrate."""
    try:
        restored = backup.restore_backup(file, force=force)
    except ServiceError as error:
        _fail(error)
    manifest = restored.manifest
    click.echo(
        f"Restored the {manifest['database']} database of {manifest['created_at']} "
        f"(revision {manifest['alembic_revision']}) and {restored.photo_files:,} photo files."
    )
    if restored.migrated_to:
        click.echo(f"Migrated the database up to revision {restored.migrated_to}.")
    if restored.missing_photos:
        click.echo(
            f"Warning: {len(restored.missing_photos)} photo files the database names are missing: "
            + ", ".join(restored.missing_photos[:10]),
            err=True,
        )


@sums_cli.command("check")
@click.option("--checklist", "code", help="Only this checklist (its code).")
def check_sums(code: str | None) -> None:
    """Recompute every kept sum from the approved visits; list each difference (exit 1 if any)."""
    try:
        report = sums.check(code)
    except ServiceError as error:
        _fail(error)
    for difference in report.differences:
        click.echo(str(difference))
    if report.differences:
        click.echo(f"{len(report.differences)} of {report.compared} sums differ.", err=True)
        raise SystemExit(1)
    click.echo(f"All {report.compared} sums match.")


@sums_cli.command("rebuild")
@click.option("--checklist", "code", help="Only this checklist (its code).")
def rebuild_sums(code: str | None) -> None:
    """Rebuild the kept sums from the approved visits, safely while the app serves."""
    try:
        reports = sums.rebuild(code)
    except ServiceError as error:
        _fail(error)
    for checklist, report in reports.items():
        for difference in report.differences:
            click.echo(f"mended: {difference}")
        if report.differences:
            click.echo(f"{checklist}: rebuilt, {len(report.differences)} sums mended.")
        else:
            click.echo(f"{checklist}: all {report.compared} sums matched; nothing changed.")


@report_cli.command("send")
@click.option("--checklist", "code", required=True, help="The checklist's code.")
@click.option(
    "--period",
    type=click.Choice(report_mail.PERIODS),
    help="The period, seen from today (or give --first-day and --last-day).",
)
@click.option("--first-day", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--last-day", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
def send_reports(
    code: str, period: str | None, first_day: datetime | None, last_day: datetime | None
) -> None:
    """Email the period's comparison PDF to each owner and manager (their own stores)."""
    if period and (first_day or last_day):
        raise click.UsageError("Give --period or --first-day and --last-day, not both.")
    if period:
        first, last = report_mail.period(period, date.today())
    elif first_day and last_day:
        first, last = first_day.date(), last_day.date()
        if last < first:
            raise click.UsageError("--last-day is before --first-day.")
    else:
        raise click.UsageError("Give --period, or --first-day and --last-day.")
    try:
        deliveries = report_mail.send_reports(code, first, last)
    except ServiceError as error:
        _fail(error)
    except mail.MailNotConfigured as error:
        raise click.ClickException(str(error)) from None
    failed = 0
    for delivery in deliveries:
        who = f"{delivery.user.email} ({delivery.user.role}, {delivery.user.language})"
        if delivery.sent is None:
            why = "report emails off" if not delivery.user.report_emails else "no stores"
            click.echo(f"skipped {who}: {why}")
        elif delivery.sent:
            click.echo(f"sent    {who}: {delivery.filename}")
        else:
            failed += 1
            click.echo(f"FAILED  {who}: {delivery.filename} (see the log)")
    sent = sum(1 for delivery in deliveries if delivery.sent)
    click.echo(f"{code} {first} – {last}: {sent} sent, {failed} failed.")
    if failed:
        raise click.exceptions.Exit(1)


@actions_cli.command("remind")
def remind_actions() -> None:
    """Email the managers of open actions due within three days (once per action)."""
    try:
        reminders = actions.remind(date.today())
    except mail.MailNotConfigured as error:
        raise click.ClickException(str(error)) from None
    for reminder in reminders:
        action = reminder.action
        state = "reminded" if reminder.sent else "FAILED  "
        click.echo(
            f"{state} {reminder.manager.email}: action {action.id} at {action.store.code}, "
            f"due {action.due_on.isoformat()}"
        )
    failed = sum(1 for reminder in reminders if not reminder.sent)
    click.echo(f"{len(reminders) - failed} reminders sent, {failed} failed.")
    if failed:
        raise click.exceptions.Exit(1)


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(user_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(checklist_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(sums_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(actions_cli)
