"""The phone learns the organisation's phone settings at every sync and keeps them per account, offline too."""

from __future__ import annotations

import pytest

from mobile.store import LocalStore
from mobile.sync import ServerError
from shared.phone_settings import PhoneSettings
from tests.mobile.factories import CHECKLIST, add_account
from tests.mobile.live import LiveServer
from tests.mobile.world import new_phone


def test_an_account_the_server_has_not_spoken_to_yet_keeps_scores_hidden(local_store):
    assert add_account(local_store).account.phone_settings == PhoneSettings(show_score_preview=False)


def test_each_sync_stores_what_the_server_says_and_it_holds_offline_and_after_a_restart(live_server, tmp_path):
    phone = new_phone(live_server, tmp_path)
    live_server.set_settings(show_score_preview=True)
    assert phone.sync().ok and phone.shop.account.phone_settings.show_score_preview is True

    phone.faults.fail("GET", "/api/v1/", "drop_before", times=100)  # no signal
    assert phone.sync().offline and phone.shop.account.phone_settings.show_score_preview is True
    phone.store.close()
    reopened = LocalStore(tmp_path / "phone").for_account(phone.shop.account_id)
    assert reopened.account.phone_settings.show_score_preview is True
    reopened.db.close()

    phone.faults.faults.clear()
    phone.store = LocalStore(tmp_path / "phone")
    phone.shop = phone.store.for_account(phone.shop.account_id)
    live_server.set_settings(show_score_preview=False)
    assert phone.sync().ok and phone.shop.account.phone_settings.show_score_preview is False
    assert len(phone.faults.calls("GET", "/api/v1/me")) == 2  # once per sync that reached the server
    phone.store.close()


def test_two_accounts_from_two_organisations_keep_their_own_settings(live_server, server_template_db, tmp_path):
    other = LiveServer(server_template_db, tmp_path / "other-server")
    try:
        store = LocalStore(tmp_path / "phone")
        strict, relaxed = (
            new_phone(live_server, tmp_path / "a", store=store),
            new_phone(other, tmp_path / "b", store=store),
        )
        other.set_settings(show_score_preview=True)
        assert strict.sync().ok and relaxed.sync().ok
        assert strict.shop.account.phone_settings.show_score_preview is False
        assert relaxed.shop.account.phone_settings.show_score_preview is True
        store.close()
    finally:
        other.stop()


def test_a_server_that_sends_no_phone_settings_means_the_defaults(live_server, tmp_path):
    phone = new_phone(live_server, tmp_path)
    live_server.set_settings(show_score_preview=True)
    assert phone.sync().ok
    phone.faults.fail("GET", "/api/v1/me", "status", status=200, body={"id": phone.shopper.id, "role": "shopper"})
    assert phone.sync().ok and phone.shop.account.phone_settings.show_score_preview is False
    phone.store.close()


def test_settings_the_phone_cannot_read_keep_the_last_ones_and_the_visits_still_go(live_server, tmp_path):
    phone = new_phone(live_server, tmp_path)
    template_id, _ = live_server.template(CHECKLIST)
    assignment = live_server.assignment(phone.shopper, live_server.branch(), template_id)
    live_server.set_settings(show_score_preview=True)
    assert phone.sync().ok
    visit_id = phone.complete_visit(assignment)
    phone.faults.fail("GET", "/api/v1/me", "status", status=200, body={"phone_settings": {"show_score_preview": "yes"}})
    phone.faults.fail("GET", "/api/v1/me", "status", status=503, times=10)
    for _ in range(2):  # an answer of the wrong shape, then a server that keeps failing
        assert phone.sync().ok and phone.shop.account.phone_settings.show_score_preview is True
    assert live_server.visit(visit_id) is not None
    phone.store.close()


def test_the_client_names_settings_of_the_wrong_shape(live_server, tmp_path):
    phone = new_phone(live_server, tmp_path)
    phone.faults.fail("GET", "/api/v1/me", "status", status=200, body={"phone_settings": {"show_score_preview": 1}})
    with pytest.raises(ServerError, match="phone settings are not in the expected shape"):
        phone.engine().client.phone_settings()
    phone.store.close()
