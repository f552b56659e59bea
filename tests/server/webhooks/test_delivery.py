"""Deliveries against a real receiver on loopback: signed as the docs say, in order per object, retried with back-off,
never duplicated but as at least once (same event id), and endpoints that keep failing turned off."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta

from sqlalchemy import select

from server.models import Activity, DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from server.models.types import utcnow
from server.services.webhooks.deliver import claim_next, deliver_due, fan_out
from tests.server.webhooks.consumer import Headers, verify


class Clock:
    """A clock the test moves forward."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def deliveries(session) -> list[WebhookDelivery]:
    session.expire_all()
    return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_an_approved_visit_reaches_the_receiver_signed_as_the_docs_tell_consumers_to_check(
    world, receiver, session, policy
):
    endpoint, secret = world.endpoint(receiver.url)
    visit = world.approve(world.submitted_visit())
    deliver_due(session, policy)
    received = receiver.wait_for(3)
    for request in received:
        assert verify(secret, Headers(request.headers), request.body)
        assert not verify("whsec_another", Headers(request.headers), request.body)
        assert not verify(secret, Headers(request.headers), request.body + b" ")
    bodies = [json.loads(request.body) for request in received]
    assert [body["type"] for body in bodies] == ["visit.submitted", "visit.approved", "assignment.completed"]
    assert [request.header("Fieldaudit-Event") for request in received] == [body["type"] for body in bodies]
    assert [request.header("Fieldaudit-Delivery") for request in received] == [body["id"] for body in bodies]
    approved = bodies[1]
    assert approved["version"] == 1 and set(approved) == {"id", "type", "version", "created_at", "data"}
    data = approved["data"]["visit"]
    assert data["id"] == str(visit.id) and data["status"] == "approved"
    assert data["branch"] == {"id": visit.branch.id, "code": visit.branch.code, "name": visit.branch.name}
    assert data["region"]["code"] == visit.branch.region.code
    assert data["checklist"]["name"] == visit.template_version.template.name
    assert data["checklist"]["version"] == visit.template_version.number
    assert data["score"]["percent"] == visit.score_percent
    assert bodies[0]["data"]["visit"]["status"] == "submitted"  # the state when it happened, not when it was sent
    assert bodies[2]["data"]["assignment"]["visit_id"] == str(visit.id)
    assert {d.status for d in deliveries(session)} == {DeliveryStatus.SUCCEEDED}


def test_a_stale_timestamp_fails_the_documented_check(world, receiver, session, policy):
    _, secret = world.endpoint(receiver.url)
    world.submitted_visit()
    deliver_due(session, policy, clock=lambda: utcnow() - timedelta(minutes=10))
    (request,) = receiver.wait_for(1)
    assert not verify(secret, Headers(request.headers), request.body)
    assert verify(secret, Headers(request.headers), request.body, tolerance=3600)


def test_a_receiver_answering_500_gets_the_event_again_after_a_growing_back_off(world, receiver, session, policy):
    receiver.fail_first = 3
    world.endpoint(receiver.url)
    world.submitted_visit()
    clock = Clock()
    deliver_due(session, policy, clock=clock)
    (delivery,) = deliveries(session)
    assert delivery.status is DeliveryStatus.RETRYING and delivery.attempts == 1 and delivery.response_code == 500
    waits = [delivery.next_attempt_at - clock.now]
    assert deliver_due(session, policy, clock=clock) == 0  # not due yet: nothing is sent
    for _ in range(2):
        clock.now = deliveries(session)[0].next_attempt_at
        deliver_due(session, policy, clock=clock)
        waits.append(deliveries(session)[0].next_attempt_at - clock.now)
    base = timedelta(seconds=policy.base_delay)
    assert base / 2 <= waits[0] <= base and base <= waits[1] <= 2 * base and 2 * base <= waits[2] <= 4 * base
    clock.now = deliveries(session)[0].next_attempt_at
    deliver_due(session, policy, clock=clock)
    (delivery,) = deliveries(session)
    assert delivery.status is DeliveryStatus.SUCCEEDED and delivery.attempts == 4 and delivery.response_code == 200
    ids = {request.header("Fieldaudit-Delivery") for request in receiver.wait_for(4)}
    assert len(ids) == 1 and len(receiver.received) == 4  # four attempts, one event id


def test_a_delivery_failing_for_the_whole_retry_window_is_marked_failed(world, receiver, session, policy):
    receiver.status = 503
    world.endpoint(receiver.url)
    world.submitted_visit()
    clock = Clock()
    deliver_due(session, policy, clock=clock)
    clock.advance(hours=25)
    deliver_due(session, policy, clock=clock)
    (delivery,) = deliveries(session)
    assert delivery.status is DeliveryStatus.FAILED and delivery.attempts == 2 and delivery.response_code == 503


def test_a_later_event_for_the_same_visit_waits_until_the_earlier_one_succeeded(world, receiver, session, policy):
    receiver.fail_first = 1
    world.endpoint(receiver.url, ["visit.submitted", "visit.approved"])
    first, second = world.submitted_visit(), world.submitted_visit(world.new_assignment())
    world.approve(first)
    clock = Clock()
    deliver_due(session, policy, clock=clock)
    received = receiver.wait_for(2)
    sent = [(json.loads(r.body)["type"], json.loads(r.body)["data"]["visit"]["id"]) for r in received]
    assert sent == [
        ("visit.submitted", str(first.id)),
        ("visit.submitted", str(second.id)),
    ]  # first failed: approved waits
    clock.now = deliveries(session)[0].next_attempt_at
    deliver_due(session, policy, clock=clock)
    received = receiver.wait_for(4)
    sent = [(json.loads(r.body)["type"], json.loads(r.body)["data"]["visit"]["id"]) for r in received[2:]]
    assert sent == [("visit.submitted", str(first.id)), ("visit.approved", str(first.id))]


def test_a_finally_failed_event_no_longer_holds_back_the_next_one_for_its_object(world, receiver, session, policy):
    receiver.fail_first = 2
    world.endpoint(receiver.url, ["visit.submitted", "visit.approved"])
    world.approve(world.submitted_visit())
    clock = Clock()
    deliver_due(session, policy, clock=clock)
    first = deliveries(session)[0]
    first.retry_until = clock.now + timedelta(
        minutes=1
    )  # as if its window (not the endpoint's failures) began a day ago
    session.commit()
    clock.advance(minutes=2)
    deliver_due(session, policy, clock=clock)
    types = [json.loads(r.body)["type"] for r in receiver.wait_for(3)]
    assert types == ["visit.submitted", "visit.submitted", "visit.approved"]
    assert [d.status for d in deliveries(session)] == [DeliveryStatus.FAILED, DeliveryStatus.SUCCEEDED]


def test_two_workers_never_claim_the_same_delivery(world, receiver, session, policy, app):
    world.endpoint(receiver.url)
    world.submitted_visit()
    fan_out(session, policy)
    winners, start = [], threading.Barrier(4)

    def worker():
        from server.extensions import db

        with app.app_context():
            start.wait()
            winners.append(claim_next(db.session, policy))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len([w for w in winners if w is not None]) == 1, winners


def test_a_delivery_whose_worker_died_is_claimed_again_after_its_lease_with_the_same_event_id(
    world, receiver, session, policy
):
    world.endpoint(receiver.url)
    world.submitted_visit()
    fan_out(session, policy)
    clock = Clock()
    assert claim_next(session, policy, clock()) is not None  # a worker claims it, then dies before sending
    assert deliver_due(session, policy, clock=clock) == 0  # its claim holds: nobody else sends it meanwhile
    clock.now += policy.lease + timedelta(seconds=1)
    assert deliver_due(session, policy, clock=clock) == 1
    (delivery,) = deliveries(session)
    assert delivery.status is DeliveryStatus.SUCCEEDED and delivery.attempts == 2
    (request,) = receiver.wait_for(1)
    event = session.scalar(select(WebhookEvent))
    assert request.header("Fieldaudit-Delivery") == str(event.id)


def test_a_redirect_is_not_followed_and_counts_as_a_failure(world, receiver, session, policy):
    receiver.redirect_to = "http://169.254.169.254/latest/meta-data/"
    world.endpoint(receiver.url)
    world.submitted_visit()
    deliver_due(session, policy)
    (delivery,) = deliveries(session)
    assert delivery.status is DeliveryStatus.RETRYING and delivery.response_code == 302
    assert "do not follow redirects" in delivery.error and len(receiver.received) == 1


def test_only_the_start_of_a_long_answer_is_kept(world, receiver, session, policy):
    receiver.reply, receiver.status = b"x" * 100_000, 500
    world.endpoint(receiver.url)
    world.submitted_visit()
    deliver_due(session, policy)
    (delivery,) = deliveries(session)
    assert delivery.response_snippet == "x" * 500


def test_a_receiver_that_never_answers_times_out_and_is_retried(world, receiver, session, app):
    from server.services.webhooks.deliver import DeliveryPolicy

    receiver.hang_first = 1
    world.endpoint(receiver.url)
    world.submitted_visit()
    quick = DeliveryPolicy.from_settings({**app.config, "WEBHOOK_TIMEOUT_SECONDS": 1})
    deliver_due(session, quick)
    (delivery,) = deliveries(session)
    assert delivery.status is DeliveryStatus.RETRYING and delivery.response_code is None
    assert "No answer within 1 s" in delivery.error


def test_an_endpoint_failing_again_and_again_is_turned_off_with_a_notice(world, receiver, session, app):
    from server.services.webhooks.deliver import DeliveryPolicy

    receiver.status = 500
    endpoint, _ = world.endpoint(receiver.url, ["visit.submitted"])
    for _ in range(3):
        world.submitted_visit(world.new_assignment())
    policy = DeliveryPolicy.from_settings({**app.config, "WEBHOOK_DISABLE_AFTER": 3})
    deliver_due(session, policy)
    session.expire_all()
    endpoint = session.get(WebhookEndpoint, endpoint.id)
    assert not endpoint.active and endpoint.consecutive_failures == 3
    assert "3 failed deliveries in a row" in endpoint.disabled_reason and "HTTP 500" in endpoint.disabled_reason
    logged = session.scalar(select(Activity).where(Activity.action == "webhook_disabled"))
    assert logged is not None and logged.object_id == str(endpoint.id)
    world.submitted_visit(world.new_assignment())
    assert deliver_due(session, policy, clock=lambda: utcnow() + timedelta(hours=2)) == 0  # a turned-off endpoint waits
    assert len(receiver.received) == 3


def test_events_of_endpoints_registered_later_or_not_subscribed_are_not_delivered(world, receiver, session, policy):
    world.submitted_visit()
    world.endpoint(receiver.url, ["visit.approved"])
    world.submitted_visit(world.new_assignment())  # visit.submitted: not subscribed
    deliver_due(session, policy)
    assert receiver.received == [] and deliveries(session) == []


def test_every_attempt_signs_the_same_body_with_its_own_timestamp(world, receiver, session, policy):
    receiver.fail_first = 1
    _, secret = world.endpoint(receiver.url)
    world.submitted_visit()
    clock = Clock()
    deliver_due(session, policy, clock=clock)
    clock.advance(hours=1)
    deliver_due(session, policy, clock=clock)
    first, second = receiver.wait_for(2)
    assert first.body == second.body
    assert first.header("Fieldaudit-Timestamp") != second.header("Fieldaudit-Timestamp")
    assert verify(secret, Headers(second.headers), second.body, tolerance=7200)
    assert uuid.UUID(first.header("Fieldaudit-Delivery"))


def test_an_endpoint_failing_for_the_whole_retry_window_is_turned_off_however_few_its_failures(
    world, receiver, session, app
):
    from server.services.webhooks.deliver import DeliveryPolicy

    receiver.status = 502
    endpoint, _ = world.endpoint(receiver.url, ["visit.submitted"])
    world.submitted_visit()
    policy = DeliveryPolicy.from_settings({**app.config, "WEBHOOK_DISABLE_AFTER": 1000})
    clock = Clock()
    deliver_due(session, policy, clock=clock)
    session.expire_all()
    assert session.get(WebhookEndpoint, endpoint.id).active
    clock.advance(hours=24, seconds=1)
    deliver_due(session, policy, clock=clock)
    session.expire_all()
    endpoint = session.get(WebhookEndpoint, endpoint.id)
    assert not endpoint.active and endpoint.consecutive_failures == 2 and "HTTP 502" in endpoint.disabled_reason


def test_reactivating_a_turned_off_endpoint_resumes_its_waiting_deliveries(world, receiver, session, app):
    from server.services.transactions import atomic
    from server.services.webhooks.deliver import DeliveryPolicy
    from server.services.webhooks.endpoints import set_endpoint_active

    receiver.fail_first = 1
    endpoint, _ = world.endpoint(receiver.url, ["visit.submitted"])
    world.submitted_visit()
    policy = DeliveryPolicy.from_settings({**app.config, "WEBHOOK_DISABLE_AFTER": 1})
    deliver_due(session, policy)
    session.expire_all()
    assert not session.get(WebhookEndpoint, endpoint.id).active
    with atomic(session):
        set_endpoint_active(session, world.admin, session.get(WebhookEndpoint, endpoint.id), True, app.config)
    assert deliver_due(session, policy) == 1  # due at once, with a fresh window
    (delivery,) = deliveries(session)
    assert (
        delivery.status is DeliveryStatus.SUCCEEDED and session.get(WebhookEndpoint, endpoint.id).disabled_reason == ""
    )


def test_finished_events_are_forgotten_after_the_keep_period_and_waiting_ones_kept(world, receiver, session, policy):
    from server.services.webhooks.deliver import forget_old_events

    receiver.fail_first = 1
    world.endpoint(receiver.url)
    world.submitted_visit()
    world.submitted_visit(world.new_assignment())
    deliver_due(session, policy)  # the first fails (waits for a retry), the second succeeds
    later = utcnow() + timedelta(days=31)
    assert forget_old_events(session, timedelta(days=30), later) == 1
    session.expire_all()
    assert [d.status for d in deliveries(session)] == [DeliveryStatus.RETRYING]
    assert len(session.scalars(select(WebhookEvent)).all()) == 1
