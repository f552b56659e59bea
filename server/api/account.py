"""Signing in from the phone (bearer tokens), managing one's tokens, and who am I."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..auth.limits import login_limits
from ..extensions import db
from ..permissions import can_manage, login_required_role, scope_of, visible_regions_query
from ..services.accounts import authenticate
from ..services.organisation_settings import current_settings, phone_settings
from ..services.tokens import TokenNotFound, issue_token, list_tokens, revoke_token
from .account_schemas import IssuedTokenSchema, MeSchema, TokenRequestSchema, TokenSchema
from .base import BEARER, Blueprint

blp = Blueprint("account", __name__, url_prefix="/api/v1",
                description="Sign in from the phone, manage its tokens, and see who you are.")

WRONG_CREDENTIALS = "Email or password is incorrect."


@blp.route("/auth/tokens", methods=["POST"])
@login_limits
@blp.arguments(TokenRequestSchema)
@blp.response(201, IssuedTokenSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
@blp.doc(security=[])
def create_token(body):
    """Sign in: exchange email and password for a bearer token (rate-limited)."""
    user = authenticate(db.session, body["email"], body["password"])
    if user is None:
        abort(401, WRONG_CREDENTIALS)
    token, plaintext = issue_token(db.session, user, body["device_name"])
    return {"token": plaintext, "id": token.id, "name": token.name, "expires_at": token.expires_at, "user": user}


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
    """Revoke a token: your own, or any as an admin (signing out a phone)."""
    try:
        revoke_token(db.session, current_user, token_id)
    except TokenNotFound:
        abort(404, "No such token.")


@blp.route("/me", methods=["GET"])
@login_required_role()
@blp.response(200, MeSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.doc(security=BEARER)
def me():
    """The caller, their role, the regions they may see, and the settings the phone app follows."""
    user = current_user
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
            "scope": scope_of(user), "can_manage": can_manage(user),
            "regions": db.session.scalars(visible_regions_query(user)).all(),
            "phone_settings": phone_settings(current_settings())}
