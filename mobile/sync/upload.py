"""Resumable photo upload: ask the server where it is (HEAD), continue with Content-Range chunks from the file."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from mobile.store import AccountStore, LocalPhoto, VisitState
from mobile.store.photofiles import file_sha256, read_range

from .client import ApiClient
from .errors import ApiError, ClientError, Conflict, QuotaExceeded, SyncCancelled
from .retry import RetryPolicy

CHUNK_SIZE = 256 * 1024
MAX_STALLS = 5
"""Rounds in a row in which the server acknowledged nothing new before the photo is given up for this run."""


class PhotoFailed(Exception):
    """This photo cannot be uploaded as it is (file gone or changed, refused type, size or pixels): the visit shows why.

    The server's refusals that are about the server, not the photo (507 storage full, 429 daily
    allowance used up) are not PhotoFailed: they stop the photo step and the visits stay queued.
    """


class PhotoUploader:
    """Uploads one photo at a time; progress(bytes_acknowledged_for_this_photo) after every chunk."""

    def __init__(
        self,
        store: AccountStore,
        client: ApiClient,
        retry: RetryPolicy,
        chunk_size: int = CHUNK_SIZE,
        cancel: threading.Event | None = None,
    ) -> None:
        self.store, self.client, self.retry = store, client, retry
        self.chunk_size, self.cancel = chunk_size, cancel
        self.retries = 0
        self.sent_bytes = 0

    def upload(self, photo: LocalPhoto, progress: Callable[[int], None]) -> str | None:
        """Send until the server has it all, resuming from its offset; returns the visit status it reported, if any."""
        path = self.store.drafts.photo_path(photo)
        if path is None or not path.is_file():
            raise PhotoFailed(f"photo {photo.id} is no longer on this device")
        failures = stalls = restarts = 0
        best = -1
        while True:
            self._check_cancel()
            try:
                offset = self._offset(photo)
                if offset >= photo.size:
                    return None
                progress(offset)
                status, offset = self._send_from(photo, path, offset, progress)
                if status is not None:
                    return status or None
            except Conflict as conflict:
                offset = conflict.received_bytes if conflict.received_bytes is not None else -1
                if conflict.retry_after:  # another request is still writing this photo: let it finish
                    self.retry.wait(min(conflict.retry_after, self.retry.cap), self.cancel)
            except ClientError as error:
                if error.status == 400 and restarts == 0:
                    restarts += 1
                    if file_sha256(path) != photo.sha256:
                        raise PhotoFailed(f"photo {photo.id} changed on this device since it was taken") from None
                    continue
                if error.status == 401 or isinstance(error, QuotaExceeded):
                    raise
                raise PhotoFailed(error.message) from None
            except ApiError as error:
                if not error.retryable:
                    raise
                failures += 1
                if failures >= self.retry.attempts:
                    raise
                self.retries += 1
                self.retry.wait(self.retry.delay(failures), self.cancel)
                continue
            if offset > best:
                best, stalls, failures = offset, 0, 0
            else:
                stalls += 1
                if stalls >= MAX_STALLS:
                    raise PhotoFailed(f"the server does not accept more of photo {photo.id} (stuck at {best} bytes)")

    def _offset(self, photo: LocalPhoto) -> int:
        """Bytes the server holds; 405 (no HEAD support) means start from 0 and let a 409 correct us."""
        try:
            received = self.client.upload_state(photo.visit_id, photo.id).received_bytes
        except ClientError as error:
            if error.status != 405:
                raise
            received = 0
        if received < photo.size:
            self.store.outbox.set_photo_offset(photo.id, received)
        return received

    def _send_from(
        self, photo: LocalPhoto, path: Path, offset: int, progress: Callable[[int], None]
    ) -> tuple[str | None, int]:
        """PUT chunks from ``offset``: (visit status, "" if none, when complete, else None; last acknowledged offset)."""
        with closing(read_range(path, offset, self.chunk_size)) as chunks:
            for start, chunk in chunks:
                self._check_cancel()
                body = self.client.put_photo_chunk(
                    photo.visit_id, photo.id, photo.content_type, chunk, start, photo.size
                )
                self.sent_bytes += len(chunk)
                if body.get("complete"):
                    progress(photo.size)
                    return str(body.get("visit_status") or ""), photo.size
                received = body.get("received_bytes")
                if not isinstance(received, int) or isinstance(received, bool):
                    return None, start
                self.store.outbox.set_photo_offset(photo.id, received)
                progress(received)
                if received != start + len(chunk):
                    return None, received  # the server holds something else: ask it again
        return None, photo.size

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise SyncCancelled()


def visit_failed(store: AccountStore, photo: LocalPhoto, message: str) -> None:
    """A photo that cannot be sent: the visit leaves the upload queue, marked with the reason, nothing deleted."""
    store.outbox.mark_error([photo.visit_id], message, states=(VisitState.AWAITING_PHOTOS,))
