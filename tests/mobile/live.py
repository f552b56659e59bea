"""The real Flask server on 127.0.0.1 in a thread, with helpers that create data through the server's services."""

from __future__ import annotations

import copy
import shutil
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

PASSWORD = "correct horse battery staple"


def build_template_db(folder: Path) -> Path:
    """A SQLite file migrated with server.database.upgrade_schema(), copied by every test."""
    from server import create_app
    from server.database import upgrade_schema
    from server.extensions import db

    path = folder / "template.db"
    app = create_app(server_config(path, folder))
    with app.app_context():
        upgrade_schema()
        db.engine.dispose()
    return path


def server_config(db_path: Path, folder: Path, **extra: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "mobile-tests",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "PHOTO_STORAGE_PATH": str(folder / "server-photos"),
        "FILE_STORAGE_PATH": str(folder / "server-files"),
        "REDIS_URL": None,
        "JOB_SCHEDULER": False,  # no periodic thread outliving the test's database
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        **extra,
    }


@dataclass
class Shopper:
    id: int
    email: str
    password: str = PASSWORD


class LiveServer:
    """A running server; ``url`` for the phone, ``ctx()`` for the test to look at or change its database."""

    def __init__(self, template_db: Path, folder: Path, **config: Any) -> None:
        from server import create_app

        folder.mkdir(parents=True, exist_ok=True)
        db_path = folder / "server.db"
        shutil.copy(template_db, db_path)
        self.app = create_app(server_config(db_path, folder, **config))
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self._n = 0

    def stop(self) -> None:
        from server.extensions import db

        self._server.shutdown()
        self._thread.join(10)
        self.app.extensions["job_queue"].close()
        with self.app.app_context():
            db.engine.dispose()

    def ctx(self):
        return self.app.app_context()

    @contextmanager
    def writing(self):
        """An app context whose block is one committed transaction (the server's services only flush)."""
        from server.services.transactions import atomic

        with self.ctx(), atomic(self.session):
            yield

    @property
    def session(self):
        from server.extensions import db

        return db.session

    def _next(self) -> int:
        self._n += 1
        return self._n

    def shopper(self, name: str = "Sam Shopper", role: str = "shopper") -> Shopper:
        from server.services.accounts.users import create_user

        n = self._next()
        email = f"{role}{n}@example.test"
        with self.ctx():
            user_id = create_user(
                self.session, email=email, name=name, role=role, password=PASSWORD, temporary=False
            ).id  # a shopper who has chosen their own password
            self.session.commit()
        if role == "admin":  # admins must have a second factor, as in tests/factories
            self.enrol_second_factor(Shopper(user_id, email))
        return Shopper(user_id, email)

    def otp(self, shopper: Shopper) -> str | None:
        """The code the user's authenticator app shows now, or None without a second factor."""
        from tests.server.auth_helpers import authenticator_code

        with self.ctx():
            return authenticator_code(shopper.email)

    def enrol_second_factor(self, shopper: Shopper) -> str:
        """Give the user an authenticator (as if set up on My account); returns its secret."""
        from server.models import User
        from server.models.types import utcnow
        from tests.factories import TOTP_SECRET

        with self.ctx():
            user = self.session.get(User, shopper.id)
            user.totp_secret, user.totp_enabled_at = TOTP_SECRET, utcnow()
            self.session.commit()
        return TOTP_SECRET

    def branch(self, name: str | None = None) -> int:
        from server.services.org.organisation import create_branch, create_region

        n = self._next()
        with self.writing():
            region = create_region(self.session, code=f"R{n}", name=f"Region {n}")
            return create_branch(
                self.session,
                region=region,
                code=f"B{n:03d}",
                name=name or f"Branch {n}",
                address=f"{n} High Street",
                latitude=51.5,
                longitude=-0.12,
            ).id

    def template(self, definition: dict[str, Any]) -> tuple[int, int]:
        """Import and publish a checklist; returns (template id, version id)."""
        from server.services.checklists.versions import import_template

        with self.writing():
            version = import_template(self.session, copy.deepcopy(definition), publish=True)
            return version.template_id, version.id

    def assignment(self, shopper: Shopper, branch_id: int, template_id: int) -> str:
        from server.models import Branch, Template, User
        from server.services.org.organisation import create_assignment

        with self.writing():
            s = self.session
            assignment = create_assignment(
                s,
                shopper=s.get(User, shopper.id),
                branch=s.get(Branch, branch_id),
                template=s.get(Template, template_id),
                due_from=date.today(),
                due_to=date.today() + timedelta(days=7),
                notes="Before noon",
            )
            return str(assignment.id)

    def set_settings(self, **values: Any) -> None:
        """Change organisation settings as an admin would (e.g. show_score_preview=True); phones learn at a sync."""
        from server.services.org.settings import save_settings

        with self.writing():
            save_settings(self.session, None, values)

    def enrolment_link(self, shopper: Shopper) -> str:
        """A one-time sign-in code for the shopper, made as an admin's "Sign in a phone" does; its QR code's link."""
        from server.models import User
        from server.services.accounts.enrolment import create_enrolment_code, enrolment_link

        admin = self.shopper("Ada Admin", role="admin")
        with self.writing():
            issued = create_enrolment_code(
                self.session, self.session.get(User, admin.id), self.session.get(User, shopper.id)
            )
            return enrolment_link(self.url, issued.plaintext)

    def expire_tokens(self, shopper: Shopper) -> None:
        from sqlalchemy import update

        from server.models import ApiToken
        from server.models.types import utcnow

        with self.ctx():
            self.session.execute(
                update(ApiToken)
                .where(ApiToken.user_id == shopper.id)
                .values(expires_at=utcnow() - timedelta(minutes=1))
            )
            self.session.commit()

    def visit(self, visit_id: str):
        """The server's Visit row (detached copy of the interesting fields)."""
        from server.models import Visit

        with self.ctx():
            row = self.session.get(Visit, uuid.UUID(visit_id))
            if row is None:
                return None
            return {
                "status": row.status.value,
                "revision": row.revision,
                "score_percent": row.score_percent,
                "shopper_id": row.shopper_id,
                "flagged": row.flagged,
                "zeroed": row.zeroed,
                "outcome": (row.outcome_reason, row.outcome_comment),
                "photos": {str(p.id): (p.received_bytes, p.size, p.completed_at is not None) for p in row.photos},
            }

    def photo_rows(self, visit_id: str) -> list[dict]:
        """The visit's Photo rows: pixels of what arrived, capture time and position."""
        from server.models import Photo

        with self.ctx():
            rows = self.session.query(Photo).filter(Photo.visit_id == uuid.UUID(visit_id)).all()
            return [
                {
                    "width": p.width,
                    "height": p.height,
                    "content_type": p.content_type,
                    "taken_at": p.taken_at,
                    "location": (p.latitude, p.longitude, p.accuracy_m),
                }
                for p in rows
            ]

    def count(self, model_name: str) -> int:
        from sqlalchemy import func, select

        import server.models as models

        with self.ctx():
            return self.session.scalar(select(func.count()).select_from(getattr(models, model_name)))

    def return_for_correction(self, visit_id: str, note: str = "Add a comment to the price check.") -> None:
        """An admin sends the visit back to its shopper (server.services.visits.reviews)."""
        from server.models import Visit
        from server.services.visits.reviews import return_for_correction

        admin = self.shopper("Ada Admin", role="admin")
        with self.writing():
            from server.models import User

            return_for_correction(
                self.session, self.session.get(User, admin.id), self.session.get(Visit, uuid.UUID(visit_id)), note
            )

    def revision_documents(self, visit_id: str) -> list[dict]:
        from sqlalchemy import select

        from server.models import VisitRevision

        with self.ctx():
            rows = self.session.scalars(
                select(VisitRevision)
                .where(VisitRevision.visit_id == uuid.UUID(visit_id))
                .order_by(VisitRevision.revision)
            )
            return [dict(r.document, _revision=r.revision) for r in rows]

    def publish_new_version(self, template_id: int, definition: dict[str, Any]) -> int:
        """Import and publish the next version of a template (the earlier one is retired)."""
        from server.models import Template
        from server.services.checklists.versions import import_template

        with self.writing():
            template = self.session.get(Template, template_id)
            return import_template(self.session, copy.deepcopy(definition), template=template, publish=True).id
