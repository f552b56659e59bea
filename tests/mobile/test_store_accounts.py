"""Several users on one device: each account sees only its own rows, and signing in again keeps the data."""

from __future__ import annotations

import os
import stat
import uuid

import pytest

from mobile.store import LocalStore, NotFound, StoreError
from tests.mobile.factories import add_account, base_page, fill, write_png


def test_two_accounts_on_one_device_never_see_each_others_data(local_store, tmp_path):
    alice, bob = add_account(local_store, 1, "alice@example.test"), add_account(local_store, 2, "bob@example.test")
    a_assignment, b_assignment = str(uuid.uuid4()), str(uuid.uuid4())
    alice.pulled.apply_changes(base_page(a_assignment), "a1")
    bob.pulled.apply_changes(base_page(b_assignment), "b1")
    a_visit = alice.drafts.start_visit(a_assignment)
    fill(alice, a_visit.id)
    photo = alice.drafts.add_photo(a_visit.id, "storefront", write_png(tmp_path))

    assert [a.id for a in alice.pulled.assignments()] == [a_assignment]
    assert [a.id for a in bob.pulled.assignments()] == [b_assignment]
    assert bob.drafts.visits() == [] and bob.drafts.visit_for_assignment(a_assignment) is None
    assert (alice.account.cursor, bob.account.cursor) == ("a1", "b1")
    for attempt in (
        lambda: bob.drafts.visit(a_visit.id),
        lambda: bob.drafts.answers(a_visit.id),
        lambda: bob.drafts.save_answer(a_visit.id, "greeted", value="no"),
        lambda: bob.drafts.finish_visit(a_visit.id),
        lambda: bob.drafts.visit_document(a_visit.id),
        lambda: bob.drafts.remove_photo(photo.id),
        lambda: bob.pulled.assignment(a_assignment),
        lambda: bob.drafts.start_visit(a_assignment),
        lambda: bob.drafts.discard_visit(a_visit.id),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert bob.drafts.photos(a_visit.id) == []
    assert alice.drafts.answers(a_visit.id)["greeted"].value == "yes"
    assert alice.photo_folder != bob.photo_folder


def test_the_same_branch_and_version_ids_from_two_servers_stay_apart(local_store):
    one = add_account(local_store, 1, server="https://one.example.test")
    two = add_account(local_store, 1, server="https://two.example.test")
    one.pulled.apply_changes(base_page(str(uuid.uuid4())), "x")
    assert two.pulled.branches() == [] and two.pulled.template_versions() == []
    with pytest.raises(NotFound):
        two.pulled.checklist(7)


def test_signing_in_again_renews_the_token_and_keeps_cursor_and_visits(local_store, shop, assignment_id):
    visit = shop.drafts.start_visit(assignment_id)
    shop.set_token_problem("token_expired")
    assert shop.account.needs_login
    again = local_store.save_account(
        server_url=shop.account.server_url,
        user_id=41,
        email="sam@example.test",
        name="Sam",
        role="shopper",
        token="fa_new",
    )
    assert again.id == shop.account_id and not again.needs_login and again.cursor == "c1"
    assert local_store.for_account(again.id).drafts.visit(visit.id).id == visit.id


def test_the_token_is_not_shown_in_the_account_repr_and_the_file_is_private(local_store, shop):
    assert "fa_secret" not in repr(shop.account)
    assert shop.account.token == "fa_secret_41"
    mode = stat.S_IMODE(os.stat(local_store.db.path).st_mode)
    assert mode & 0o077 == 0


def test_signing_out_forgets_the_token_but_keeps_the_data(local_store, shop, assignment_id):
    shop.drafts.start_visit(assignment_id)
    local_store.sign_out(shop.account_id)
    assert shop.account.needs_login and shop.account.token is None
    assert len(shop.drafts.visits()) == 1 and len(shop.pulled.assignments()) == 1


def test_an_account_with_unsent_visits_is_not_removed_without_force(local_store, shop, assignment_id, tmp_path):
    visit = shop.drafts.start_visit(assignment_id)
    shop.drafts.add_photo(visit.id, "storefront", write_png(tmp_path))
    with pytest.raises(StoreError, match="not yet on the server"):
        local_store.remove_account(shop.account_id)
    local_store.remove_account(shop.account_id, force=True)
    assert local_store.accounts() == []
    assert not any(shop.photo_folder.iterdir())
    for table in ("visits", "answers", "photos", "assignments", "branches", "template_versions"):
        assert local_store.db.one(f"SELECT COUNT(*) AS n FROM {table}")["n"] == 0


def test_photo_files_left_by_a_crash_before_they_were_recorded_are_removed_at_open(tmp_path):
    store = LocalStore(tmp_path / "phone")
    view = add_account(store)
    view.photo_folder.mkdir(parents=True)
    (view.photo_folder / "orphan.png").write_bytes(b"x")
    (view.photo_folder / ".half.part").write_bytes(b"x")
    store.close()
    store = LocalStore(tmp_path / "phone")
    assert list(store.photo_folder(view.account_id).iterdir()) == []
    store.close()
