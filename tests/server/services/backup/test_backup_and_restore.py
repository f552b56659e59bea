"""`fieldaudit backup` and `fieldaudit restore` on each database: a restore into a new instance holds every row and
photo of the backup, and each refusal (a folder in use, data in the target, another kind, a newer schema) is a clear
message with a non-zero exit that wrote nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update
from sqlalchemy.engine import make_url

from server import create_app
from server.extensions import db
from server.models import Photo
from server.services.backup.manifest import MANIFEST_NAME, seal
from server.storage import current_storage
from tests.factories import empty_database_like
from tests.server.photos.factories import make_photo_visit, put
from tests.server.services.backup.helpers import every_row, photo_keys, stored_hashes


def newest_revision() -> str:
    """The head of this code's migrations (what a fresh backup records, and a restore upgrades to)."""
    from alembic.script import ScriptDirectory

    from server import MIGRATIONS_DIR

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() or ""


@pytest.fixture
def stocked(app, client, make, session):
    """Two visits whose photos (and their renditions) are stored, and a user with nothing else."""
    visits = [make_photo_visit(make, session) for _ in range(2)]
    for visit in visits:
        for photo in visit.photos:
            assert put(client, visit, photo).status_code == 201
    make.user("manager")
    return visits


@pytest.fixture
def target(app_config, database_url, tmp_path):
    """A second instance on a new, empty database of the same kind, with its own photo folder."""
    with empty_database_like(database_url, tmp_path / "target-db") as url:
        restored = create_app(
            {**app_config, "SQLALCHEMY_DATABASE_URI": url, "PHOTO_STORAGE_PATH": str(tmp_path / "p2")}
        )
        yield restored
        with restored.app_context():
            db.engine.dispose()


def run(app, *args):
    """A `fieldaudit` command on `app` (its own app context: the commands use the current app when there is one)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def source_rows(app):
    with db.engine.connect() as connection:
        return every_row(connection)


def target_rows(target):
    with target.app_context(), db.engine.connect() as connection:
        return every_row(connection)


def test_a_restore_into_a_new_instance_holds_every_row_and_photo_of_the_backup(app, stocked, target, tmp_path):
    folder = tmp_path / "backup of 1 Dec #1?"  # any character in the folder's name
    made = run(app, "backup", str(folder))
    assert made.exit_code == 0, made.output
    assert "users" in made.output and "Photo objects copied: 12." in made.output  # 4 photos, each with 2 renditions

    restored = run(target, "restore", str(folder))
    assert restored.exit_code == 0, restored.output
    assert "Restored the" in restored.output and "3 users, 2 visits, 4 photos" in restored.output

    expected = source_rows(app)
    assert target_rows(target) == expected
    keys = photo_keys(expected)
    assert len(keys) == 4
    renditions = [f"{key}~{name}" for key in keys for name in ("page", "thumb")]
    with target.app_context():
        restored_hashes = stored_hashes(current_storage(), [*keys, *renditions])
    assert {key: restored_hashes[key] for key in keys} == keys
    assert restored_hashes == stored_hashes(current_storage(), [*keys, *renditions])


def test_the_manifest_says_what_the_backup_holds(app, stocked, tmp_path):
    folder = tmp_path / "backup"
    assert run(app, "backup", str(folder)).exit_code == 0
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    assert manifest["format_version"] == 1 and manifest["schema_revision"] == newest_revision()
    assert manifest["database"]["kind"] == db.engine.dialect.name
    assert manifest["counts"] == {"users": 3, "visits": 2, "photos": 4}
    assert manifest["created_at"].endswith("Z") and manifest["fieldaudit_version"]
    assert manifest["photos"]["mode"] == "copy" and len(manifest["photos"]["objects"]) == 12
    assert len(manifest["files"]) == 13 and manifest == seal(manifest)


def test_a_backup_lists_only_the_photos_of_its_manifest_without_copying_them(app, stocked, tmp_path):
    folder = tmp_path / "backup"
    made = run(app, "backup", str(folder), "--photos", "manifest")
    assert made.exit_code == 0, made.output
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    assert not (folder / "photos").exists() and [f["path"] for f in manifest["files"]] == [manifest["database"]["file"]]
    listed = {p["key"]: p["sha256"] for p in manifest["photos"]["objects"]}
    assert len(listed) == 12 and {k: v for k, v in listed.items() if "~" not in k} == photo_keys(source_rows(app))


def test_a_photo_gone_from_storage_is_a_warning_and_is_listed_as_missing(app, stocked, tmp_path):
    key = f"{stocked[0].id}/{stocked[0].photos[0].id}"
    current_storage().delete(key)
    folder = tmp_path / "backup"
    made = run(app, "backup", str(folder))
    assert made.exit_code == 0, made.output
    assert f"warning: photo object {key} is no longer stored" in made.output
    assert json.loads((folder / MANIFEST_NAME).read_text())["photos"]["missing"] == [key]


def test_a_stored_photo_that_differs_from_its_hash_fails_the_backup_and_leaves_nothing(app, stocked, tmp_path):
    photo = stocked[1].photos[1]
    key = f"{stocked[1].id}/{photo.id}"
    (current_storage().root / key).write_bytes(b"not the photo")
    folder = tmp_path / "backup"
    made = run(app, "backup", str(folder))
    assert made.exit_code == 1
    assert f"{key}: the stored photo's SHA-256 differs from the database's" in made.output
    assert not folder.exists()


def test_a_backup_refuses_a_folder_that_holds_anything(app, stocked, tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    made = run(app, "backup", str(folder))
    assert made.exit_code == 1 and "is not empty" in made.output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_a_restore_over_data_is_refused_unless_forced_and_says_what_it_would_replace(app, stocked, tmp_path):
    folder = tmp_path / "backup"
    assert run(app, "backup", str(folder)).exit_code == 0
    session = db.session
    session.execute(update(Photo).values(question_key="changed"))
    session.commit()
    before = source_rows(app)

    refused = run(app, "restore", str(folder))
    assert refused.exit_code == 1
    assert "already holds data (3 users" in refused.output and "--force" in refused.output
    assert source_rows(app) == before

    forced = run(app, "restore", str(folder), "--force")
    assert forced.exit_code == 0, forced.output
    assert "Replaced the data that was there: 3 users" in forced.output
    assert {row[2] for row in source_rows(app)["photos"]} == {"storefront", "receipt"}


def test_a_corrupted_backup_is_refused_before_anything_is_written(app, stocked, target, tmp_path):
    folder = tmp_path / "backup"
    assert run(app, "backup", str(folder)).exit_code == 0
    photo = next((folder / "photos").glob("*/*"))
    data = bytearray(photo.read_bytes())
    data[len(data) // 2] ^= 0x20
    photo.write_bytes(bytes(data))

    refused = run(target, "restore", str(folder))
    assert refused.exit_code == 1
    assert f"photos/{photo.parent.name}/{photo.name}: its SHA-256 does not match the manifest" in refused.output
    assert "Traceback" not in refused.output
    assert not (target.config["PHOTO_STORAGE_PATH"] and any(_files(target.config["PHOTO_STORAGE_PATH"])))
    assert all(not rows for rows in target_rows_or_empty(target).values())


def _files(root):
    from pathlib import Path

    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def target_rows_or_empty(target):
    """The target's rows, or nothing when the restore never made its schema."""
    from sqlalchemy import inspect

    with target.app_context(), db.engine.connect() as connection:
        if not inspect(connection).has_table("users"):
            return {}
        return every_row(connection)


def resealed(folder, change) -> None:
    path = folder / MANIFEST_NAME
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(seal(document)))


def test_a_backup_of_another_database_kind_is_refused(app, stocked, target, tmp_path):
    folder = tmp_path / "backup"
    assert run(app, "backup", str(folder)).exit_code == 0
    kind = db.engine.dialect.name
    other, other_file = ("postgresql", "database.pgdump") if kind == "sqlite" else ("sqlite", "database.sqlite")
    (folder / json.loads((folder / MANIFEST_NAME).read_text())["database"]["file"]).rename(folder / other_file)

    def to_other_kind(document):
        document["database"] = {"kind": other, "file": other_file}
        document["files"][0]["path"] = other_file

    resealed(folder, to_other_kind)
    refused = run(target, "restore", str(folder))
    assert refused.exit_code == 1
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    assert f"this is a {names[other]} backup and the configured database is {names[kind]}" in refused.output


def test_a_backup_of_a_newer_schema_is_refused(app, stocked, target, tmp_path):
    folder = tmp_path / "backup"
    assert run(app, "backup", str(folder)).exit_code == 0
    resealed(folder, lambda d: d.update(schema_revision="0099", fieldaudit_version="9.0"))
    refused = run(target, "restore", str(folder))
    assert refused.exit_code == 1
    assert "schema revision 0099 is unknown to this Fieldaudit" in refused.output and "9.0" in refused.output


def test_an_older_backup_is_upgraded_after_it_is_restored(app_config, database_url, target, tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import text

    with empty_database_like(database_url, tmp_path / "old-db") as old_url:
        old = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": old_url, "PHOTO_STORAGE_PATH": str(tmp_path / "p0")})
        with old.app_context():
            if db.engine.dialect.name == "postgresql":  # the new database has no schema of the search_path yet
                with db.engine.begin() as connection:
                    schema = make_url(old_url).query["options"].removeprefix("-csearch_path=")
                    connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            upgrade(revision="0009")
            db.engine.dispose()
        folder = tmp_path / "backup"
        made = run(old, "backup", str(folder))
        assert made.exit_code == 0 and "schema revision 0009" in made.output, made.output
        with old.app_context():
            db.engine.dispose()

    restored = run(target, "restore", str(folder))
    assert restored.exit_code == 0, restored.output
    assert "Upgraded the schema from revision 0009 to the newest." in restored.output
    with target.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            newest_revision()
        ]
