"""'My account', for every signed-in role: password, web sessions, phone sign-ins, second factor."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from server.auth.context import current_client, current_web_session
from server.auth.enrol_page import enrol_page
from server.extensions import db
from server.http.access import login_required_role
from server.models.types import utcnow
from server.services.accounts.mfa import mfa_required, recovery_codes_left
from server.services.accounts.self_service import (
    change_own_password,
    enrol_second_factor,
    new_recovery_codes,
    revoke_own_token,
    sign_out_everywhere,
    turn_off_second_factor,
)
from server.services.accounts.tokens import list_tokens
from server.services.accounts.web_sessions import list_sessions
from server.services.errors import ServiceError
from server.services.transactions import atomic
from server.web.common import attempt

bp = Blueprint("my_account", __name__, url_prefix="/account")


@bp.before_request
@login_required_role()
def signed_in_only():
    """Every page here: anonymous (or half signed-in) visitors go to the sign-in page."""
    return None


def _page(errors: dict | None = None, mfa_errors: dict | None = None, status: int = 200):
    user = current_user
    this = current_web_session()
    page = render_template(
        "accounts/index.html",
        user=user,
        errors=errors or {},
        mfa_errors=mfa_errors or {},
        sessions=list_sessions(db.session, user),
        this_session_id=this.id if this else None,
        tokens=list_tokens(db.session, user),
        now=utcnow(),
        mfa_required=mfa_required(user),
        codes_left=recovery_codes_left(db.session, user) if user.mfa_enabled else 0,
    )
    return Response(page, status)


@bp.route("")
def index():
    """The account page."""
    return _page()


@bp.route("/password", methods=["POST"])
def password():
    """Change your own password (the current one is required); your other sign-ins end."""
    form = request.form
    change, errors = attempt(
        change_own_password,
        db.session,
        current_user,
        form.get("current", ""),
        form.get("password", ""),
        form.get("confirm", ""),
        current_client(),
        keep=current_web_session(),
    )
    if errors:
        return _page(errors=errors, status=422)
    flash(f"Password changed; {change.describe()}. This browser stays signed in.", "success")
    return redirect(url_for("my_account.index"))


@bp.route("/sign-out-everywhere", methods=["POST"])
def sign_out_all():
    """End every web session (this one too) and revoke every phone sign-in."""
    with atomic(db.session):  # every session and token is revoked before the answer says so
        ended = sign_out_everywhere(db.session, current_user, current_client())
    session.clear()
    flash(f"Signed out everywhere: {ended.describe()}.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def token_revoke(token_id: int):
    """Revoke one of your phone sign-ins (anyone else's id: TokenNotFound, answered as 404)."""
    with atomic(db.session):
        token = revoke_own_token(db.session, current_user, token_id, current_client())
    flash(f"Phone sign-in {token.name} ({token.prefix}…) revoked.", "success")
    return redirect(url_for("my_account.index"))


@bp.route("/mfa/enrol", methods=["GET", "POST"])
def enrol():
    """Set up an authenticator app (or a new one): QR code and secret, then a first code to confirm."""
    user = current_user
    error = None
    if request.method == "POST":
        try:
            with atomic(db.session):
                codes = enrol_second_factor(
                    db.session,
                    user,
                    request.form.get("code", "")[:64],
                    current_client(),
                    password=request.form.get("password", ""),
                )
        except ServiceError as exc:
            error = exc.message
        else:
            return Response(
                render_template("accounts/recovery_codes.html", codes=codes, continue_url=url_for("my_account.index"))
            )
    return enrol_page(user, error, "my_account.enrol", required=False, ask_password=user.mfa_enabled)


@bp.route("/mfa/recovery-codes", methods=["POST"])
def recovery_codes():
    """New recovery codes (the old ones stop working); your password is required."""
    try:
        with atomic(db.session):
            codes = new_recovery_codes(
                db.session, current_user, request.form.get("codes_password", ""), current_client()
            )
    except ServiceError as exc:
        return _page(mfa_errors={"codes_password": [exc.message]}, status=422)
    return Response(
        render_template("accounts/recovery_codes.html", codes=codes, continue_url=url_for("my_account.index"))
    )


@bp.route("/mfa/off", methods=["POST"])
def mfa_off():
    """Stop using a second factor (managers and shoppers only); your password is required."""
    try:
        with atomic(db.session):
            turn_off_second_factor(db.session, current_user, request.form.get("off_password", ""), current_client())
    except ServiceError as exc:
        return _page(mfa_errors={"off_password": [exc.message]}, status=422)
    flash("Second factor turned off: signing in asks for your password only.", "success")
    return redirect(url_for("my_account.index"))
