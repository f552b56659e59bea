"""Flask extensions, created unbound here and bound to an app in create_app (flaskr style)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from marshmallow import Schema, fields
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so Alembic migrations are stable on every database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:  # type checkers see the declarative base that db.Model is made from
    Model = Base
else:
    Model = db.Model
DbSession: TypeAlias = Session | scoped_session[Any]
"""What services take: the request's scoped session (`db.session`) or a plain Session (scripts, benchmarks)."""
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class ApiErrorSchema(Schema):
    """The one error shape of server.errors.error_body, as documented for every 4xx/5xx of the API."""

    status = fields.Integer(metadata={"description": "the HTTP status code"})
    message = fields.String(metadata={"description": "a sentence for people"})
    errors = fields.Dict(keys=fields.String(), metadata={"description": "field path -> messages"})
    reason = fields.String(metadata={"description": "401 only: token_missing, token_expired, token_revoked, ..."})
    received_bytes = fields.Integer(metadata={"description": "photo uploads: bytes the server holds"})


class DocumentedApi(Api):
    """flask-smorest's Api, documenting our error body instead of its default {code, status: str, ...}."""

    ERROR_SCHEMA = ApiErrorSchema


api = DocumentedApi()
