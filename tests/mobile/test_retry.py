"""Backoff: exponential with full jitter, bounded attempts, only for network errors and 5xx, cancellable."""

from __future__ import annotations

import threading

import pytest

from mobile.sync import ClientError, NetworkError, RetryPolicy, ServerError, SyncCancelled


def flaky(*errors):
    calls = []

    def action():
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return "done"

    return action, calls


def test_network_errors_and_5xx_are_retried_with_growing_jittered_waits():
    waits = []
    policy = RetryPolicy(attempts=5, base=1, cap=100, sleep=waits.append, rng=lambda: 0.5)
    action, calls = flaky(NetworkError("down"), ServerError("boom", 503), NetworkError("down"))
    assert policy.call(action) == "done"
    assert len(calls) == 4 and waits == [0.5, 1.0, 2.0]


def test_the_wait_never_exceeds_the_cap_and_is_random_below_it():
    policy = RetryPolicy(base=1, cap=8, rng=lambda: 0.999)
    assert policy.delay(10) <= 8
    assert RetryPolicy(base=1, cap=8, rng=lambda: 0.0).delay(3) == 0.0


def test_attempts_are_bounded_and_the_last_error_is_raised():
    waits = []
    action, calls = flaky(*[ServerError("boom", 500)] * 10)
    with pytest.raises(ServerError):
        RetryPolicy(attempts=3, sleep=waits.append).call(action)
    assert len(calls) == 3 and len(waits) == 2


def test_a_4xx_is_never_retried():
    action, calls = flaky(ClientError("bad", 422))
    with pytest.raises(ClientError):
        RetryPolicy(sleep=lambda s: pytest.fail("slept")).call(action)
    assert len(calls) == 1


def test_a_cancelled_sync_stops_waiting_at_once():
    cancel = threading.Event()
    cancel.set()
    action, calls = flaky(NetworkError("down"))
    with pytest.raises(SyncCancelled):
        RetryPolicy().call(action, cancel)
    assert calls == []
    cancel = threading.Event()
    policy = RetryPolicy(base=60, cap=60, rng=lambda: 1.0)
    threading.Timer(0.05, cancel.set).start()
    with pytest.raises(SyncCancelled):
        policy.call(flaky(NetworkError("down"))[0], cancel)
