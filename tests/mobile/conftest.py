"""Fixtures for the phone's store and sync tests: a store on disk with one signed-in account."""

from __future__ import annotations

import uuid

import pytest

from mobile.store import AccountStore, LocalStore
from tests.mobile.factories import add_account, base_page


@pytest.fixture
def local_store(tmp_path):
    """A fresh store in a private folder, closed after the test."""
    store = LocalStore(tmp_path / "phone")
    yield store
    store.close()


@pytest.fixture
def assignment_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def shop(local_store, assignment_id) -> AccountStore:
    """One account that has pulled a checklist version (7), a branch (12) and an open assignment."""
    view = add_account(local_store)
    view.pulled.apply_changes(base_page(assignment_id), "c1")
    return view


@pytest.fixture(scope="session")
def server_template_db(tmp_path_factory):
    """One migrated server database per session (server.database.upgrade_schema), copied per test."""
    from tests.mobile.live import build_template_db

    return build_template_db(tmp_path_factory.mktemp("mobile-server-template"))


@pytest.fixture
def server_config_overrides() -> dict:
    """Extra server config for one test module (override to set SYNC_MAX_VISITS and the like)."""
    return {}


@pytest.fixture
def live_server(server_template_db, tmp_path, server_config_overrides):
    """The real Flask app served over HTTP on 127.0.0.1 (a free port) in a thread."""
    from tests.mobile.live import LiveServer

    server = LiveServer(server_template_db, tmp_path / "server", **server_config_overrides)
    yield server
    server.stop()
