"""Fieldaudit server: the Flask application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from server import config as config_module

# `openapi`, not `api`: importing the server.api package rebinds the attribute `server.api`.
from server.extensions import api as openapi
from server.extensions import csrf, db, limiter, login_manager, migrate
from server.json_input import SafeJSONProvider
from server.private_files import private_folder, private_sqlite_database
from server.request_class import FieldauditRequest

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: environment config first, then the explicit `config` overrides (tests)."""
    app = Flask(__name__, instance_path=os.environ.get("FIELDAUDIT_INSTANCE_PATH") or None)
    app.request_class, app.json = FieldauditRequest, SafeJSONProvider(app)  # hostile JSON is a 400, CRLF is LF
    instance = Path(app.instance_path)
    app.config.from_mapping(config_module.from_environment(instance))
    if config:
        app.config.update(config)
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(uri)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.instance_secret_key(instance)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith(f"sqlite:///{instance}"):
        private_folder(instance)
    private_sqlite_database(app.config["SQLALCHEMY_DATABASE_URI"])

    if app.config["PROXY_HOPS"]:  # behind a load balancer: trust its X-Forwarded-* headers (rate limits per client IP)
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]  # Flask's documented way

    from server import database, errors, http_headers, models  # noqa: F401 - models register tables

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    openapi.init_app(app)
    errors.init_app(app)
    http_headers.init_app(app)

    from server import auth, cli, queue, request_isolation, storage, web
    from server.api import init_app as init_api
    from server.http import outgoing_mail
    from server.services.scores import cache as rollup_cache
    from server.services.webhooks import kick as webhook_kick

    storage.init_app(app)
    queue.init_app(app)
    auth.init_app(app)
    init_api(app)
    web.init_app(app)
    cli.init_app(app)
    request_isolation.init_app(app)
    rollup_cache.init_app(app)
    webhook_kick.init_app(app)
    outgoing_mail.init_app(app)
    return app
