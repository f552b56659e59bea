"""BackgroundSync against the real server: the engine runs in a thread, callbacks go through the UI's dispatcher,
one run at a time, and cancel() stops it between chunks with everything kept."""

from __future__ import annotations

import threading

from mobile.store import VisitState
from mobile.sync import PHOTOS, PULL, BackgroundSync, SyncEngine
from tests.mobile.world import make_world


def test_background_sync_runs_in_a_thread_and_reports_through_the_dispatcher(live_server, tmp_path):
    world = make_world(live_server, tmp_path)
    phone = world.phone
    queued: list = []
    finished: list = []
    progress: list = []
    threads: set = set()

    def dispatch(callback):
        threads.add(threading.current_thread().name)
        queued.append(callback)

    runner = BackgroundSync(
        lambda: phone.engine(),
        on_progress=lambda *step: progress.append(step),
        on_finished=finished.append,
        dispatch=dispatch,
    )
    assert runner.start()
    result = runner.join(30)
    assert result is not None and result.ok and not runner.running
    assert threads == {"fieldaudit-sync"} and finished == []  # the UI runs the queued callbacks itself
    for callback in queued:
        callback()
    assert finished == [result] and progress[0][0] == PULL
    assert [a.id for a in phone.shop.pulled.assignments()] == [world.assignment_id]


def test_one_sync_at_a_time_and_cancel_keeps_what_was_sent(live_server, tmp_path):
    world = make_world(live_server, tmp_path, chunk_size=16 * 1024)
    phone = world.phone
    phone.sync()
    visit_id = phone.complete_visit(world.assignment_id, photo_options={"noise": 200_000})
    started = threading.Event()
    release = threading.Event()

    def on_progress(stage, done, total):
        if stage == PHOTOS and done > 0:
            started.set()
            release.wait(10)

    runner = BackgroundSync(phone.engine(), on_progress=on_progress)
    assert runner.start()
    assert started.wait(10)
    assert not runner.start() and runner.running
    runner.cancel()
    release.set()
    result = runner.join(10)
    assert result.cancelled and not result.ok
    photo = phone.shop.drafts.photos(visit_id)[0]
    assert 0 < photo.uploaded_bytes < photo.size
    assert phone.shop.drafts.visit(visit_id).state is VisitState.AWAITING_PHOTOS
    assert runner.start()
    assert runner.join(30).ok and phone.shop.drafts.visit(visit_id).state is VisitState.SENT


def test_a_second_run_of_the_same_engine_while_one_is_running_is_refused(live_server, tmp_path):
    world = make_world(live_server, tmp_path)
    engine: SyncEngine = world.phone.engine()
    inside = threading.Event()
    release = threading.Event()

    def hold(stage, done, total):
        inside.set()
        release.wait(10)

    worker = threading.Thread(target=engine.run, args=(hold,))
    worker.start()
    assert inside.wait(10)
    second = engine.run()
    release.set()
    worker.join(10)
    assert second.errors == ["a sync is already running"]
