"""Drafts on the phone: started with a device-made id, every answer saved at once, finished into the outbox."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mobile.store import NotEditable, StoreError, VisitState
from shared.answers import validate_visit
from shared.schemas import load_visit, visit_fingerprint
from shared.scoring import score_visit
from shared.validation import load_checklist
from shared.visit import Location
from tests.mobile.factories import CHECKLIST, fill, jpeg_bytes, png_bytes, write_png


def test_starting_a_visit_makes_a_uuid4_id_and_an_aware_utc_start_time(shop, assignment_id):
    before = datetime.now(UTC)
    visit = shop.drafts.start_visit(assignment_id, location=Location(51.5, -0.12, 8.0))
    assert uuid.UUID(visit.id).version == 4
    assert visit.started_at.tzinfo is not None and visit.started_at.utcoffset() == timedelta(0)
    assert before <= visit.started_at <= datetime.now(UTC)
    assert (visit.branch_id, visit.template_version_id, visit.assignment_id) == (12, 7, assignment_id)
    assert visit.state is VisitState.DRAFT and visit.location == Location(51.5, -0.12, 8.0)


def test_an_assignment_gets_one_visit_and_the_ui_can_find_it_again(shop, assignment_id):
    visit = shop.drafts.start_visit(assignment_id)
    with pytest.raises(StoreError, match="already has visit"):
        shop.drafts.start_visit(assignment_id)
    assert shop.drafts.visit_for_assignment(assignment_id).id == visit.id


def test_an_ad_hoc_visit_needs_a_checklist_that_allows_it(shop):
    visit = shop.drafts.start_visit(branch_id=12, template_version_id=7)
    assert visit.assignment_id is None
    with pytest.raises(StoreError):
        shop.drafts.start_visit(branch_id=12)


def test_save_answer_merges_value_na_and_comment(shop, assignment_id):
    visit = shop.drafts.start_visit(assignment_id)
    shop.drafts.save_answer(visit.id, "greeted", value="yes")
    shop.drafts.save_answer(visit.id, "greeted", comment="Warm welcome")
    assert shop.drafts.answers(visit.id)["greeted"].value == "yes"
    assert shop.drafts.answers(visit.id)["greeted"].comment == "Warm welcome"
    shop.drafts.save_answer(visit.id, "mood", value="warm")
    shop.drafts.save_answer(visit.id, "mood", na=True)
    mood = shop.drafts.answers(visit.id)["mood"]
    assert (mood.value, mood.na) == (None, True)
    shop.drafts.save_answer(visit.id, "mood", value="rude")
    assert (shop.drafts.answers(visit.id)["mood"].value, shop.drafts.answers(visit.id)["mood"].na) == ("rude", False)
    shop.drafts.clear_answer(visit.id, "mood")
    assert "mood" not in shop.drafts.answers(visit.id)


def test_save_answer_refuses_unknown_questions_and_values_on_photo_questions(shop, assignment_id):
    visit = shop.drafts.start_visit(assignment_id)
    with pytest.raises(StoreError):
        shop.drafts.save_answer(visit.id, "no_such_question", value="yes")
    with pytest.raises(StoreError):
        shop.drafts.save_answer(visit.id, "storefront", value="yes")
    shop.drafts.save_answer(visit.id, "storefront", comment="Sign was broken")
    with pytest.raises(TypeError):
        shop.drafts.save_answer(visit.id, "notes", value=["not", "a", "scalar"])


def test_a_photo_is_copied_into_the_store_with_its_hash_size_and_type(shop, assignment_id, tmp_path):
    visit = shop.drafts.start_visit(assignment_id)
    source = write_png(tmp_path / "camera")
    photo = shop.drafts.add_photo(visit.id, "storefront", source)
    data = source.read_bytes()
    assert uuid.UUID(photo.id).version == 4
    assert (photo.sha256, photo.size, photo.content_type) == (hashlib.sha256(data).hexdigest(), len(data), "image/png")
    stored = shop.drafts.photo_path(photo)
    assert stored.read_bytes() == data and stored.parent == shop.photo_folder and stored.name == photo.id + ".png"
    source.unlink()
    assert stored.exists()
    jpeg = tmp_path / "camera" / "x.bin"
    jpeg.write_bytes(jpeg_bytes())
    assert shop.drafts.add_photo(visit.id, "storefront", jpeg).content_type == "image/jpeg"


def test_a_photo_that_cannot_be_decoded_is_refused_with_a_readable_message_and_leaves_nothing(
    shop, assignment_id, tmp_path
):
    visit = shop.drafts.start_visit(assignment_id)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(jpeg_bytes(400, 300)[:300])
    with pytest.raises(StoreError, match=r"broken.jpg could not be read as a photo \(the file is damaged"):
        shop.drafts.add_photo(visit.id, "storefront", broken)
    assert shop.drafts.photos(visit.id) == []
    assert not shop.photo_folder.exists() or list(shop.photo_folder.iterdir()) == []


def test_a_file_that_is_not_an_image_is_refused_and_leaves_nothing_behind(shop, assignment_id, tmp_path):
    visit = shop.drafts.start_visit(assignment_id)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(StoreError, match="not a JPEG"):
        shop.drafts.add_photo(visit.id, "storefront", text)
    with pytest.raises(StoreError, match="does not take photos"):
        shop.drafts.add_photo(visit.id, "greeted", write_png(tmp_path))
    assert shop.drafts.photos(visit.id) == []
    assert not shop.photo_folder.exists() or list(shop.photo_folder.iterdir()) == []


def test_removing_a_photo_deletes_its_row_and_file(shop, assignment_id, tmp_path):
    visit = shop.drafts.start_visit(assignment_id)
    photo = shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    path = shop.drafts.photo_path(photo)
    shop.drafts.remove_photo(photo.id)
    assert shop.drafts.photos(visit.id) == [] and not path.exists()


def test_finishing_an_incomplete_visit_returns_the_issues_and_keeps_the_draft(shop, assignment_id):
    visit = shop.drafts.start_visit(assignment_id)
    shop.drafts.save_answer(visit.id, "clean", value=9)
    result = shop.drafts.finish_visit(visit.id)
    assert not result.ok
    questions = {issue.question for issue in result.issues}
    assert {"greeted", "storefront", "clean"} <= questions
    assert any("required" in issue.message for issue in result.issues)
    assert shop.drafts.visit(visit.id).state is VisitState.DRAFT and shop.drafts.visit(visit.id).finished_at is None
    assert {i.question for i in shop.drafts.issues(visit.id)} == questions


def test_finishing_a_complete_visit_freezes_its_document_and_queues_it(shop, assignment_id, tmp_path):
    visit = shop.drafts.start_visit(assignment_id, location=Location(51.5, -0.12))
    fill(shop, visit.id)
    shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    result = shop.drafts.finish_visit(visit.id, location=Location(51.51, -0.13, 5.0))
    assert result.ok and result.issues == ()
    finished = shop.drafts.visit(visit.id)
    assert finished.state is VisitState.OUTBOX and finished.finished_at >= finished.started_at
    assert finished.location == Location(51.51, -0.13, 5.0)
    document = shop.drafts.visit_document(visit.id)
    assert [q.id for q in shop.outbox.queued()] == [visit.id]
    assert shop.outbox.queued()[0].document == document
    with pytest.raises(NotEditable):
        shop.drafts.save_answer(visit.id, "greeted", value="no")
    with pytest.raises(NotEditable):
        shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    assert shop.drafts.visit_document(visit.id) == document


def test_the_outbox_commit_is_made_with_synchronous_full_and_the_store_runs_in_wal(
    shop, assignment_id, tmp_path, monkeypatch
):
    assert shop.db.pragma("journal_mode") == "wal"
    assert shop.db.pragma("synchronous") == 1  # NORMAL
    seen = []
    original = shop.db._conn

    class Spy:
        def execute(self, sql, *args):
            if sql == "COMMIT":
                seen.append(original.execute("PRAGMA synchronous").fetchone()[0])
            return original.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(original, name)

    visit = shop.drafts.start_visit(assignment_id)
    fill(shop, visit.id)
    shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    monkeypatch.setattr(shop.db, "_conn", Spy())
    assert shop.drafts.finish_visit(visit.id).ok
    monkeypatch.setattr(shop.db, "_conn", original)
    assert seen == [2]  # FULL
    assert shop.db.pragma("synchronous") == 1


def test_the_visit_document_follows_the_format_and_validates_with_shared(shop, assignment_id, tmp_path):
    visit = shop.drafts.start_visit(assignment_id)
    fill(shop, visit.id)
    photo = shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    shop.drafts.save_answer(visit.id, "storefront", comment="Clean windows")
    assert shop.drafts.finish_visit(visit.id).ok
    document = shop.drafts.visit_document(visit.id)
    assert set(document) == {
        "format",
        "id",
        "template_version_id",
        "assignment_id",
        "branch_id",
        "started_at",
        "finished_at",
        "location",
        "base_revision",
        "answers",
        "photos",
    }
    assert document["started_at"].endswith("Z") and document["finished_at"].endswith("Z")
    assert [a["question"] for a in document["answers"]] == [
        "greeted",
        "clean",
        "storefront",
        "price_ok",
        "wait",
        "mood",
        "notes",
    ]
    assert document["answers"][2] == {"question": "storefront", "value": None, "na": False, "comment": "Clean windows"}
    assert document["photos"] == [
        {
            "id": photo.id,
            "question": "storefront",
            "sha256": photo.sha256,
            "size": photo.size,
            "content_type": "image/png",
            "taken_at": photo.taken_at.isoformat().replace("+00:00", "Z"),
        }
    ]
    assert document["format"] == 2
    loaded = load_visit(document)
    checklist = load_checklist(CHECKLIST)
    assert validate_visit(checklist, loaded) == []
    assert shop.outbox.queued()[0].document == document
    assert shop.db.one("SELECT fingerprint FROM visits WHERE id = ?", (visit.id,))["fingerprint"] == visit_fingerprint(
        loaded
    )


def test_the_score_preview_equals_shared_score_of_the_document(shop, assignment_id, tmp_path):
    visit = shop.drafts.start_visit(assignment_id)
    checklist = load_checklist(CHECKLIST)
    shop.drafts.save_answer(visit.id, "clean", value=2)
    partial = shop.drafts.score_preview(visit.id)
    assert partial.percent == 25.0  # only the scale counts so far: (2-1)/4
    fill(
        shop,
        visit.id,
        {
            "greeted": {"value": "yes"},
            "price_ok": {"value": "no"},
            "wait": {"value": 2.5},
            "mood": {"value": "flat"},
            "why_dirty": {"value": "floor"},
        },
    )
    shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    preview = shop.drafts.score_preview(visit.id)
    loaded = load_visit(shop.drafts.visit_document(visit.id))
    assert preview == score_visit(checklist, loaded.answers, loaded.photos)
    assert preview.zeroed and preview.percent == 0.0 and preview.critical_failures == ("price_ok",)
    assert shop.drafts.finish_visit(visit.id).ok
    loaded = load_visit(shop.drafts.visit_document(visit.id))
    assert shop.drafts.score_preview(visit.id) == score_visit(checklist, loaded.answers, loaded.photos)


def test_a_queued_or_refused_visit_can_be_edited_again_and_a_draft_discarded(shop, assignment_id, tmp_path):
    visit = shop.drafts.start_visit(assignment_id)
    fill(shop, visit.id)
    photo = shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    assert shop.drafts.finish_visit(visit.id).ok
    shop.drafts.edit_again(visit.id)
    assert shop.drafts.visit(visit.id).state is VisitState.DRAFT and shop.outbox.queued() == []
    shop.drafts.save_answer(visit.id, "notes", value="changed my mind")
    path = shop.drafts.photo_path(photo)
    shop.drafts.discard_visit(visit.id)
    assert shop.drafts.visits() == [] and not path.exists()


def test_a_finish_time_before_the_start_is_clamped_to_the_start(shop, assignment_id, tmp_path):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    visit = shop.drafts.start_visit(assignment_id, started_at=start)
    fill(shop, visit.id)
    shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    assert shop.drafts.finish_visit(visit.id, finished_at=start - timedelta(minutes=5)).ok
    assert shop.drafts.visit_document(visit.id)["finished_at"] == "2026-03-02T09:00:00Z"


def test_png_helper_makes_valid_png_bytes():
    data = png_bytes(noise=5000)
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000


def test_a_push_answer_for_a_copy_edited_meanwhile_does_not_mark_the_new_copy_sent(shop, assignment_id, tmp_path):
    visit = shop.drafts.start_visit(assignment_id)
    fill(shop, visit.id)
    shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    assert shop.drafts.finish_visit(visit.id).ok
    pushed = shop.outbox.queued()[0].document
    shop.drafts.edit_again(visit.id)
    shop.drafts.save_answer(visit.id, "notes", value="edited while the push was on its way")
    assert shop.drafts.finish_visit(visit.id).ok
    answer = {"id": visit.id, "result": "created", "revision": 1, "status": "submitted", "missing_photos": []}
    assert shop.outbox.record_push_result(visit.id, answer, pushed) is None
    stored = shop.drafts.visit(visit.id)
    assert stored.state is VisitState.OUTBOX and stored.server.revision == 1


def test_a_comment_with_a_bidi_override_is_an_issue_on_the_phone_before_it_reaches_the_server(
    shop, assignment_id, tmp_path
):
    visit = shop.drafts.start_visit(assignment_id, location=Location(51.5, -0.12))
    fill(shop, visit.id)
    shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    shop.drafts.save_answer(visit.id, "greeted", comment="looks fine\u202e")
    result = shop.drafts.finish_visit(visit.id)
    assert not result.ok and shop.drafts.visit(visit.id).state is VisitState.DRAFT
    [issue] = result.issues
    assert "comment" in issue.path and "bidirectional control character" in issue.message


def test_a_photos_capture_time_and_position_go_into_the_manifest(shop, assignment_id, tmp_path):
    from datetime import UTC, datetime

    from shared.visit import Location

    visit = shop.drafts.start_visit(assignment_id)
    fill(shop, visit.id)
    taken = datetime(2026, 11, 20, 14, 32, 10, tzinfo=UTC)
    shop.drafts.add_photo(
        visit.id, "storefront", write_png(tmp_path), taken_at=taken, location=Location(51.5, -0.12, 8.0)
    )
    assert shop.drafts.finish_visit(visit.id).ok
    [entry] = shop.drafts.visit_document(visit.id)["photos"]
    assert entry["taken_at"] == "2026-11-20T14:32:10Z"
    assert entry["location"] == {"lat": 51.5, "lon": -0.12, "accuracy_m": 8.0}
