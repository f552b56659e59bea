"""A phone signed in to the real server, with an assignment waiting: the starting point of the sync tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from mobile.store import AccountStore, LocalStore
from mobile.sync import ApiClient, RetryPolicy, SyncEngine, SyncResult, sign_in
from tests.mobile.factories import CHECKLIST, fill, write_png
from tests.mobile.faults import FaultyAdapter, faulty_session
from tests.mobile.live import PASSWORD, LiveServer, Shopper


@dataclass
class Phone:
    """One account on a device: its store view, the engine (with recorded backoff waits) and the fault switch."""

    server: LiveServer
    store: LocalStore
    shop: AccountStore
    shopper: Shopper
    faults: FaultyAdapter
    session: requests.Session
    folder: Path
    waits: list[float] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)

    def engine(self, **options: Any) -> SyncEngine:
        account = self.shop.account
        client = ApiClient(account.server_url, account.token, session=self.session)
        merged = {"retry": RetryPolicy(attempts=4, sleep=self.waits.append), **self.options, **options}
        return SyncEngine(self.shop, client, **merged)

    def sync(self, progress: Any = None, cancel: Any = None, **options: Any) -> SyncResult:
        return self.engine(**options).run(progress, cancel)

    def sign_in_again(self) -> None:
        sign_in(self.store, self.server.url, self.shopper.email, PASSWORD, "Test phone", session=self.session)

    def complete_visit(
        self, assignment_id: str | None = None, *, photo_options: dict | None = None, **start: Any
    ) -> str:
        """Start, answer everything, take the storefront photo, finish; returns the visit id."""
        visit = self.shop.drafts.start_visit(assignment_id, **start)
        fill(self.shop, visit.id)
        if self.shop.pulled.checklist(visit.template_version_id).has_question("storefront"):
            png = write_png(self.folder / "camera", f"{visit.id}.png", **(photo_options or {}))
            self.shop.drafts.add_photo(visit.id, "storefront", png)
        result = self.shop.drafts.finish_visit(visit.id)
        assert result.ok, result.issues
        return visit.id


def new_phone(
    server: LiveServer, folder: Path, shopper: Shopper | None = None, store: LocalStore | None = None, **options: Any
) -> Phone:
    shopper = shopper or server.shopper()
    store = store or LocalStore(folder / "phone")
    session, faults = faulty_session()
    account = sign_in(
        store, server.url, shopper.email, PASSWORD, "Test phone", otp=server.otp(shopper), session=session
    )
    return Phone(server, store, store.for_account(account.id), shopper, faults, session, folder, options=options)


@dataclass
class World:
    server: LiveServer
    phone: Phone
    branch_id: int
    template_id: int
    version_id: int
    assignment_id: str


def make_world(server: LiveServer, folder: Path, definition: dict | None = None, **options: Any) -> World:
    shopper = server.shopper()
    branch_id = server.branch()
    template_id, version_id = server.template(definition or CHECKLIST)
    assignment_id = server.assignment(shopper, branch_id, template_id)
    phone = new_phone(server, folder, shopper, **options)
    return World(server, phone, branch_id, template_id, version_id, assignment_id)
