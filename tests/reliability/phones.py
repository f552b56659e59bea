"""Real phone stores (mobile.store.LocalStore in temp folders) signed in to a server, and random but valid visits."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from mobile.store import AccountStore, LocalStore, VisitState
from mobile.sync import ApiClient, RetryPolicy, SyncEngine, SyncResult, sign_in
from tests.mobile.factories import write_png
from tests.mobile.live import PASSWORD


def random_answers(rng: random.Random) -> dict[str, dict[str, Any]]:
    """Valid answers to tests.mobile.factories.CHECKLIST, varied so scores differ from visit to visit."""
    answers: dict[str, dict[str, Any]] = {"greeted": {"value": rng.choice(["yes", "no"])}}
    if rng.random() < 0.9:
        clean = rng.randint(1, 5)
        answers["clean"] = {"value": clean}
        if clean <= 2 and rng.random() < 0.7:
            answers["why_dirty"] = {"value": "Floor, windows & the <till>"}
    if rng.random() < 0.9:
        answers["price_ok"] = {"value": rng.choice(["yes", "yes", "no"])}
    if rng.random() < 0.9:
        answers["wait"] = {"value": rng.choice([0, 1.5, 2.5, 3, 7.25, 120])}
    roll = rng.random()
    if roll < 0.15:
        answers["mood"] = {"na": True}
    elif roll < 0.9:
        answers["mood"] = {"value": rng.choice(["warm", "flat", "rude"])}
    if rng.random() < 0.5:
        answers["notes"] = {
            "value": rng.choice(["Fine.", "Très bien — ça va", "Кассир вежлив", "良い"]),
            "comment": "n/a" if rng.random() < 0.3 else None,
        }
    for parts in answers.values():
        if parts.get("comment") is None:
            parts.pop("comment", None)
    return answers


@dataclass
class FieldPhone:
    """One device with one signed-in shopper; syncs through ``base_url`` (the fault proxy)."""

    store: LocalStore
    shop: AccountStore
    base_url: str
    folder: Path
    retry: RetryPolicy
    chunk_size: int
    session: requests.Session

    @classmethod
    def sign_in(
        cls, base_url: str, email: str, folder: Path, rng: random.Random, chunk_size: int = 16 * 1024, attempts: int = 8
    ) -> FieldPhone:
        store = LocalStore(folder / "phone")
        session = requests.Session()
        account = sign_in(store, base_url, email, PASSWORD, "Reliability phone", session=session)
        retry = RetryPolicy(attempts=attempts, base=0.002, cap=0.02, sleep=lambda s: None, rng=rng.random)
        return cls(store, store.for_account(account.id), base_url, folder, retry, chunk_size, session)

    def sync(self, **options: Any) -> SyncResult:
        client = ApiClient(self.base_url, self.shop.account.token, session=self.session, timeout=(5.0, 30.0))
        return SyncEngine(self.shop, client, retry=self.retry, chunk_size=self.chunk_size, **options).run()

    def start(
        self, *, assignment_id: str | None = None, branch_id: int | None = None, version_id: int | None = None
    ) -> str:
        if assignment_id is not None:
            return self.shop.drafts.start_visit(assignment_id).id
        return self.shop.drafts.start_visit(branch_id=branch_id, template_version_id=version_id).id

    def answer(self, visit_id: str, rng: random.Random) -> None:
        for key, parts in random_answers(rng).items():
            self.shop.drafts.save_answer(visit_id, key, **parts)

    def photo(self, visit_id: str, rng: random.Random, noise: int | None = None) -> None:
        noise = rng.randrange(2_000, 60_000) if noise is None else noise
        path = write_png(
            self.folder / "camera", f"{visit_id}-{rng.randrange(10**9)}.png", noise=noise, seed=rng.randrange(10**9)
        )
        self.shop.drafts.add_photo(visit_id, "storefront", path)

    def finish(self, visit_id: str) -> None:
        result = self.shop.drafts.finish_visit(visit_id)
        assert result.ok, result.issues

    def complete_visit(self, rng: random.Random, **start: Any) -> str:
        visit_id = self.start(**start)
        self.answer(visit_id, rng)
        self.photo(visit_id, rng)
        self.finish(visit_id)
        return visit_id

    def finished(self) -> list[str]:
        """Every visit the user finished (whatever its sync state)."""
        return [v.id for v in self.shop.drafts.visits() if v.state is not VisitState.DRAFT]

    def settled(self) -> bool:
        """Nothing left to send: no outbox, no photo bytes the server lacks."""
        counts = self.shop.drafts.state_counts()
        return (
            not counts.get(VisitState.OUTBOX)
            and not counts.get(VisitState.AWAITING_PHOTOS)
            and not self.shop.outbox.photos_to_upload()
        )

    def close(self) -> None:
        self.session.close()
        self.store.close()


def expected_totals(phones: list[FieldPhone]) -> dict[str, Any]:
    """What the server must hold if nothing was lost or duplicated: from the phones' frozen documents."""
    visits, answers, photos, scores = 0, 0, {}, {}
    for phone in phones:
        for visit_id in phone.finished():
            document = phone.shop.drafts.visit_document(visit_id)
            visits += 1
            answered = {a["question"] for a in document["answers"]}
            answers += len(answered | {p["question"] for p in document.get("photos", [])})  # a photo answers too
            photos.update({p["id"]: p["sha256"] for p in document.get("photos", [])})
            scores[visit_id] = phone.shop.drafts.score_preview(visit_id).percent
    return {"visits": visits, "answers": answers, "photos": photos, "scores": scores}
