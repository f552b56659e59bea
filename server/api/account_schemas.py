"""Request and response shapes for signing in from the phone and describing the caller."""

from __future__ import annotations

from flask import g
from marshmallow import Schema, fields

from server.api.base import Text
from server.models import Role
from server.services.accounts.tokens import DEFAULT_DEVICE_NAME
from shared.phone_settings import PhoneSettingsSchema


class TokenRequestSchema(Schema):
    """What the phone sends to sign in."""

    email = Text(required=True, min_length=1, max_length=254)
    password = Text(required=True, min_length=1, max_length=1024)
    device_name = Text(load_default=DEFAULT_DEVICE_NAME, min_length=1, max_length=120)
    otp = Text(
        load_default=None,
        max_length=64,
        metadata={
            "description": "the 6-digit code of the authenticator app, or a recovery code: required when the "
            "account has a second factor (every admin has one)"
        },
    )


class EnrolmentRequestSchema(Schema):
    """What the phone sends to sign in with the code an admin showed it (as a QR code or to type)."""

    code = Text(
        required=True,
        min_length=1,
        max_length=64,
        metadata={"description": "the one-time sign-in code; spaces and dashes are ignored, case does not matter"},
    )
    device_name = Text(load_default=DEFAULT_DEVICE_NAME, min_length=1, max_length=120)


class RegionSchema(Schema):
    """A region as the caller sees it."""

    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class UserSchema(Schema):
    """A user's public description."""

    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.Enum(Role, by_value=True)


class MeSchema(UserSchema):
    """The caller, and how far their view reaches."""

    scope = fields.String(metadata={"description": '"all" (admin), "regions" (manager) or "own" (shopper)'})
    can_manage = fields.Boolean()
    regions = fields.List(fields.Nested(RegionSchema), metadata={"description": "regions the caller may see"})
    phone_settings = fields.Nested(
        PhoneSettingsSchema,
        metadata={"description": "organisation settings the phone app follows; the phone reads them at every sync"},
    )


class TokenSchema(Schema):
    """A token as listed: never its plaintext nor its hash."""

    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "first characters of the token, to tell tokens apart"})
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    current = fields.Function(
        lambda token: token.id == g.get("api_token_id"),
        metadata={"description": "true for the token making this request"},
    )


class IssuedTokenSchema(Schema):
    """The answer to a successful sign-in: the only time the plaintext token is shown."""

    token = fields.String(metadata={"description": "send as 'Authorization: Bearer <token>'"})
    id = fields.Integer()
    name = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(UserSchema)
