"""Admin pages for users: list, create, edit role and regions, deactivate/reactivate, reset password and
second factor, tokens, phone sign-in codes, recent sign-in failures."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from server.auth.context import current_client
from server.auth.password_pages import base_url
from server.extensions import db
from server.form_text import form_text_errors, shows_text_errors
from server.http.access import get_or_404
from server.models import Role, User
from server.models.types import utcnow
from server.services.accounts.auth_log import recent_failures
from server.services.accounts.enrolment import create_enrolment_code, enrolment_link
from server.services.accounts.invitations import invite_user, resend_invitation
from server.services.accounts.mfa import mfa_required, svg_qr_code
from server.services.accounts.password_reset import send_reset_link
from server.services.accounts.tokens import list_tokens
from server.services.accounts.user_admin import (
    add_user,
    edit_user,
    list_users,
    reset_password,
    reset_second_factor,
    revoke_user_token,
    set_user_active,
)
from server.services.accounts.users import has_password
from server.services.errors import ServiceError
from server.services.org.queries import region_options
from server.services.transactions import atomic
from server.web.common import attempt
from server.web.org.blueprint import bp
from server.web.org.common import wants_active

ROLES = [(r.value, r.value.capitalize()) for r in Role]
STATES = {"1": True, "0": False}
INVITED = "invited"
"""The status filter's third choice: invited, not yet joined."""


def _region_options() -> list[tuple[int, str]]:
    return region_options(db.session)


def _user_page(user: User, form: dict, errors: dict | None = None, pw_errors: dict | None = None, status: int = 200):
    tokens = list_tokens(db.session, user, include_inactive=True)
    return render_template(
        "org/user.html",
        user=user,
        form=form,
        errors=errors or {},
        pw_errors=pw_errors or {},
        roles=ROLES,
        regions=_region_options(),
        tokens=tokens,
        now=utcnow(),
        failures=recent_failures(db.session, user),
        mfa_required=mfa_required(user),
        enrolment_minutes=_enrolment_minutes(),
        invited=not has_password(user),
    ), status


@bp.route("/users")
def users():
    """Users, filtered by ?role= and ?active=1|0."""
    role = request.args.get("role", "")
    role = role if role in {r.value for r in Role} else ""
    active = request.args.get("active", "")
    rows = list_users(db.session, role=role or None, active=STATES.get(active))
    if active == INVITED:
        rows = [row for row in rows if row.active and not has_password(row)]
    return render_template(
        "org/users.html",
        users=rows,
        roles=ROLES,
        role=role,
        active=active if active in STATES or active == INVITED else "",
        has_password=has_password,
    )


ACCESS = ("invite", "password")


@bp.route("/users/new", methods=["GET", "POST"])
@shows_text_errors
def user_new():
    """Create a user: invited by e-mail (they choose their password) or with a temporary password the admin gives."""
    form, errors = request.form, {}
    access = form.get("access") or ("password" if form.get("password") else "invite")  # forms without the choice
    access = access if access in ACCESS else "invite"
    if request.method == "POST" and not (errors := form_text_errors()):
        email, name, role, region_ids = (
            form.get("email", ""),
            form.get("name", ""),
            form.get("role", ""),
            form.getlist("regions"),
        )
        if access == "invite":
            user, errors = attempt(
                invite_user,
                db.session,
                current_user,
                email=email,
                name=name,
                role=role,
                region_ids=region_ids,
                base_url=base_url(),
                days=int(current_app.config["INVITATION_DAYS"]),
                client=current_client(),
            )
            message = "User {email} invited: they get an e-mail with a link to choose their password."
        else:
            user, errors = attempt(
                add_user,
                db.session,
                current_user,
                email=email,
                name=name,
                role=role,
                region_ids=region_ids,
                password=form.get("password", ""),
            )
            message = "User {email} created with a temporary password: they choose their own at first sign-in."
        if not errors:
            flash(message.format(email=user.email), "success")
            return redirect(url_for("org.users"))
    selected = form.getlist("regions") if request.method == "POST" else []
    return render_template(
        "org/user_new.html",
        form=form,
        errors=errors,
        roles=ROLES,
        regions=_region_options(),
        selected=selected,
        access=access,
    ), 422 if errors else 200


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
def user_invitation(user_id: int):
    """Send a new invitation to someone who has not joined (the earlier link stops working)."""
    user = get_or_404(User, user_id)
    days = int(current_app.config["INVITATION_DAYS"])
    _, errors = attempt(
        resend_invitation, db.session, current_user, user, base_url=base_url(), days=days, client=current_client()
    )
    if errors:
        for messages in errors.values():
            flash(" ".join(messages), "error")
    else:
        flash(f"A new invitation is on its way to {user.email}; the earlier link no longer works.", "success")
    return redirect(url_for("org.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    """A user's page: role and regions (editable), tokens, password reset, deactivation."""
    user = get_or_404(User, user_id)
    if request.method == "GET":
        return _user_page(user, {"role": user.role.value, "regions": [r.id for r in user.regions]})
    role, region_ids = request.form.get("role", ""), request.form.getlist("regions")
    _, errors = attempt(edit_user, db.session, current_user, user, role=role, region_ids=region_ids)
    if errors:
        return _user_page(user, {"role": role, "regions": region_ids}, errors=errors, status=422)
    flash(f"{user.email} saved.", "success")
    return redirect(url_for("org.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def user_active(user_id: int):
    """Deactivate (ends sessions and tokens) or reactivate a user."""
    user = get_or_404(User, user_id)
    try:
        with atomic(db.session):  # a deactivation ends sessions and tokens before the answer says so
            set_user_active(db.session, current_user, user, wants_active())
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"{user.email} {'reactivated' if user.active else 'deactivated: signed out everywhere'}.", "success")
    return redirect(url_for("org.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@shows_text_errors
def user_password(user_id: int):
    """Set a temporary password for the user: revokes their phone sign-ins and ends their web sessions."""
    user = get_or_404(User, user_id)
    if errors := form_text_errors():
        return _user_page(
            user, {"role": user.role.value, "regions": [r.id for r in user.regions]}, pw_errors=errors, status=422
        )
    change, errors = attempt(
        reset_password,
        db.session,
        current_user,
        user,
        request.form.get("password", ""),
        request.form.get("confirm", ""),
        current_client(),
    )
    if errors:
        return _user_page(
            user, {"role": user.role.value, "regions": [r.id for r in user.regions]}, pw_errors=errors, status=422
        )
    flash(
        f"Temporary password set for {user.email}: they must choose their own at next sign-in; {change.describe()}.",
        "success",
    )
    return redirect(url_for("org.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/reset-link", methods=["POST"])
def user_reset_link(user_id: int):
    """E-mail the user a link to choose a new password themselves (their current one works until they do)."""
    user = get_or_404(User, user_id)
    minutes = int(current_app.config["RESET_MINUTES"])
    _, errors = attempt(
        send_reset_link, db.session, current_user, user, current_client(), base_url=base_url(), minutes=minutes
    )
    if errors:
        for messages in errors.values():
            flash(" ".join(messages), "error")
    else:
        flash(f"A password reset link is on its way to {user.email}.", "success")
    return redirect(url_for("org.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/mfa/reset", methods=["POST"])
def user_mfa_reset(user_id: int):
    """Remove the user's second factor (lost phone); logged. They enrol again (admins at their next sign-in)."""
    user = get_or_404(User, user_id)
    try:
        with atomic(db.session):
            reset_second_factor(db.session, current_user, user, current_client())
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(
            f"Second factor of {user.email} removed and their web sessions ended"
            f"{': they set up a new one at next sign-in' if mfa_required(user) else ''}.",
            "success",
        )
    return redirect(url_for("org.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
def token_revoke(user_id: int, token_id: int):
    """Revoke one of the user's API tokens."""
    user = get_or_404(User, user_id)
    with atomic(db.session):  # revoked before the answer says so
        token = revoke_user_token(db.session, current_user, user, token_id, current_client())
    if token is None:
        abort(404)
    flash(f"Token {token.prefix}… revoked.", "success")
    return redirect(url_for("org.user_edit", user_id=user.id))


def _enrolment_minutes() -> int:
    return max(1, int(current_app.config["ENROLMENT_LIFETIME"].total_seconds() // 60))


def public_server_url() -> str:
    """The address phones reach this server at (the QR code's server): the site's address."""
    return base_url()


@bp.route("/users/<int:user_id>/enrolment", methods=["POST"])
def user_enrolment(user_id: int):
    """A one-time code for a shopper's phone, shown once as a QR code and as text; voids their unused one."""
    user = get_or_404(User, user_id)
    try:
        with atomic(db.session):  # the code exists (and the old one is void) before the page shows it
            issued = create_enrolment_code(db.session, current_user, user, current_client())
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("org.user_edit", user_id=user.id))
    server = public_server_url()
    link = enrolment_link(server, issued.plaintext)
    page = render_template(
        "org/enrolment.html",
        user=user,
        qr=svg_qr_code(link, f"QR code to sign in {user.name}'s phone"),
        code=issued.readable,
        server=server,
        expires_at=issued.row.expires_at,
        minutes=_enrolment_minutes(),
    )
    return Response(page)  # pages of signed-in users are never cached (server.http_headers)
