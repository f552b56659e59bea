"""`fieldaudit backup` of a RUNNING instance (`fieldaudit run`, phones pushing visits with photos all the while), then
`fieldaudit restore` into a new instance: the restored data is exactly the backup's snapshot (every user, visit,
score and photo hash; visits pushed after the snapshot are simply absent), a server runs on it and takes new pushes,
and a corrupted backup (a flipped byte in the database or a photo, a missing file, an edited manifest) is refused
with a message naming the file, before anything is written. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
import shutil
import threading
import time

from sqlalchemy.engine import make_url

from tests.factories import empty_database_like
from tests.mobile.factories import CHECKLIST
from tests.reliability.phones import FieldPhone
from tests.reliability.server_process import ServerProcess, run_fieldaudit, seed_org, server_app
from tests.server.services.backup.helpers import PER_VISIT_TABLES, photo_keys, rows_at, stored_hashes

SHOPPERS = 3
BEFORE_LOAD = 2  # visits each phone has pushed before the load starts
MAX_VISITS = 40  # per phone, whatever happens: the load is bounded
LOAD_SECONDS = 120
SETTLED_TABLES = ("users", "regions", "branches", "templates", "template_versions", "assignments")
"""Tables the phones' pushes do not change: the restored rows equal the live ones at the end."""


class Load:
    """Phones taking turns to finish a visit with a photo and sync, in a thread, until told to stop."""

    def __init__(self, phones: list[FieldPhone], org, rng: random.Random) -> None:
        self.phones, self.org, self.rng = phones, org, rng
        self.stop = threading.Event()
        self.pushed = 0
        self.problems: list[str] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        deadline = time.monotonic() + LOAD_SECONDS
        try:
            for _ in range(MAX_VISITS):
                for phone in self.phones:
                    if self.stop.is_set() or time.monotonic() > deadline:
                        return
                    phone.complete_visit(self.rng, branch_id=self.org.branch_id, version_id=self.org.version_id)
                    result = phone.sync()
                    if not result.ok:
                        self.problems.append(repr(result))
                    self.pushed += 1
        except Exception as exc:  # reported by the test, never lost in the thread
            self.problems.append(repr(exc))

    def wait_for(self, pushed: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.pushed < pushed and time.monotonic() < deadline and self.thread.is_alive():
            time.sleep(0.05)
        assert self.pushed >= pushed, (self.pushed, self.problems)

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(LOAD_SECONDS)
        assert not self.thread.is_alive() and not self.problems, self.problems


def as_dicts(rows, table: str) -> list[dict]:
    from server.extensions import db

    columns = [c.name for c in db.metadata.tables[table].columns]
    return [dict(zip(columns, row, strict=True)) for row in rows[table]]


def settled_rows(rows, settled_visits: set, complete_photos: set) -> dict[str, list[dict]]:
    """The per-visit rows that can no longer change under the phones: those of visits no longer awaiting photos,
    and complete photos (a visit still receiving photos at the snapshot moves on in the live instance)."""
    chosen = {}
    for table in PER_VISIT_TABLES:
        if table == "photos":
            chosen[table] = [d for d in as_dicts(rows, table) if d["id"] in complete_photos]
        else:
            key = "id" if table == "visits" else "visit_id"
            chosen[table] = [d for d in as_dicts(rows, table) if d[key] in settled_visits]
    return chosen


def flip_byte(path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 if at is None else at] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_backup_of_a_running_instance_restores_exactly_its_snapshot(server_process, database_url, tmp_path):
    org = seed_org(database_url, tmp_path / "seed", CHECKLIST, shoppers=SHOPPERS, assignments_each=1)
    server_process.start()
    rng = random.Random(20261201)
    phones = [
        FieldPhone.sign_in(server_process.url, email, tmp_path / f"phone{n}", rng)
        for n, (_, email) in enumerate(org.shoppers)
    ]
    backup = tmp_path / "backup"
    try:
        for phone in phones:
            assert phone.sync().ok
            for _ in range(BEFORE_LOAD):
                phone.complete_visit(rng, branch_id=org.branch_id, version_id=org.version_id)
            assert phone.sync().ok
        load = Load(phones, org, rng)
        load.thread.start()
        load.wait_for(3)  # the backup starts while visits and photos are arriving
        made = run_fieldaudit(["backup", str(backup)], server_process.env(), tmp_path)
        after_backup = load.pushed
        load.wait_for(after_backup + 2)  # and they keep arriving after it
        load.finish()
    finally:
        for phone in phones:
            phone.close()
    assert made.returncode == 0, made.stderr
    assert "Backed up the" in made.stdout and "Backup written to" in made.stdout
    manifest = json.loads((backup / "manifest.json").read_text())
    live = rows_at(database_url)
    server_process.stop()

    with empty_database_like(database_url, tmp_path / "restored-db") as target_url:
        restored_server = ServerProcess(target_url, tmp_path / "restored")
        env = restored_server.env()
        _corrupted_backups_are_refused_and_write_nothing(backup, env, target_url, tmp_path)

        done = run_fieldaudit(["restore", str(backup)], env, tmp_path)
        assert done.returncode == 0, done.stderr
        counts = manifest["counts"]
        assert f"{counts['users']} users, {counts['visits']} visits, {counts['photos']} photos" in done.stdout
        restored = rows_at(target_url)

        # The restored data is the snapshot: every row of the backup's own SQLite file, or (PostgreSQL) the live rows
        # of the visits it holds, and the tables the pushes never change.
        if make_url(database_url).get_backend_name() == "sqlite":
            assert restored == rows_at(f"sqlite:///{backup / 'database.sqlite'}")
        snapshot_visits = {row[0] for row in restored["visits"]}
        live_visits = {row[0] for row in live["visits"]}
        assert len(snapshot_visits) == counts["visits"] >= SHOPPERS * BEFORE_LOAD + 3
        assert snapshot_visits < live_visits  # visits pushed after the snapshot are absent, and only those
        settled = {v["id"] for v in as_dicts(restored, "visits") if v["status"].value != "awaiting_photos"}
        assert len(settled) >= SHOPPERS * BEFORE_LOAD
        complete = {p["id"] for p in as_dicts(restored, "photos") if p["completed_at"] is not None}
        assert {
            p["visit_id"] for p in as_dicts(restored, "photos") if p["id"] not in complete
        } <= snapshot_visits - settled
        assert settled_rows(restored, settled, complete) == settled_rows(live, settled, complete)
        for table in SETTLED_TABLES:
            assert restored[table] == live[table], table

        # Every photo the snapshot holds is in the new instance's storage with its hash, as the manifest lists it.
        keys = photo_keys(restored)
        listed = {p["key"]: p["sha256"] for p in manifest["photos"]["objects"]}
        assert keys and {key: sha for key, sha in listed.items() if "~" not in key} == keys
        assert len(listed) == 3 * len(keys) and not manifest["photos"]["missing"]  # each with its two renditions
        app = server_app(target_url, tmp_path / "restored")
        with app.app_context():
            from server.extensions import db
            from server.storage import current_storage

            assert stored_hashes(current_storage(), list(listed)) == listed
            db.engine.dispose()

        # A server runs on the restored instance and takes a new visit with its photo.
        restored_server.start()
        try:
            phone = FieldPhone.sign_in(restored_server.url, org.shoppers[0][1], tmp_path / "phone-after", rng)
            try:
                assert phone.sync().ok
                phone.complete_visit(rng, branch_id=org.branch_id, version_id=org.version_id)
                assert phone.sync().ok and phone.settled()
            finally:
                phone.close()
        finally:
            restored_server.stop()
        assert len(rows_at(target_url, ("visits",))["visits"]) == counts["visits"] + 1


def _corrupted_backups_are_refused_and_write_nothing(backup, env, target_url, tmp_path) -> None:
    """Four damaged copies of the backup, each refused with the file named; the target is still empty after."""
    photo = next(p for p in sorted((backup / "photos").glob("*/*")) if "~" not in p.name)
    relative = photo.relative_to(backup).as_posix()
    database_file = next(backup.glob("database.*")).name
    damages = {
        "database": (
            lambda copy: flip_byte(copy / database_file, at=200),
            f"{database_file}: its SHA-256 does not match the manifest",
        ),
        "photo": (lambda copy: flip_byte(copy / relative), f"{relative}: its SHA-256 does not match the manifest"),
        "missing": (lambda copy: (copy / relative).unlink(), f"{relative}: missing: the backup is incomplete"),
        "manifest": (
            lambda copy: (copy / "manifest.json").write_text(
                (copy / "manifest.json").read_text().replace('"visits": ', '"visits": 1', 1)
            ),
            "manifest.json: its checksum does not match its content",
        ),
    }
    for name, (damage, message) in damages.items():
        copy = tmp_path / f"damaged-{name}"
        shutil.copytree(backup, copy)
        damage(copy)
        refused = run_fieldaudit(["restore", str(copy)], env, tmp_path)
        assert refused.returncode != 0, (name, refused.stdout)
        assert message in refused.stderr and "Traceback" not in refused.stderr, (name, refused.stderr)
    assert not [p for p in (tmp_path / "restored" / "photos").rglob("*") if p.is_file()]
    assert not any(rows_at(target_url, ("users", "visits", "photos")).values()) if _has_schema(target_url) else True


def _has_schema(url: str) -> bool:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return inspect(connection).has_table("users")
    finally:
        engine.dispose()
