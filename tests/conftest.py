"""Test set-up: headless Kivy, and an app on every database we support (SQLite always,
PostgreSQL when TEST_DATABASE_URL is set), its schema built through the Alembic migrations."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile

# Kivy reads these at import time: set them before anything can import it.
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="fieldaudit-kivy-"))
if os.environ.get("PYTEST_XDIST_WORKER"):  # a Kivy home per worker: Kivy writes config.ini and icons there on first use
    os.environ["KIVY_HOME"] = os.path.join(os.environ["KIVY_HOME"], os.environ["PYTEST_XDIST_WORKER"])
    os.makedirs(os.environ["KIVY_HOME"], exist_ok=True)
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from tests import factories  # noqa: E402
from tests.clients import new_client  # noqa: E402
from tests.route_builders import share_compiled_route_builders  # noqa: E402

share_compiled_route_builders()  # an app per test: compile each route's URL builders once per process

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _base_config(database_url: str, tmp_path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PHOTO_STORAGE_PATH": str(tmp_path / "photos"),
        "FILE_STORAGE_PATH": str(tmp_path / "files"),
        "REDIS_URL": None,  # jobs on the embedded queue; tests/server/jobs runs them on the real Redis too
        "JOB_SCHEDULER": False,  # no periodic thread in every test's app; the scheduler tests drive it
        "RATELIMIT_STORAGE_URI": "memory://",
        # Cheap scrypt parameters; tests/server/auth checks the real default once.
        "PASSWORD_HASH_METHOD": factories.TEST_HASH_METHOD,
    }


def _migrate(database_url: str, tmp_path) -> None:
    """Build the schema exactly as production does: through the Alembic migrations."""
    from server import create_app
    from server.database import upgrade_schema

    app = create_app(_base_config(database_url, tmp_path))
    with app.app_context():
        upgrade_schema()
        from server.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file that each test copies, so migrations run once per session."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    _migrate(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A private schema in the PostgreSQL test database, migrated once and dropped at the end.

    A schema per test session lets parallel runs share one database; an unreachable server
    is an error here, never a skip, so CI cannot pass without PostgreSQL."""
    from sqlalchemy.engine import make_url

    from server.config import normalise_database_url

    base = make_url(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    schema = f"fa_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    _migrate(url, tmp_path_factory.mktemp("pg-migrate"))
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def redis_url():
    """The machine's real Redis (the job queue's tests run against it). Unreachable: an error under CI, where
    Redis is always started, so CI cannot pass without it; elsewhere a skip that says what is missing."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            raise RuntimeError(f"Redis at {REDIS_URL} does not answer ({exc}); the queue tests need it") from exc
        pytest.skip(f"no Redis at {REDIS_URL} ({exc}): start it (or set TEST_REDIS_URL) to run the queue tests")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture(scope="session")
def postgres_emptier(postgres_url):
    """Empties the session's schema between tests on one kept connection (no new connection per test)."""
    engine = create_engine(postgres_url)
    yield lambda: _empty_postgres(engine)
    engine.dispose()


def _empty_postgres(engine) -> None:
    """What TRUNCATE of every table with RESTART IDENTITY did, for a fraction of its cost (most tests leave most
    tables empty, and TRUNCATE rewrites each table it names): delete the rows of the tables that have any,
    children first, and restart the sequences that were used. Every sequence in the schema is a table's own."""
    from server.extensions import db

    tables = [t.name for t in db.metadata.sorted_tables]
    probe = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables)
    with engine.begin() as conn:
        with_rows = set(conn.execute(text(probe)).scalars())
        for name in reversed(tables):
            if name in with_rows:
                conn.execute(text(f'DELETE FROM "{name}"'))
        conn.execute(
            text(
                "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false) "
                "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
        )


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    """A fresh, migrated, empty database for one test, on each supported engine."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    request.getfixturevalue("postgres_emptier")()
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app_config(database_url, tmp_path):
    """Config for the app under test; override this fixture to change settings."""
    return _base_config(database_url, tmp_path)


@pytest.fixture
def app(app_config):
    """The Flask app on a fresh database, with an app context pushed for the test body."""
    from server import create_app
    from server.extensions import db

    app = create_app(app_config)
    with app.app_context():
        yield app
        app.extensions["job_queue"].close()  # a job a test started finishes before its database goes
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    """The SQLAlchemy session the app uses."""
    from server.extensions import db

    return db.session


@pytest.fixture
def client(app):
    """A cookie-keeping client whose requests each get a fresh app context and database session."""
    return new_client(app)


@pytest.fixture
def make(session):
    """Factories for users, regions, branches, templates: `make.user(role="manager")`."""
    return factories.Factory(session)


# The fast lane (`scripts/test --fast`) leaves these out: real browsers, real servers and their faults, the Kivy
# screens, the schema fuzzer and the benchmark smokes. CI and the plain README command run them all.
SLOW_FOLDERS = ("tests/browser/", "tests/reliability/", "tests/deploy/", "tests/mobile/ui/", "tests/benchmarks/")


def pytest_collection_modifyitems(config, items):
    """Mark every test under a SLOW_FOLDERS folder `slow` (one place, instead of a marker in each module)."""
    root = str(config.rootpath) + os.sep
    for item in items:
        where = str(item.path).removeprefix(root).replace(os.sep, "/")
        if where.startswith(SLOW_FOLDERS):
            item.add_marker(pytest.mark.slow)
