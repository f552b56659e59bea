"""Small factories for test data, so each test says only what matters to it."""

from __future__ import annotations

import copy
import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from werkzeug.security import generate_password_hash

# Cheap scrypt parameters: the real cost is tested in the accounts tests, not paid 500 times.
TEST_HASH_METHOD = "scrypt:1024:8:1"
PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
"""The authenticator secret factory admins are enrolled with, so tests answer the code step like a person."""

SMALL_CHECKLIST = {
    "format": 1,
    "title": "Small test checklist",
    "critical_policy": "flag",
    "sections": [
        {
            "key": "front",
            "title": "Front of house",
            "questions": [
                {"key": "greeted", "text": "Greeted on arrival?", "type": "yes_no", "required": True},
                {"key": "clean", "text": "How clean?", "type": "scale", "min": 1, "max": 5, "weight": 2},
            ],
        },
        {
            "key": "till",
            "title": "At the till",
            "questions": [
                {
                    "key": "price_ok",
                    "text": "Price matched?",
                    "type": "yes_no",
                    "critical": True,
                    "critical_policy": "zero",
                },
                {"key": "notes", "text": "Anything else?", "type": "text"},
            ],
        },
    ],
}


class Factory:
    """Creates rows with sensible defaults and unique codes; every call commits."""

    def __init__(self, session):
        self.session = session
        self._seq = itertools.count(1)

    def _n(self) -> int:
        return next(self._seq)

    def _save(self, obj):
        self.session.add(obj)
        self.session.commit()
        return obj

    def user(
        self,
        role: str = "shopper",
        *,
        email: str | None = None,
        password: str = PASSWORD,
        regions=(),
        active: bool = True,
        name: str | None = None,
        mfa: bool | None = None,
        temporary: bool = False,
        demo: bool = False,
    ):
        """A user; admins (and anyone with mfa=True) are enrolled with TOTP_SECRET, as the rules require."""
        from server.models import Role, User
        from server.models.types import utcnow

        n = self._n()
        enrolled = role == "admin" if mfa is None else mfa
        user = User(
            email=email or f"{role}{n}@example.test",
            name=name or f"{role.title()} {n}",
            role=Role(role),
            password_hash=generate_password_hash(password, method=TEST_HASH_METHOD),
            active=active,
            must_change_password=temporary,
            demo=demo,
            totp_secret=TOTP_SECRET if enrolled else None,
            totp_enabled_at=utcnow() if enrolled else None,
        )
        user.regions = list(regions)
        return self._save(user)

    def region(self, name: str | None = None, code: str | None = None):
        from server.models import Region

        n = self._n()
        return self._save(Region(code=code or f"R{n}", name=name or f"Region {n}"))

    def branch(self, region=None, *, code: str | None = None, name: str | None = None, active: bool = True):
        from server.models import Branch

        region = region or self.region()
        n = self._n()
        return self._save(
            Branch(
                region=region,
                code=code or f"B{n:03d}",
                name=name or f"Branch {n}",
                address=f"{n} High Street",
                latitude=51.5 + n / 1000,
                longitude=-0.12,
                active=active,
            )
        )

    def template(self, definition: dict | None = None, *, published: bool = True):
        """A template with one version (published unless told otherwise)."""
        from server.models import Template, TemplateVersion, VersionStatus
        from server.models.types import utcnow

        definition = copy.deepcopy(definition or SMALL_CHECKLIST)
        template = Template(name=definition["title"], description=definition.get("description", ""))
        version = TemplateVersion(
            number=1,
            definition=definition,
            status=VersionStatus.PUBLISHED if published else VersionStatus.DRAFT,
            published_at=utcnow() if published else None,
        )
        template.versions.append(version)
        return self._save(template)

    def assignment(self, *, shopper=None, branch=None, template=None, days: int = 7):
        from server.models import Assignment

        today = date.today()
        return self._save(
            Assignment(
                shopper=shopper or self.user("shopper"),
                branch=branch or self.branch(),
                template=template or self.template(),
                due_from=today,
                due_to=today + timedelta(days=days),
            )
        )


@contextmanager
def empty_database_like(database_url: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database of the same kind, for a second instance (a restore's target): a new SQLite
    file in `folder`, or a new PostgreSQL database with the same search_path (dropped afterwards)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{folder / f'restored-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"fa_restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
