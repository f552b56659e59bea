"""The store's schema is versioned with PRAGMA user_version: upgrades apply in order and keep the data."""

from __future__ import annotations

import sqlite3

import pytest

from mobile.store import LocalStore, StoreError
from mobile.store.migrations import MIGRATIONS
from tests.mobile.factories import add_account, fill


def test_a_new_store_is_at_the_newest_schema_version(local_store):
    assert local_store.db.pragma("user_version") == len(MIGRATIONS)


def test_an_upgrade_runs_only_the_new_migrations_in_order_and_keeps_the_data(tmp_path):
    store = LocalStore(tmp_path / "phone")
    view = add_account(store)
    from tests.mobile.factories import base_page

    view.pulled.apply_changes(base_page("0f8fad5b-d9cb-469f-a165-70867728950e"), "c1")
    visit = view.drafts.start_visit("0f8fad5b-d9cb-469f-a165-70867728950e")
    fill(view, visit.id)
    store.close()

    ran = []

    shipped = len(MIGRATIONS)

    def v2_add_favourite(conn: sqlite3.Connection) -> None:
        ran.append(shipped + 1)
        conn.execute("ALTER TABLE branches ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0")

    def v3_mark_home(conn: sqlite3.Connection) -> None:
        ran.append(shipped + 2)
        conn.execute("UPDATE branches SET favourite = 1 WHERE id = 12")

    upgraded = LocalStore(tmp_path / "phone", migrations=[*MIGRATIONS, v2_add_favourite, v3_mark_home])
    assert ran == [shipped + 1, shipped + 2] and upgraded.db.pragma("user_version") == shipped + 2
    assert upgraded.db.one("SELECT favourite FROM branches WHERE id = 12")["favourite"] == 1
    again = upgraded.for_account(view.account_id)
    assert again.drafts.answers(visit.id)["greeted"].value == "yes" and again.account.cursor == "c1"
    upgraded.close()
    LocalStore(tmp_path / "phone", migrations=[*MIGRATIONS, v2_add_favourite, v3_mark_home]).close()
    assert ran == [shipped + 1, shipped + 2]


def test_a_failing_migration_leaves_the_previous_version_intact(tmp_path):
    LocalStore(tmp_path / "phone").close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE visits ADD COLUMN half_done TEXT")
        raise RuntimeError("bug in migration")

    with pytest.raises(RuntimeError):
        LocalStore(tmp_path / "phone", migrations=[*MIGRATIONS, broken])
    store = LocalStore(tmp_path / "phone")
    assert store.db.pragma("user_version") == len(MIGRATIONS)
    columns = [r["name"] for r in store.db.query("PRAGMA table_info(visits)")]
    assert "half_done" not in columns
    store.close()


def test_a_store_from_a_newer_app_is_refused_rather_than_damaged(tmp_path):
    LocalStore(tmp_path / "phone").close()
    conn = sqlite3.connect(tmp_path / "phone" / "fieldaudit.db")
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer version of the app"):
        LocalStore(tmp_path / "phone")


def test_a_store_from_before_the_snapshot_marks_gets_them_and_keeps_what_it_pulled(tmp_path):
    old = LocalStore(tmp_path / "phone", migrations=MIGRATIONS[:2])  # v1 schema + v2 phone settings
    account = add_account(old)
    with old.db.transaction() as conn:
        conn.execute(
            """INSERT INTO branches (account_id, id, code, name, pulled_at)
                        VALUES (?, 12, 'B012', 'Branch B012', '2026-03-01T00:00:00Z')""",
            (account.account_id,),
        )
    old.close()
    store = LocalStore(tmp_path / "phone")
    view = store.for_account(account.account_id)
    assert view.pulled.branch(12).code == "B012"
    view.pulled.apply_changes([], "5", reset=True, snapshot_complete=True)
    assert view.pulled.branches(include_removed=True) == []
    store.close()
