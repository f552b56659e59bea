"""The password pages reached without signing in: "forgot your password" and the e-mailed links (docs/email.md).

A link that works signs its holder in through the usual steps (second factor, enrolment), as a password would.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from server.auth.context import begin_web_session, current_client
from server.auth.limits import reset_per_address, reset_per_client
from server.auth.views import STAGE_ENDPOINTS, _finish, bp
from server.extensions import db
from server.form_text import form_text_errors, shows_text_errors
from server.models import SessionStage, TokenPurpose
from server.services.accounts.password_links import SPENT, open_link, use_link
from server.services.accounts.password_reset import ANSWER, request_password_reset
from server.services.accounts.sign_in import next_stage
from server.services.errors import ServiceError
from server.services.site_address import site_address
from server.services.transactions import atomic


def base_url() -> str:
    """Where links in e-mail point (services/site_address.py; a page always has a request, so never None)."""
    address = site_address()
    assert address is not None, "called while serving a request"
    return address


def _minutes_text(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def forgot_page(errors: dict | None = None, email: str = "", sent: str | None = None, status: int = 200):
    """The "forgot your password" form, or its one answer once sent."""
    return render_template("auth/forgot.html", errors=errors or {}, email=email, sent=sent), status


@bp.route("/password/forgot", methods=["GET", "POST"])
@reset_per_client
@reset_per_address
@shows_text_errors
def forgot_password():
    """Ask for a reset link by e-mail address; the answer is the same whether or not an account has it."""
    if request.method == "GET":
        return forgot_page()
    if errors := form_text_errors():
        return forgot_page(errors, status=422)
    email = request.form.get("email", "").strip()[:254]
    if not email:
        return forgot_page({"email": ["Enter the e-mail address you sign in with."]}, status=422)
    minutes = int(current_app.config["RESET_MINUTES"])
    with atomic(db.session):
        request_password_reset(db.session, email, current_client(), base_url=base_url(), minutes=minutes)
    return forgot_page(sent=ANSWER.format(minutes=_minutes_text(minutes)))


def _set_password(token: str, joining: bool):
    """Use the link with the posted password: the next sign-in step, or (response, None) / (None, errors)."""
    try:
        with atomic(db.session):
            user = use_link(
                db.session,
                token,
                request.form.get("password", ""),
                request.form.get("confirm", ""),
                current_client(),
            )
            flash("Welcome! Your password is set." if joining else "Your new password is set.", "success")
            stage = next_stage(user, second_factor_done=False)
            record = begin_web_session(user, stage, url_for("web.home"))
            if stage is SessionStage.ACTIVE:
                return _finish(record), {}
            return redirect(url_for(STAGE_ENDPOINTS[stage])), {}
    except ServiceError as exc:
        if exc.field == "token":
            return (render_template("auth/link_spent.html", message=exc.message), 410), {}
        return None, exc.as_errors()


@bp.route("/password/<token>", methods=["GET", "POST"])
@reset_per_client
@shows_text_errors
def password_link(token: str):
    """An invitation or reset link: choose a password (the usual rule), then sign in through the usual steps."""
    link = open_link(db.session, token)
    if link is None:
        return render_template("auth/link_spent.html", message=SPENT), 410
    joining = link.token.purpose is TokenPurpose.INVITATION
    errors: dict = {}
    if request.method == "POST" and not (errors := form_text_errors()):
        response, errors = _set_password(token, joining)
        if response is not None:
            return response
    return render_template(
        "auth/password_link.html", errors=errors, joining=joining, user=link.user, token=token
    ), 422 if errors else 200
