"""Web sign-in, step by step: password, second factor, new password, enrolment; and signing out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response as BaseResponse

from server.auth.context import (
    any_pending_session,
    begin_web_session,
    current_client,
    current_web_session,
    move_web_session,
    pending_session,
    take_target,
)
from server.auth.cookies import known_device_user_ids, remember_device
from server.auth.enrol_page import enrol_page
from server.auth.forms import LoginForm
from server.auth.limits import TOO_MANY, TOO_MANY_RESETS, login_limits, too_many_message
from server.extensions import db
from server.form_text import shows_text_errors
from server.models import SessionStage, WebSession
from server.services.accounts.auth_log import log_auth_event
from server.services.accounts.self_service import choose_new_password, enrol_second_factor
from server.services.accounts.sign_in import check_code, check_password, next_stage, record_sign_in
from server.services.accounts.web_sessions import end_session
from server.services.errors import ServiceError
from server.services.transactions import atomic

bp = Blueprint("auth", __name__)

WRONG_CREDENTIALS = "Email or password is incorrect."
MAX_CODE_TRIES = 5
STAGE_ENDPOINTS = {
    SessionStage.SECOND_FACTOR: "auth.code",
    SessionStage.CHANGE_PASSWORD: "auth.new_password",
    SessionStage.ENROL: "auth.enrol",
}


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: never an open redirect."""
    if not target or len(target) > 2048 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _render_login(form: LoginForm, error: str | None = None, status: int = 200, retry_after: int | None = None):
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    return (
        render_template("auth/login.html", form=form, error=error, next=safe_next(request.args.get("next"))),
        status,
        headers,
    )


def _go_on(record: WebSession, second_factor_done: bool) -> BaseResponse:
    """Send a pending sign-in to its next step, or finish it (inside the caller's transaction)."""
    stage = next_stage(record.user, second_factor_done)
    move_web_session(record, stage)
    if stage is not SessionStage.ACTIVE:
        return redirect(url_for(STAGE_ENDPOINTS[stage]))
    return _finish(record)


def _finish(record: WebSession, response: BaseResponse | None = None) -> BaseResponse:
    """The sign-in is complete: log it, remember this browser for the owner, go where they were heading.

    Inside the caller's transaction."""
    record_sign_in(db.session, record.user, current_client())
    response = response or redirect(take_target(url_for("web.home")))
    return remember_device(response, record.user_id)


@bp.route("/login", methods=["GET", "POST"])
@login_limits
@shows_text_errors
def login():
    """The password step; then the steps the account needs (code, new password, enrolment), then the page asked for."""
    target = safe_next(request.args.get("next")) or url_for("web.home")
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(target)
        pending = any_pending_session()
        if pending is not None:
            return redirect(url_for(STAGE_ENDPOINTS[pending.stage]))
    form = LoginForm()
    if not form.validate_on_submit():
        return _render_login(form)
    with atomic(db.session):  # a refused password was counted and committed by check_password already
        step = check_password(
            db.session, form.email.data, form.password.data, current_client(), known_device_user_ids()
        )
        if step.problem == "throttled":
            return _render_login(form, too_many_message(step.retry_after), 429, step.retry_after)
        if step.user is None:
            return _render_login(form, WRONG_CREDENTIALS)
        stage = next_stage(step.user, second_factor_done=False)
        record = begin_web_session(step.user, stage, target)
        if stage is SessionStage.ACTIVE:
            return _finish(record)
        return redirect(url_for(STAGE_ENDPOINTS[stage]))


def _back_to_login(message: str) -> BaseResponse:
    """A step page this browser is not at: signed-in browsers (the back button) and other steps go on, never out."""
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    pending = any_pending_session()
    if pending is not None:
        return redirect(url_for(STAGE_ENDPOINTS[pending.stage]))
    session.clear()
    flash(message, "error")
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
@login_limits
def code():
    """The second-factor step: a code from the authenticator app, or one of the recovery codes."""
    record = pending_session(SessionStage.SECOND_FACTOR)
    if record is None:
        return _back_to_login("Your sign-in expired. Please sign in again.")
    if request.method == "GET":
        return Response(render_template("auth/code.html"))
    with atomic(db.session):  # a refused code was counted and committed by check_code already
        step = check_code(
            db.session, record.user, request.form.get("code", "")[:64], current_client(), known_device_user_ids()
        )
        if step.problem == "throttled":
            return (
                render_template("auth/code.html", error=too_many_message(step.retry_after)),
                429,
                {"Retry-After": str(step.retry_after)},
            )
        if step.user is not None:
            if step.method == "recovery":
                flash(
                    "You used a recovery code; it will not work again. Set up your authenticator again or make "
                    "new codes on your account page if you are running out.",
                    "info",
                )
            return _go_on(record, second_factor_done=True)
        record.failed_codes += 1
        too_many = record.failed_codes >= MAX_CODE_TRIES
        if too_many:
            end_session(db.session, record, "too_many_codes")
    if too_many:
        return _back_to_login("Too many wrong codes. Sign in again with your password.")
    return render_template(
        "auth/code.html", error="That code is not right, or was used already. Wait for the next code and try again."
    ), 422


@bp.route("/login/new-password", methods=["GET", "POST"])
@login_limits
def new_password():
    """A temporary password (set by an admin or the CLI) must be replaced before anything else."""
    record = pending_session(SessionStage.CHANGE_PASSWORD)
    if record is None:
        return _back_to_login("Your sign-in expired. Please sign in again.")
    errors = {}
    if request.method == "POST":
        try:
            with atomic(db.session):
                choose_new_password(
                    db.session,
                    record.user,
                    request.form.get("password", ""),
                    request.form.get("confirm", ""),
                    current_client(),
                    keep=record,
                )
                flash("Your new password is set.", "success")
                return _go_on(record, second_factor_done=True)
        except ServiceError as exc:
            errors = exc.as_errors()
    return render_template("auth/new_password.html", errors=errors), 422 if errors else 200


@bp.route("/login/enrol", methods=["GET", "POST"])
@login_limits
def enrol():
    """An admin without a second factor sets one up now: QR code, secret as text, confirmation with a code."""
    record = pending_session(SessionStage.ENROL)
    if record is None:
        return _back_to_login("Your sign-in expired. Please sign in again.")
    user = record.user
    error = None
    if request.method == "POST":
        try:
            with atomic(db.session):
                codes = enrol_second_factor(db.session, user, request.form.get("code", "")[:64], current_client())
                move_web_session(record, SessionStage.ACTIVE)
                page = render_template(
                    "accounts/recovery_codes.html", codes=codes, continue_url=take_target(url_for("web.home"))
                )
                return _finish(record, Response(page))
        except ServiceError as exc:
            error = exc.message
    return enrol_page(user, error, "auth.enrol", required=True)


@bp.route("/logout", methods=["POST"])
def logout():
    """End this browser's session on the server (a copy of the cookie stops working too); POST with a CSRF token."""
    record = current_web_session() or any_pending_session()
    if record is not None:
        with atomic(db.session):  # the session is over on the server before the answer says so
            end_session(db.session, record, "signed_out")
            log_auth_event(
                db.session, "sign_out", current_client(), user=record.user, summary=f"{record.user.email} signed out"
            )
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.errorhandler(429)
def too_many_attempts(exc):
    """Stay on the sign-in form (or the password page that was limited) and say why, instead of a bare error page."""
    if request.endpoint in ("auth.forgot_password", "auth.password_link"):
        errors = {"email": [TOO_MANY_RESETS]}
        return render_template("auth/forgot.html", errors=errors, email=request.form.get("email", "")[:254]), 429
    return _render_login(LoginForm(), TOO_MANY, 429)


@bp.errorhandler(CSRFError)
def form_expired(exc):
    """An expired or missing CSRF token: explain and offer the form again."""
    if request.endpoint == "auth.login":
        return _render_login(LoginForm(), "The form expired. Please sign in again.", 400)
    if request.endpoint == "auth.forgot_password":
        flash("That form expired; nothing was sent. Please try again.", "error")
        return redirect(url_for("auth.forgot_password"))
    flash("That form expired; nothing was changed. Please try again.", "error")
    return redirect(url_for("web.home"))
