"""The roll-up cache: a bounded LRU per app, sized by ROLLUP_CACHE_SIZE (0 turns it off)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from server.services import scores
from server.services.scores.cache import DEFAULT_SIZE, RollupCache
from tests.server.scores.world import MARCH, ScoreWorld


def test_the_cache_keeps_at_most_its_size_and_drops_the_least_recently_used():
    cache = RollupCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == (True, 1)  # "b" is now the least recently used
    cache.put("c", 3)
    assert len(cache) == 2 and cache.get("b") == (False, None) and cache.get("c") == (True, 3)


def test_threads_missing_the_same_key_at_once_compute_it_once_and_all_get_the_answer():
    cache, calls, release = RollupCache(8), [], threading.Event()

    def league():
        calls.append(1)
        release.wait(10)  # every other thread arrives while the first is still computing
        return "league"

    with ThreadPoolExecutor(6) as pool:
        answers = [pool.submit(cache.compute, "key", league) for _ in range(6)]
        while not calls:
            release.wait(0.01)
        release.set()
        assert [answer.result(10) for answer in answers] == ["league"] * 6
    assert len(calls) == 1 and cache.get("key") == (True, "league")


def test_a_failed_computation_is_not_shared_the_waiting_thread_computes_it_itself():
    cache, started, release, calls = RollupCache(8), threading.Event(), threading.Event(), []

    def failing():
        calls.append("failing")
        started.set()
        release.wait(10)
        raise RuntimeError("database went away")

    def working():
        calls.append("working")
        return 42

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(cache.compute, "key", failing)
        started.wait(10)
        second = pool.submit(cache.compute, "key", working)
        release.wait(0.2)  # the second thread finds the first computing and waits for it
        release.set()
        with pytest.raises(RuntimeError):
            first.result(10)
        assert second.result(10) == 42
    assert calls == ["failing", "working"] and cache.get("key") == (True, 42)


def test_an_app_gets_a_cache_of_the_default_size(app):
    assert app.extensions["rollup_cache"].size == DEFAULT_SIZE == app.config["ROLLUP_CACHE_SIZE"]


def test_a_cached_list_is_handed_out_as_a_fresh_copy(app, make, session):
    world, branch = ScoreWorld(make, session), make.branch()
    world.visit(branch, 80, answers=[("greeted", "front", 0, 1, False)])
    scope = scores.make_scope(session, *MARCH)
    first = scores.question_rates(session, branch, scope)
    first.clear()
    assert len(scores.question_rates(session, branch, scope)) == 1


class TestSizeZero:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "ROLLUP_CACHE_SIZE": 0}

    def test_a_cache_of_size_zero_keeps_nothing(self, app, make, session):
        region = make.region()
        ScoreWorld(make, session).visit(make.branch(region), 70)
        scores.region_league(session, region, scores.make_scope(session, *MARCH))
        assert len(app.extensions["rollup_cache"]) == 0
