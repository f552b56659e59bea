"""A hypothesis state machine over one phone and the real server (in-process, over HTTP): visits are started,
answered, photographed and finished in any order, synced through a transport that drops or fails requests,
the server is restarted on the same database file and assignments are reassigned under the phone's feet.

Invariants after every step: nothing finished on the phone is ever lost or altered, the server holds nothing
twice (one revision per visit, only visits the phone finished), what the phone counts as acknowledged is on the
server, and the server's score of every visit equals the phone's preview. At the end, after quiet syncs, the
acknowledged visits equal the server's records exactly.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from werkzeug.serving import make_server

from mobile.store import LocalStore, StoreError, VisitState
from mobile.sync import ApiClient, RetryPolicy, SyncEngine, sign_in
from tests.mobile.factories import CHECKLIST
from tests.mobile.faults import faulty_session
from tests.mobile.live import PASSWORD, LiveServer, build_template_db, server_config
from tests.reliability.phones import random_answers

_TEMPLATE: list[Path] = []
FAULT_KINDS = ("drop_before", "drop_after", "status")
TARGETS = (
    ("GET", "/sync/changes"),
    ("POST", "/sync/push"),
    ("HEAD", "/photos/"),
    ("PUT", "/photos/"),
    ("GET", "/api/v1/visits/"),
)


def template_db() -> Path:
    if not _TEMPLATE:
        _TEMPLATE.append(build_template_db(Path(tempfile.mkdtemp(prefix="fa-sm-template-"))))
    return _TEMPLATE[0]


class ReopenableServer(LiveServer):
    """LiveServer whose restart() is a new app instance (new engine, new port) on the same database file."""

    def __init__(self, template: Path, folder: Path) -> None:  # noqa: D107 - LiveServer's, with a quick shutdown
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(template, folder / "server.db")
        self.folder, self._n = folder, 0
        self._serve()

    def _serve(self) -> None:
        from server import create_app

        self.app = create_app(server_config(self.folder / "server.db", self.folder))
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()

    def restart(self) -> None:
        self.stop()
        self._serve()


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="fa-sm-"))
        self.server = ReopenableServer(template_db(), self.folder / "server")
        self.shopper = self.server.shopper()
        self.other = self.server.shopper("Olga Other")
        self.branch_id = self.server.branch()
        self.template_id, self.version_id = self.server.template(CHECKLIST)
        self.assignments = [self.server.assignment(self.shopper, self.branch_id, self.template_id) for _ in range(3)]
        self.store = LocalStore(self.folder / "phone")
        self.session, self.faults = faulty_session()
        account = sign_in(self.store, self.server.url, self.shopper.email, PASSWORD, "SM phone", session=self.session)
        self.shop = self.store.for_account(account.id)
        self.rng = random.Random(0)
        self.drafts: list[str] = []
        self.finished: dict[str, dict] = {}  # visit id -> frozen document at finish time
        self.previews: dict[str, float | None] = {}
        self.injected = 0
        self.reassigned = 0
        self.sync(clean=True)

    # -- helpers ---------------------------------------------------------------------------------------------
    def sync(self, clean: bool = False):
        client = ApiClient(self.server.url, self.shop.account.token, session=self.session, timeout=(5, 20))
        retry = RetryPolicy(attempts=3, base=0.001, cap=0.002, sleep=lambda s: None, rng=self.rng.random)
        result = SyncEngine(self.shop, client, retry=retry, chunk_size=8 * 1024).run()
        if clean:
            self.faults.faults.clear()
        return result

    def server_state(self) -> dict:
        from sqlalchemy import func, select

        from server.models import Photo, Visit, VisitRevision

        with self.server.ctx():
            s = self.server.session
            visits = {str(v.id): v for v in s.scalars(select(Visit))}
            revisions = s.scalar(select(func.count()).select_from(VisitRevision))
            return {
                "visits": {k: (v.shopper_id, v.revision, v.status.value, v.score_percent) for k, v in visits.items()},
                "revisions": revisions,
                "complete": {str(p.id) for p in s.scalars(select(Photo).where(Photo.completed_at.is_not(None)))},
                "photos": {str(p.id) for p in s.scalars(select(Photo))},
            }

    # -- rules -----------------------------------------------------------------------------------------------
    @rule(use_assignment=st.booleans(), index=st.integers(0, 2))
    def start_visit(self, use_assignment, index):
        try:
            if use_assignment:
                assignment_id = self.assignments[index]
                if self.shop.drafts.visit_for_assignment(assignment_id) is not None:
                    return
                visit = self.shop.drafts.start_visit(assignment_id)
            else:
                if self.shop.pulled.branch(self.branch_id).removed:  # the app offers only branches the user may visit
                    return
                visit = self.shop.drafts.start_visit(branch_id=self.branch_id, template_version_id=self.version_id)
        except StoreError:  # reassigned away / not on the phone (any more): the app would not offer it
            return
        self.drafts.append(visit.id)

    @initialize(seed=st.integers(0, 10**6))
    def first_visit(self, seed):
        self.whole_visit(seed, True, 0)

    @rule(seed=st.integers(0, 10**6), use_assignment=st.booleans(), index=st.integers(0, 2))
    def whole_visit(self, seed, use_assignment, index):
        """Start, answer, photograph and finish in one go (the common case)."""
        self.start_visit(use_assignment, index)
        if self.drafts:
            self.complete(len(self.drafts) - 1, True, seed)

    @precondition(lambda self: self.drafts)
    @rule(pick=st.integers(0, 100), seed=st.integers(0, 10**6))
    def answer(self, pick, seed):
        visit_id = self.drafts[pick % len(self.drafts)]
        for key, parts in random_answers(random.Random(seed)).items():
            self.shop.drafts.save_answer(visit_id, key, **parts)

    @precondition(lambda self: self.drafts)
    @rule(pick=st.integers(0, 100), noise=st.integers(100, 30_000), seed=st.integers(0, 10**6))
    def add_photo(self, pick, noise, seed):
        from tests.mobile.factories import write_png

        visit_id = self.drafts[pick % len(self.drafts)]
        for photo in self.shop.drafts.photos(visit_id, "storefront"):
            self.shop.drafts.remove_photo(photo.id)
        path = write_png(self.folder / "camera", f"{uuid.uuid4()}.png", noise=noise, seed=seed)
        self.shop.drafts.add_photo(visit_id, "storefront", path)

    @precondition(lambda self: self.drafts)
    @rule(pick=st.integers(0, 100), fill=st.booleans(), seed=st.integers(0, 10**6))
    def complete(self, pick, fill, seed):
        """Finish a draft as it is (may be refused: required answers missing), or after the shopper filled it in."""
        visit_id = self.drafts[pick % len(self.drafts)]
        if fill:
            if not self.shop.drafts.answers(visit_id).get("greeted"):
                self.answer(pick, seed)
            if not self.shop.drafts.photos(visit_id, "storefront"):
                self.add_photo(pick, 2_000 + seed % 20_000, seed)
        result = self.shop.drafts.finish_visit(visit_id)
        if not result.ok:
            return
        self.drafts.remove(visit_id)
        self.finished[visit_id] = self.shop.drafts.visit_document(visit_id)
        self.previews[visit_id] = self.shop.drafts.score_preview(visit_id).percent

    @rule(
        kind=st.sampled_from(FAULT_KINDS),
        where=st.sampled_from(TARGETS),
        after=st.integers(0, 1),
        times=st.integers(1, 3),
        status=st.sampled_from([500, 502, 503]),
    )
    def sync_with_fault(self, kind, where, after, times, status):
        self.faults.fail(*where, kind, after=after, times=times, status=status)
        before = len([s for s in self.faults.seen if s.injected])
        self.sync(clean=True)
        self.injected += len([s for s in self.faults.seen if s.injected]) - before

    @rule()
    def restart_server(self):
        self.server.restart()

    @rule(index=st.integers(0, 2))
    def reassign(self, index):
        from server.models import Assignment, User
        from server.services.org.organisation import OrgError, reassign_assignment
        from server.services.transactions import atomic

        with self.server.ctx():
            s = self.server.session
            assignment = s.get(Assignment, uuid.UUID(self.assignments[index]))
            to = self.other if assignment.shopper_id == self.shopper.id else self.shopper
            try:
                with atomic(s):
                    reassign_assignment(s, assignment, s.get(User, to.id))
                self.reassigned += 1
            except OrgError:
                pass  # visited already: no longer open (nothing stored)

    # -- invariants ------------------------------------------------------------------------------------------
    @invariant()
    def nothing_finished_is_lost_or_altered(self):
        for visit_id, document in self.finished.items():
            visit = self.shop.drafts.visit(visit_id)
            assert visit.state is not VisitState.DRAFT
            assert self.shop.drafts.visit_document(visit_id) == document
            for photo in self.shop.drafts.photos(visit_id):  # the phone keeps the bytes until the server has them
                path = self.shop.drafts.photo_path(photo)
                assert photo.uploaded or (path and path.is_file())

    @invariant()
    def server_holds_nothing_twice_and_agrees(self):
        state = self.server_state()
        assert state["revisions"] == len(state["visits"])  # one revision each: no duplicates
        assert set(state["visits"]) <= set(self.finished)  # only what the phone finished
        for visit_id, (shopper_id, revision, status, score) in state["visits"].items():
            assert shopper_id == self.shopper.id and revision == 1
            assert score == self.previews[visit_id]  # the server's score = the preview
            photo_ids = {p["id"] for p in self.finished[visit_id].get("photos", [])}
            assert photo_ids <= state["photos"]
            if status == "submitted":
                assert photo_ids <= state["complete"]
        for visit in self.shop.drafts.visits((VisitState.SENT, VisitState.AWAITING_PHOTOS)):
            assert visit.id in state["visits"]  # acknowledged => on the server
            if visit.state is VisitState.SENT:
                assert state["visits"][visit.id][2] == "submitted"

    def teardown(self):
        try:
            for _ in range(4):  # quiet syncs: then acknowledged == server records
                result = self.sync(clean=True)
                if (
                    result.ok
                    and not self.shop.outbox.photos_to_upload()
                    and not self.shop.drafts.state_counts().get(VisitState.OUTBOX)
                ):
                    break
            state = self.server_state()
            acknowledged = {v.id for v in self.shop.drafts.visits((VisitState.SENT,))}
            refused = {
                v.id for v in self.shop.drafts.visits((VisitState.INVALID, VisitState.CONFLICT, VisitState.ERROR))
            }
            assert acknowledged == set(state["visits"])
            assert acknowledged | refused == set(self.finished)
            for visit_id in refused:
                # refused only because reassignment took the assignment (or, with the last assignment there, the
                # branch) away from the shopper: kept on the phone, invalid, naming the field
                visit = self.shop.drafts.visit(visit_id)
                assert visit.state is VisitState.INVALID, (visit.state, visit.last_error)
                assert set(visit.field_errors) & {"assignment_id", "branch_id"}, (visit.field_errors, visit.last_error)
                assert self.reassigned, visit.last_error
            STATS.append((len(self.finished), self.injected))
        finally:
            self.server.stop()
            self.store.close()
            shutil.rmtree(self.folder, ignore_errors=True)


STATS: list[tuple[int, int]] = []
SyncMachine.TestCase.settings = settings(
    max_examples=15, stateful_step_count=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


class TestSyncStateMachine(SyncMachine.TestCase):
    pass
