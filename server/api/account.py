"""Signing in from the phone (bearer tokens), managing one's tokens, and who am I."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from server.api.account_schemas import (
    EnrolmentRequestSchema,
    IssuedTokenSchema,
    MeSchema,
    TokenRequestSchema,
    TokenSchema,
)
from server.api.base import BEARER, Blueprint
from server.auth.context import current_client
from server.auth.limits import login_limits
from server.errors import error_body
from server.extensions import db
from server.http.access import login_required_role
from server.permissions import can_manage, scope_of
from server.services.accounts.auth_log import log_auth_event
from server.services.accounts.enrolment import CodeRefused, sign_in_with_code
from server.services.accounts.token_sign_in import IssuedSignIn, TokenRefused, sign_in_for_token
from server.services.accounts.tokens import list_tokens, revoke_token
from server.services.org.queries import visible_regions
from server.services.org.settings import current_settings, phone_settings
from server.services.transactions import atomic

blp = Blueprint(
    "account",
    __name__,
    url_prefix="/api/v1",
    description="Sign in from the phone, manage its tokens, and see who you are.",
)


def _refusal(exc: TokenRefused):
    body = error_body(exc.status, exc.message, exc.as_errors() if exc.field else None)
    body["reason"] = exc.reason
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
    return jsonify(body), exc.status, headers


@blp.route("/auth/tokens", methods=["POST"])
@login_limits
@blp.arguments(TokenRequestSchema)
@blp.response(201, IssuedTokenSchema)
@blp.alt_response(
    401,
    response="UNAUTHORIZED",
    description="Wrong email or password (reason "
    "`wrong_credentials`), or the account has a second factor and `otp` is missing "
    "(`otp_required`) or wrong (`otp_invalid`).",
)
@blp.alt_response(
    403,
    response="FORBIDDEN",
    description="Finish on the website first: a temporary password "
    "(`password_change_required`) or an admin's missing second factor (`mfa_enrolment_required`).",
)
@blp.alt_response(
    429,
    response="TOO_MANY_REQUESTS",
    description="Too many failures; `Retry-After` says when to try again (reason `throttled`).",
)
@blp.doc(security=[])
def create_token(body):
    """Sign in: exchange email, password (and `otp` when the account has a second factor) for a bearer token."""
    try:
        with atomic(db.session):  # a refused password or code was counted and committed by the sign-in already
            issued = sign_in_for_token(
                db.session,
                email=body["email"],
                password=body["password"],
                device_name=body["device_name"],
                otp=body.get("otp"),
                client=current_client(),
            )
    except TokenRefused as exc:
        return _refusal(exc)
    return _issued(issued)


def _issued(issued: IssuedSignIn) -> dict:
    token = issued.token
    return {
        "token": issued.plaintext,
        "id": token.id,
        "name": token.name,
        "expires_at": token.expires_at,
        "user": issued.user,
    }


@blp.route("/auth/enrolments", methods=["POST"])
@login_limits
@blp.arguments(EnrolmentRequestSchema)
@blp.response(201, IssuedTokenSchema)
@blp.alt_response(
    401,
    response="UNAUTHORIZED",
    description="The code cannot sign in (`errors.code` says why; reason `code_unknown`, `code_used`, "
    "`code_expired`, `code_replaced` or `inactive`).",
)
@blp.alt_response(
    429,
    response="TOO_MANY_REQUESTS",
    description="Too many sign-in attempts from this address (shared with `POST /auth/tokens`); see `Retry-After`.",
)
@blp.doc(security=[])
def create_enrolment_token(body):
    """Sign in with a one-time code an admin showed (QR code on the user's page): a token, as from `/auth/tokens`.

    The code stands for password and second factor (the admin vouches for the phone); it works once, for
    a few minutes (FIELDAUDIT_ENROLMENT_MINUTES, 15 by default)."""
    try:
        with atomic(db.session):
            issued = sign_in_with_code(
                db.session, code=body["code"], device_name=body["device_name"], client=current_client()
            )
    except CodeRefused as exc:
        return _refusal(exc)
    return _issued(issued)


@blp.route("/auth/tokens", methods=["GET"])
@login_required_role()
@blp.response(200, TokenSchema(many=True))
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.doc(security=BEARER)
def get_tokens():
    """The caller's tokens that still work, newest first."""
    return list_tokens(db.session, current_user)


@blp.route("/auth/tokens/<int:token_id>", methods=["DELETE"])
@login_required_role()
@blp.response(204)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def delete_token(token_id: int):
    """Revoke a token: your own, or any as an admin (signing out a phone); another user's id answers 404."""
    with atomic(db.session):  # revoked before the answer says so; TokenNotFound is answered as 404
        token = revoke_token(db.session, current_user, token_id)
        log_auth_event(
            db.session,
            "token_revoked",
            current_client(),
            user=token.user,
            actor=current_user,
            summary=f"Token {token.prefix}… ({token.name}) of {token.user.email} revoked through the API",
        )


@blp.route("/me", methods=["GET"])
@login_required_role()
@blp.response(200, MeSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.doc(security=BEARER)
def me():
    """The caller, their role, the regions they may see, and the settings the phone app follows."""
    user = current_user
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "scope": scope_of(user),
        "can_manage": can_manage(user),
        "regions": visible_regions(db.session, user),
        "phone_settings": phone_settings(current_settings()),
    }
