"""The backup manifest: sealed by its own checksum, and the gate a restore passes first (every file, its size and
SHA-256, nothing unlisted), each refusal naming the file at fault."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest

from server.services.backup.manifest import (
    MANIFEST_NAME,
    SEAL_FIELD,
    BackupRefused,
    FileEntry,
    Manifest,
    PhotoObject,
    file_digest,
    photo_path,
    read_manifest,
    seal,
    verify_backup,
    write_manifest,
)

PHOTO = f"{uuid.uuid4()}/{uuid.uuid4()}"
THUMB = f"{PHOTO}~thumb"


@pytest.fixture
def backup(tmp_path):
    """A small, valid backup folder: a database file, a photo and its thumbnail, and the sealed manifest."""
    folder = tmp_path / "backup"
    (folder / "photos" / PHOTO.split("/")[0]).mkdir(parents=True)
    contents = {
        "database.sqlite": b"SQLite format 3\x00" + bytes(range(256)) * 8,
        PHOTO: b"\x89PNG photo",
        THUMB: b"jpg",
    }
    files, photos = [], []
    for name, data in contents.items():
        path = "database.sqlite" if name == "database.sqlite" else photo_path(name)
        (folder / path).write_bytes(data)
        files.append(FileEntry(path, *file_digest(folder / path)))
        if name != "database.sqlite":
            photos.append(PhotoObject(name, len(data), hashlib.sha256(data).hexdigest()))
    manifest = Manifest(
        "0.1.0", "0010", "2026-12-01T21:00:00Z", "sqlite", {"users": 2, "visits": 1, "photos": 1}, "copy"
    )
    manifest.photos, manifest.files = photos, files
    write_manifest(folder, manifest)
    return folder


def refusal(folder) -> BackupRefused:
    with pytest.raises(BackupRefused) as caught:
        verify_backup(folder)
    return caught.value


def rewrite(folder, change, *, reseal: bool) -> None:
    """Edit the manifest's JSON with `change(document)`, re-sealing it or not."""
    path = folder / MANIFEST_NAME
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(seal(document) if reseal else document))


def flip_byte(path, at: int = 5) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_sealed_manifest_reads_back_as_written(backup):
    manifest = verify_backup(backup)
    assert manifest.database_kind == "sqlite" and manifest.schema_revision == "0010"
    assert manifest.counts == {"users": 2, "visits": 1, "photos": 1}
    assert [p.key for p in manifest.photos] == [PHOTO, THUMB]
    assert {f.path for f in manifest.files} == {"database.sqlite", f"photos/{PHOTO}", f"photos/{THUMB}"}


def test_the_seal_is_the_checksum_of_everything_else_and_changes_with_any_field():
    document = {"format": "fieldaudit-backup", "counts": {"users": 1}}
    sealed = seal(document)
    assert sealed[SEAL_FIELD] == hashlib.sha256(b'{"counts":{"users":1},"format":"fieldaudit-backup"}').hexdigest()
    assert seal(sealed) == sealed  # sealing again ignores the old seal
    assert seal({**document, "counts": {"users": 2}})[SEAL_FIELD] != sealed[SEAL_FIELD]


def test_one_flipped_byte_in_the_database_file_is_refused_naming_it(backup):
    flip_byte(backup / "database.sqlite", at=100)
    error = refusal(backup)
    assert error.field == "database.sqlite" and "SHA-256 does not match" in error.message


def test_one_flipped_byte_in_a_photo_is_refused_naming_it(backup):
    flip_byte(backup / photo_path(PHOTO), at=2)
    error = refusal(backup)
    assert error.field == f"photos/{PHOTO}" and "corrupted" in error.message


def test_a_truncated_file_is_refused_by_its_size(backup):
    path = backup / photo_path(THUMB)
    path.write_bytes(path.read_bytes()[:-1])
    error = refusal(backup)
    assert error.field == f"photos/{THUMB}" and "2 bytes, the manifest says 3" in error.message


def test_a_missing_file_is_refused_as_an_incomplete_backup(backup):
    (backup / photo_path(PHOTO)).unlink()
    error = refusal(backup)
    assert error.field == f"photos/{PHOTO}" and "missing" in error.message and "incomplete" in error.message


def test_a_backup_without_its_manifest_is_incomplete(backup):
    (backup / MANIFEST_NAME).unlink()
    error = refusal(backup)
    assert error.field == MANIFEST_NAME and "not a complete backup" in error.message


def test_an_edited_manifest_is_refused_by_its_seal(backup):
    rewrite(backup, lambda d: d["counts"].update(users=3), reseal=False)
    error = refusal(backup)
    assert error.field == MANIFEST_NAME and "edited or damaged" in error.message


def test_a_manifest_that_is_not_json_is_refused(backup):
    (backup / MANIFEST_NAME).write_text('{"format": "fieldaudit-backup", ')
    error = refusal(backup)
    assert error.field == MANIFEST_NAME and "not valid JSON" in error.message


def test_a_resealed_manifest_with_a_changed_hash_still_fails_on_the_file(backup):
    rewrite(backup, lambda d: d["files"][0].update(sha256="0" * 64), reseal=True)
    error = refusal(backup)
    assert error.field == "database.sqlite" and "SHA-256 does not match" in error.message


def test_a_file_the_manifest_does_not_list_is_refused(backup):
    (backup / "photos" / "extra.jpg").write_bytes(b"x")
    error = refusal(backup)
    assert error.field == "photos/extra.jpg" and "not listed" in error.message


@pytest.mark.parametrize("path", ["../outside", "/etc/passwd", "photos/../../x", "photos/not-a-key", "notes.txt"])
def test_a_listed_path_that_could_leave_the_backup_folder_is_refused_unread(backup, path):
    rewrite(backup, lambda d: d["files"].append({"path": path, "size": 1, "sha256": "0" * 64}), reseal=True)
    error = refusal(backup)
    assert error.field == MANIFEST_NAME and "malformed" in error.message


def test_a_copied_photo_without_its_file_entry_is_refused(backup):
    rewrite(backup, lambda d: d["files"].pop(), reseal=True)
    (backup / photo_path(THUMB)).unlink()
    error = refusal(backup)
    assert error.field == MANIFEST_NAME and THUMB in error.message


def test_a_newer_format_version_is_refused_with_the_version_read(backup):
    rewrite(backup, lambda d: d.update(format_version=2), reseal=True)
    with pytest.raises(BackupRefused, match="format version 2; this Fieldaudit reads version 1"):
        read_manifest(backup)


def test_a_folder_that_is_not_a_backup_is_refused(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"hello": "world"}))
    with pytest.raises(BackupRefused, match="not a Fieldaudit backup manifest"):
        read_manifest(tmp_path)
    with pytest.raises(BackupRefused, match="is not a folder"):
        read_manifest(tmp_path / "nowhere")
