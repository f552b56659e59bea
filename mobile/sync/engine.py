"""One sync run for one account: pull, settings, push the outbox, upload photos, refresh what was sent; safe to repeat."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import TypeVar

from mobile.store import AccountStore, BadChange, LocalPhoto, LocalStore, QueuedVisit, VisitState

from .client import ApiClient
from .errors import (
    ApiError,
    AuthError,
    ClientError,
    InsufficientStorage,
    NetworkError,
    QuotaExceeded,
    SyncCancelled,
    TooLarge,
)
from .result import PHOTOS, PULL, PUSH, REFRESH, Progress, SyncResult, log, report
from .retry import RetryPolicy
from .upload import CHUNK_SIZE, PhotoFailed, PhotoUploader, visit_failed

T = TypeVar("T")
MAX_VISITS = 50
MAX_BYTES = 4 * 1024 * 1024
"""Batch limits kept under the server's defaults (50 visits, 5 MiB); a 413 splits a batch anyway."""


class SyncEngine:
    """Runs the protocol of docs/sync-protocol.md for one account; every step can be cut short and run again."""

    def __init__(
        self,
        store: AccountStore,
        client: ApiClient,
        *,
        retry: RetryPolicy | None = None,
        max_visits: int = MAX_VISITS,
        max_bytes: int = MAX_BYTES,
        chunk_size: int = CHUNK_SIZE,
        page_limit: int | None = None,
    ) -> None:
        self.store, self.client = store, client
        self.retry = retry or RetryPolicy()
        self.max_visits, self.max_bytes = max_visits, max_bytes
        self.chunk_size, self.page_limit = chunk_size, page_limit
        self._running = threading.Lock()

    @classmethod
    def for_account(cls, store: LocalStore, account_id: int, **options: object) -> SyncEngine:
        """An engine with a client for the account's server and token."""
        account = store.account(account_id)
        client = ApiClient(account.server_url, account.token)
        return cls(store.for_account(account_id), client, **options)  # type: ignore[arg-type]

    def run(self, progress: Progress | None = None, cancel: threading.Event | None = None) -> SyncResult:
        """Pull, settings, push, photos, refresh; returns what happened. Never raises for server or network trouble."""
        result = SyncResult()
        if not self._running.acquire(blocking=False):
            result.errors.append("a sync is already running")
            return result
        self._progress, self._cancel, self._result = progress, cancel, result
        try:
            account = self.store.account
            if account.needs_login:
                result.auth_error = "the sign-in has expired; sign in again"
                return result
            self.client.token = account.token
            self._held_back: dict[str, str] = {}
            self._pull()
            self._settings()
            touched = self._push()
            touched |= self._photos()
            self._refresh(touched)
            if touched:
                self._pull()
            for visit_id, message in self._held_back.items():  # last, so the refresh does not clear it
                self.store.outbox.note_problem(visit_id, message)
            self.store.mark_synced()
        except SyncCancelled:
            result.cancelled = True
        except AuthError as error:
            self.store.set_token_problem(error.reason)
            result.auth_error = error.message
        except (ApiError, BadChange) as error:
            result.offline = isinstance(error, NetworkError)
            result.errors.append(getattr(error, "message", None) or str(error))
        finally:
            self._running.release()
        return result

    # -- steps ---------------------------------------------------------------------------------------------------
    def _call(self, action: Callable[[], T]) -> T:
        """A server call with retries (network, 5xx), counting them in the result."""

        def counted(error: ApiError, wait: float) -> None:
            self._result.retries += 1
            log.info("retrying in %.1fs after: %s", wait, error.message)

        return self.retry.call(action, self._cancel, counted)

    def _check_cancel(self) -> None:
        if self._cancel is not None and self._cancel.is_set():
            raise SyncCancelled()

    def _settings(self) -> None:
        """Keep the organisation settings the server says the app follows (score preview...).

        A failure here keeps the last ones the server sent (or the strict defaults) and lets the sync go on:
        sending the shopper's visits matters more than a display setting."""
        self._check_cancel()
        try:
            settings = self._call(self.client.phone_settings)
        except AuthError:
            raise
        except ApiError as error:
            log.info("kept the last phone settings: %s", error.message)
            return
        self.store.store_phone_settings(settings)

    def _pull(self) -> None:
        """Page by page; each page and its cursor are stored together before the next page is asked for.

        A first pull (no cursor) is a snapshot: its pages say where it starts and ends, and the store
        drops what the phone held that the snapshot did not send again (never drafts, outbox or sent visits).
        """
        while True:
            self._check_cancel()
            cursor = self.store.account.cursor
            page = self._call(partial(self.client.changes, cursor, self.page_limit))
            self._result.pulled += self.store.pulled.apply_changes(
                page.changes, page.cursor, reset=page.reset, snapshot_complete=page.snapshot_complete
            )
            self._result.pages += 1
            report(self._progress, PULL, self._result.pulled, None)
            if not page.more:
                return
            if page.cursor == cursor:
                raise BadChange("the server said there is more but did not move the cursor")

    def _push(self) -> set[str]:
        """Push the outbox in batches; returns the ids the server now holds."""
        queued = self.store.outbox.queued()
        accepted: set[str] = set()
        done = 0
        report(self._progress, PUSH, 0, len(queued))
        for batch in self._batches(queued):
            accepted |= self._push_batch(batch)
            done += len(batch)
            report(self._progress, PUSH, done, len(queued))
        return accepted

    def _batches(self, queued: list[QueuedVisit]) -> Iterator[list[QueuedVisit]]:
        batch: list[QueuedVisit] = []
        size = 0
        for visit in queued:
            if batch and (len(batch) >= self.max_visits or size + visit.size > self.max_bytes):
                yield batch
                batch, size = [], 0
            batch.append(visit)
            size += visit.size
        if batch:
            yield batch

    def _push_batch(self, batch: list[QueuedVisit]) -> set[str]:
        """One POST; a 413 splits the batch in two, other 4xx mark its visits with the message (no retry)."""
        self._check_cancel()
        ids = [visit.id for visit in batch]
        documents = {visit.id: visit.document for visit in batch}
        try:
            results = self._call(lambda: self.client.push([visit.document for visit in batch]))
        except TooLarge as error:
            if len(batch) == 1:
                self._refuse(ids, error)
                return set()
            middle = len(batch) // 2
            return self._push_batch(batch[:middle]) | self._push_batch(batch[middle:])
        except AuthError:
            raise
        except ClientError as error:
            self._refuse(ids, error)
            return set()
        by_id = {str(r.get("id")): r for r in results}
        accepted = set()
        for visit_id in ids:
            answer = by_id.get(visit_id)
            if answer is None:
                self._result.errors.append(f"the server gave no answer for visit {visit_id}; it stays queued")
                continue
            state = self.store.outbox.record_push_result(visit_id, answer, documents[visit_id])
            if state in (VisitState.SENT, VisitState.AWAITING_PHOTOS):
                self._result.pushed += 1
                accepted.add(visit_id)
            elif state is VisitState.CONFLICT:
                self._result.conflicts.append(visit_id)
            elif state is VisitState.INVALID:
                self._result.invalid.append(visit_id)
            elif state is VisitState.ERROR:
                self._result.failed.append(visit_id)
        return accepted

    def _refuse(self, ids: list[str], error: ClientError) -> None:
        self.store.outbox.mark_error(ids, error.message, error.errors)
        self._result.failed += ids
        self._result.errors.append(error.message)

    def _photos(self) -> set[str]:
        """Upload every photo the server still lacks; returns the ids of visits whose photos all arrived.

        A photo the server refuses marks its visit with the reason once the visit's other photos
        have been tried (they keep flowing, so the server holds all it can). Storage full (507) or
        the daily allowance used up (429) stop the photo step: every visit stays queued for the next
        sync and shows the server's message.
        """
        photos = self.store.outbox.photos_to_upload()
        total = sum(p.size for p in photos)
        acknowledged = {p.id: p.uploaded_bytes for p in photos}
        uploader = PhotoUploader(self.store, self.client, self.retry, self.chunk_size, self._cancel)
        completed: set[str] = set()
        refused: dict[str, tuple[LocalPhoto, list[str]]] = {}
        report(self._progress, PHOTOS, sum(acknowledged.values()), total)
        try:
            for photo in photos:

                def moved(received: int, photo_id: str = photo.id) -> None:
                    acknowledged[photo_id] = received
                    report(self._progress, PHOTOS, sum(acknowledged.values()), total)

                try:
                    status = uploader.upload(photo, moved)
                except PhotoFailed as error:
                    refused.setdefault(photo.visit_id, (photo, []))[1].append(str(error))
                    continue
                except (InsufficientStorage, QuotaExceeded) as error:
                    self._held_back.update(
                        {
                            p.visit_id: error.message
                            for p in photos
                            if p.visit_id not in refused and p.visit_id not in completed
                        }
                    )
                    self._result.errors.append(error.message)
                    break
                self._result.uploaded += 1
                if self.store.outbox.mark_photo_uploaded(photo.id, status) is VisitState.SENT:
                    completed.add(photo.visit_id)
        finally:
            self._result.retries += uploader.retries
            self._result.uploaded_bytes += uploader.sent_bytes
            for visit_id, (photo, messages) in refused.items():
                visit_failed(self.store, photo, "; ".join(dict.fromkeys(messages)))
                self._result.failed.append(visit_id)
        return completed

    def _refresh(self, visit_ids: set[str]) -> None:
        """Ask the server for its record of the visits this run sent (score, status); a failure here is harmless."""
        for index, visit_id in enumerate(sorted(visit_ids)):
            self._check_cancel()
            try:
                record = self._call(partial(self.client.visit, visit_id))
            except AuthError:
                raise
            except ApiError as error:
                log.info("could not refresh visit %s: %s", visit_id, error.message)
                continue
            self.store.outbox.update_server_state(visit_id, record)
            self._result.refreshed += 1
            report(self._progress, REFRESH, index + 1, len(visit_ids))
