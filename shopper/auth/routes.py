"""Sign in, sign out, invitation links, the account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from shopper.access import public, roles, signed_in
from shopper.auth import bp
from shopper.auth.forms import (
    ChangePasswordForm,
    LanguageForm,
    NewTokenForm,
    ReportEmailsForm,
    RevokeTokenForm,
    SetPasswordForm,
    SignInForm,
)
from shopper.extensions import limiter
from shopper.models import Role
from shopper.services import accounts
from shopper.services.errors import Invalid, NotFound, ServiceError
from shopper.services.sign_in_lock import SignInLocked


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never send a person to another host after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in() -> object:
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except SignInLocked as error:
            flash(error.translated(), "error")
            return render_template("auth/sign_in.html", form=form), error.status
        if user is None:
            # The same words whether the email exists or not.
            flash(_("The email or the password is not right."), "error")
        else:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
@signed_in
def sign_out() -> object:
    """End the session (a POST, so a link elsewhere cannot sign anyone out)."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/invitation/<secret>", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def invitation(secret: str) -> object:
    """Choose a password from a one-time invitation link."""
    try:
        invited = accounts.open_invitation(secret)
    except NotFound as error:
        return render_template("errors/error.html", status=404, message=error.translated()), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        accepted = accounts.accept_invitation(secret, form.password.data)
        user = accepted.user
        logout_user()
        login_user(user)
        flash(_("Welcome, %(name)s. Your password is set.", name=user.name), "success")
        if accepted.revoked_tokens:
            flash(_revoked_message(accepted.revoked_tokens), "info")
        return redirect(url_for("main.home"))
    return render_template("auth/invitation.html", form=form, user=invited.user)


def _revoked_message(count: int) -> str:
    return ngettext(
        "%(num)d API token was revoked with the old password; make a new one where needed.",
        "%(num)d API tokens were revoked with the old password; make new ones where needed.",
        count,
    )


def _account_page(**forms: object) -> str:
    defaults = {
        "password_form": ChangePasswordForm(prefix="pw"),
        "language_form": LanguageForm(prefix="lang", language=current_user.language),
        "token_form": NewTokenForm(prefix="token"),
        "report_form": ReportEmailsForm(prefix="report", report_emails=current_user.report_emails),
        "tokens": accounts.list_tokens(current_user),
        "max_tokens": accounts.MAX_TOKENS,
    }
    defaults.update(forms)
    return render_template("auth/account.html", **defaults)


@bp.get("/account")
@signed_in
def account() -> object:
    """The person's own settings: language, password, API tokens."""
    return _account_page()


@bp.post("/account/password")
@signed_in
def change_password() -> object:
    """Change one's password; other sessions end."""
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            revoked = accounts.change_password(
                current_user, form.current_password.data, form.password.data
            )
        except (Invalid, SignInLocked) as error:
            form.current_password.errors = [error.translated()]
        else:
            # The auth version changed: renew this session's id so it stays signed in.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Other devices are signed out."), "success")
            if revoked:
                flash(_revoked_message(revoked), "info")
            return redirect(url_for("auth.account"))
    return _account_page(password_form=form), 400


@bp.post("/account/language")
@signed_in
def change_language() -> object:
    """Change the language of the product for this person."""
    form = LanguageForm(prefix="lang")
    if form.validate_on_submit():
        accounts.set_language(current_user, form.language.data)
        flash(_("Language saved."), "success")
        return redirect(url_for("auth.account"))
    return _account_page(language_form=form), 400


@bp.post("/account/report-emails")
@roles(Role.OWNER, Role.MANAGER)
def change_report_emails() -> object:
    """Turn the emailed comparison report off or on."""
    form = ReportEmailsForm(prefix="report")
    if not form.validate_on_submit():
        return _account_page(report_form=form), 400
    accounts.set_report_emails(current_user, form.report_emails.data)
    if form.report_emails.data:
        flash(_("You will get the comparison report by email."), "success")
    else:
        flash(_("You will no longer get the comparison report by email."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens")
@signed_in
def create_token() -> object:
    """Make a personal API token and show it once, on this answer only."""
    form = NewTokenForm(prefix="token")
    if not form.validate_on_submit():
        return _account_page(token_form=form), 400
    try:
        issued = accounts.create_token(current_user, form.name.data)
    except ServiceError as error:
        form.name.errors = [error.translated()]
        return _account_page(token_form=form), error.status
    # The secret is in this page alone: not in a flash (a cookie), not in a log, not
    # in a cache, so going back or reloading never shows it again.
    response = make_response(
        _account_page(
            new_token=issued.secret,
            new_token_name=issued.token.name,
            token_form=NewTokenForm(prefix="token", formdata=None),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/tokens/<int:token_id>/revoke")
@signed_in
def revoke_token(token_id: int) -> object:
    """Revoke one of one's own tokens (someone else's is not found here)."""
    if not RevokeTokenForm().validate_on_submit():
        return _account_page(), 400
    name = accounts.revoke_token(current_user, current_user, token_id)
    flash(
        _("The token “%(name)s” is revoked: scripts using it are refused from now on.", name=name),
        "success",
    )
    return redirect(url_for("auth.account"))
