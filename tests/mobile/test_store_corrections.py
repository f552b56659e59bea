"""A visit returned for correction becomes a new draft revision of the same visit, based on the server's revision."""

from __future__ import annotations

import pytest

from mobile.store import NotEditable, VisitState
from shared.schemas import load_visit
from tests.mobile.factories import change, fill, write_png


def sent_and_returned(shop, assignment_id, tmp_path, revision: int = 1) -> str:
    visit = shop.drafts.start_visit(assignment_id)
    fill(shop, visit.id)
    shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    assert shop.drafts.finish_visit(visit.id).ok
    document = shop.drafts.visit_document(visit.id)
    shop.outbox.record_push_result(
        visit.id,
        {"id": visit.id, "result": "created", "revision": revision, "status": "submitted", "missing_photos": []},
    )
    shop.pulled.apply_changes(
        [
            change(
                "visit",
                visit.id,
                {
                    "id": visit.id,
                    "revision": revision,
                    "status": "returned",
                    "score_percent": 70.0,
                    "review_note": "Price check missing a comment",
                    "missing_photos": [],
                    "document": document,
                },
            )
        ],
        "c9",
    )
    return visit.id


def test_a_returned_visit_reopens_as_a_draft_with_the_same_id_and_a_base_revision(shop, assignment_id, tmp_path):
    visit_id = sent_and_returned(shop, assignment_id, tmp_path, revision=2)
    old_document = shop.drafts.visit(visit_id).server.document
    draft = shop.drafts.reopen_for_correction(visit_id)
    assert draft.id == visit_id and draft.state is VisitState.DRAFT and draft.base_revision == 2
    assert shop.drafts.answers(visit_id)["greeted"].comment == "Accueil très chaleureux"
    shop.drafts.save_answer(visit_id, "price_ok", comment="Shelf said 2.99, till 2.99")
    assert shop.drafts.finish_visit(visit_id).ok
    document = shop.drafts.visit_document(visit_id)
    assert document["id"] == visit_id and document["base_revision"] == 2
    assert document["photos"] == old_document["photos"] and document["started_at"] == old_document["started_at"]
    assert load_visit(document).base_revision == 2
    assert [q.id for q in shop.outbox.queued()] == [visit_id]
    assert all(p.uploaded for p in shop.drafts.photos(visit_id))  # the server already holds them


def test_only_a_returned_visit_can_be_reopened(shop, assignment_id, tmp_path):
    visit = shop.drafts.start_visit(assignment_id)
    with pytest.raises(NotEditable):
        shop.drafts.reopen_for_correction(visit.id)
    fill(shop, visit.id)
    shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    assert shop.drafts.finish_visit(visit.id).ok
    shop.outbox.record_push_result(
        visit.id, {"id": visit.id, "result": "created", "revision": 1, "status": "submitted", "missing_photos": []}
    )
    with pytest.raises(NotEditable):
        shop.drafts.reopen_for_correction(visit.id)
    assert not shop.drafts.visit(visit.id).correctable


def test_photos_only_the_server_holds_stay_in_the_corrected_manifest(shop, assignment_id, tmp_path):
    visit_id = sent_and_returned(shop, assignment_id, tmp_path)
    photo = shop.drafts.photos(visit_id)[0]
    shop.drafts.photo_path(photo).unlink()
    with shop.db.transaction() as conn:  # as after a reinstall: the row knows the photo, the file is gone
        conn.execute("UPDATE photos SET file_name = NULL WHERE id = ?", (photo.id,))
    shop.drafts.reopen_for_correction(visit_id)
    assert shop.drafts.finish_visit(visit_id).ok
    assert shop.drafts.visit_document(visit_id)["photos"][0]["id"] == photo.id
