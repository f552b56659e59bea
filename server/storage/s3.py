"""Photos and generated files in any S3-compatible bucket (AWS S3, MinIO, Ceph, moto) through boto3, streamed.

Layout under the optional key prefix (FIELDAUDIT_S3_PREFIX):

- `photos/<visit>/<photo>[~rendition]`: final photos and their renditions, written by one atomic
  PutObject or CompleteMultipartUpload, so a reader never sees half an object;
- `partial/<visit>/<photo>[~rendition]/<offset:020d>`: one object per received chunk of an upload
  that is still arriving (a chunk starting at `offset`);
- `files/<folder>/<uuid>/<name>`: generated files (job results).

Nothing is ever held whole in memory: every write reads its source in BLOCK_SIZE blocks into a spool of
at most PART_SIZE bytes (SPOOL_MEMORY of it in memory, the rest in a temporary file), sends it as one
object or one multipart part, and moves on. Reads stream the body; seeks start a ranged GET.

Several processes (gunicorn workers, nodes, queue workers) can share one bucket: objects are only ever
replaced whole, and the upload lock of a photo is a Redis lease when FIELDAUDIT_REDIS_URL is set
(server.storage.locks; without Redis it is in-process, right for one process only).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any, BinaryIO

from server.serving import masked_uri
from server.storage.base import (
    BLOCK_SIZE,
    ByteReader,
    InvalidKey,
    NotStored,
    OffsetMismatch,
    StorageError,
    check_key,
)
from server.storage.files import _NAME, FOLDERS, InvalidFileName, check_file_name
from server.storage.locks import RedisLocks, local_lock

log = logging.getLogger(__name__)

PART_SIZE = 8 * 1024 * 1024
"""Bytes per multipart part (S3 wants at least 5 MiB for every part but the last); objects below it are one PUT."""
SPOOL_MEMORY = 256 * 1024
"""Bytes of a part kept in memory before its spool moves to a temporary file."""
SHA256_METADATA = "sha256"
"""User metadata (x-amz-meta-sha256) on objects whose SHA-256 was known, and checked, before they were completed."""
PHOTOS, PARTIAL, FILES = "photos/", "partial/", "files/"
_MISSING = ("404", "NoSuchKey", "NotFound", "NoSuchUpload")
_CHANGED = ("412", "PreconditionFailed")
_DENIED = "access denied (check the credentials and the bucket policy)"
_REASONS = {
    "NoSuchBucket": "the bucket does not exist",
    "403": _DENIED,
    "AccessDenied": _DENIED,
    "InvalidAccessKeyId": "the access key is not known to the store",
    "SignatureDoesNotMatch": "the secret key does not match the access key",
}


class StorageUnavailable(StorageError):
    """The bucket cannot be reached or used (endpoint down, wrong credentials, no such bucket)."""


class ContentMismatch(StorageError):
    """Data that was to have a known SHA-256 has another one: nothing of it was stored."""


@dataclass(frozen=True)
class S3Settings:
    """Where the bucket is and how to sign in to it; the secrets are never shown by repr."""

    bucket: str
    endpoint_url: str | None = None
    region: str | None = None
    prefix: str = ""
    access_key_id: str | None = field(default=None, repr=False)
    secret_access_key: str | None = field(default=None, repr=False)
    redis_url: str | None = field(default=None, repr=False)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> S3Settings:
        """The S3_* settings of an app config (server.config.s3_settings); RuntimeError when they cannot work."""
        bucket = (config.get("S3_BUCKET") or "").strip()
        if not bucket:
            raise RuntimeError("S3 photo storage needs FIELDAUDIT_S3_BUCKET (the bucket's name)")
        key_id, secret = config.get("S3_ACCESS_KEY_ID") or None, config.get("S3_SECRET_ACCESS_KEY") or None
        if bool(key_id) != bool(secret):
            raise RuntimeError(
                "set both FIELDAUDIT_S3_ACCESS_KEY_ID and FIELDAUDIT_S3_SECRET_ACCESS_KEY, or neither "
                "(boto3's default credentials: environment, ~/.aws, instance role)"
            )
        return cls(
            bucket=bucket,
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region=config.get("S3_REGION") or None,
            prefix=normalise_prefix(config.get("S3_PREFIX") or ""),
            access_key_id=key_id,
            secret_access_key=secret,
            redis_url=config.get("REDIS_URL") or None,
        )


def normalise_prefix(prefix: str) -> str:
    """`""` or `"<segments>/"`: no leading slash, no empty, `.` or `..` segment, printable ASCII only."""
    stripped = prefix.strip().strip("/")
    if not stripped:
        return ""
    segments = stripped.split("/")
    if any(s in ("", ".", "..") for s in segments) or not all(32 < ord(c) < 127 for c in stripped):
        raise RuntimeError(f"FIELDAUDIT_S3_PREFIX must be plain path segments like 'fieldaudit/prod', got {prefix!r}")
    return stripped + "/"


def masked_endpoint(url: str | None) -> str:
    """The endpoint fit to print (any password in it replaced by ***), or AWS's default."""
    return masked_uri(url) if url else "the AWS default endpoint"


def make_client(settings: S3Settings) -> Any:
    """A thread-safe boto3 S3 client: path-style addressing on custom endpoints, bounded timeouts and retries."""
    import boto3
    from botocore.config import Config

    config = Config(
        region_name=settings.region,
        connect_timeout=10,
        read_timeout=60,
        retries={"mode": "standard", "max_attempts": 3},
        s3={"addressing_style": "path" if settings.endpoint_url else "auto"},
    )
    session = boto3.session.Session(
        aws_access_key_id=settings.access_key_id,
        aws_secret_access_key=settings.secret_access_key,
        region_name=settings.region,
    )
    return session.client("s3", endpoint_url=settings.endpoint_url, config=config)


def _code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


@dataclass
class _Spool:
    """At most PART_SIZE bytes read from a stream, in memory up to SPOOL_MEMORY and on disk beyond."""

    file: IO[bytes]
    size: int
    ended: bool

    def close(self) -> None:
        self.file.close()


def _spool(stream: ByteReader, digest: Any, limit: int = PART_SIZE) -> _Spool:
    """Read up to `limit` bytes of `stream` in BLOCK_SIZE blocks into a spool, hashing them; nothing kept if it raises."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115 - handed to the caller, who closes it
    size, ended = 0, False
    try:
        while size < limit:
            block = stream.read(min(BLOCK_SIZE, limit - size))
            if not block:
                ended = True
                break
            spool.write(block)
            digest.update(block)
            size += len(block)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return _Spool(spool, size, ended)  # type: ignore[arg-type]  # a SpooledTemporaryFile is a binary file


class S3Bucket:
    """One bucket under one key prefix through one boto3 client: the calls both stores are made of."""

    def __init__(self, settings: S3Settings, client: Any | None = None):
        self.settings = settings
        self.name, self.prefix = settings.bucket, settings.prefix
        self._client = client if client is not None else make_client(settings)
        self._pid, self._guard = os.getpid(), threading.Lock()
        checksums = getattr(self._client.meta.config, "request_checksum_calculation", None)
        self._checksum = "CRC32" if checksums in (None, "when_supported") else None  # as boto3's own transfers do

    @property
    def client(self) -> Any:
        """The boto3 client of this process: a fork (an RQ work horse) makes its own, never sharing the parent's sockets."""
        if self._pid != os.getpid():
            with self._guard:
                if self._pid != os.getpid():
                    self._client, self._pid = make_client(self.settings), os.getpid()
        return self._client

    def __repr__(self) -> str:
        return f"S3Bucket({self.where()})"

    def where(self) -> str:
        """The bucket, prefix and endpoint in words, without any secret."""
        prefix = f" under {self.prefix!r}" if self.prefix else ""
        return f"bucket {self.name!r}{prefix} at {masked_endpoint(self.settings.endpoint_url)}"

    def check(self) -> None:
        """RuntimeError naming the bucket and endpoint unless the bucket answers (HeadBucket) with these credentials."""
        from botocore.exceptions import ClientError

        try:
            with self.translated():
                self.client.head_bucket(Bucket=self.name)
        except ClientError:  # HeadBucket has no body: a 404 is the bucket itself missing
            raise RuntimeError(f"photo storage: the {self.where()} cannot be used: the bucket does not exist") from None
        except StorageUnavailable as exc:
            raise RuntimeError(f"photo storage: {exc}") from None

    @contextmanager
    def translated(self) -> Iterator[None]:
        """boto3's failures as StorageUnavailable with one readable line (a missing object stays the caller's)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            code = _code(exc)
            if code in _MISSING or code in _CHANGED:  # the caller's to handle: a missing or a replaced object
                raise
            reason = _REASONS.get(code, f"{code or 'error'}: {self.shown(exc)}")
            raise StorageUnavailable(f"the {self.where()} cannot be used: {reason}") from exc
        except BotoCoreError as exc:  # no endpoint, no credentials, a dropped connection after the retries
            raise StorageUnavailable(f"the {self.where()} cannot be used: {self.shown(exc)}") from exc

    def shown(self, exc: BaseException) -> str:
        """An exception's message fit to print: botocore names the endpoint URL as given, so its password is masked."""
        message = str(exc)
        if self.settings.endpoint_url:
            message = message.replace(self.settings.endpoint_url, masked_endpoint(self.settings.endpoint_url))
        return message

    def head(self, key: str) -> dict | None:
        """HeadObject of `key` (under the prefix), or None when there is no such object."""
        from botocore.exceptions import ClientError

        try:
            with self.translated():
                return self.client.head_object(Bucket=self.name, Key=self.prefix + key)
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return None
            raise

    def open(self, key: str) -> BinaryIO | None:
        """A streaming, seekable reader over the object `key`, or None when there is none."""
        from botocore.exceptions import ClientError

        try:
            with self.translated():
                response = self.client.get_object(Bucket=self.name, Key=self.prefix + key)
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return None
            raise
        size = int(response["ContentLength"])
        segment = _Segment(self.prefix + key, 0, size, response.get("ETag"))
        return io.BufferedReader(_SegmentsReader(self, [segment], first_body=response["Body"]), BLOCK_SIZE)

    def objects(self, prefix: str) -> Iterator[dict]:
        """Every object under `prefix` (below the bucket's prefix): Key (without the bucket's prefix), Size, LastModified."""
        paginator = self.client.get_paginator("list_objects_v2")
        with self.translated():
            for page in paginator.paginate(Bucket=self.name, Prefix=self.prefix + prefix):
                for item in page.get("Contents", ()):
                    yield {**item, "Key": item["Key"][len(self.prefix) :]}

    def delete(self, keys: list[str]) -> None:
        """Delete these objects (below the prefix), a thousand per request; missing ones are not an error."""
        with self.translated():
            for start in range(0, len(keys), 1000):
                batch = [{"Key": self.prefix + key} for key in keys[start : start + 1000]]
                answer = self.client.delete_objects(Bucket=self.name, Delete={"Objects": batch, "Quiet": True})
                if errors := answer.get("Errors"):
                    raise StorageError(f"the {self.where()} did not delete {errors[0].get('Key')}: {errors[0]}")

    def upload(self, key: str, stream: ByteReader, *, expect_sha256: str | None = None) -> tuple[int, str]:
        """Stream `stream` into the object `key`, atomically; (bytes, SHA-256). Never more than PART_SIZE in hand.

        Up to PART_SIZE bytes go in one PutObject; more in a multipart upload of PART_SIZE parts, completed
        only once the last byte has been read, and aborted on any error: the object appears whole or not
        at all. With `expect_sha256`, data of another hash is refused (ContentMismatch) and nothing is stored;
        the hash is then recorded as metadata (as it is on any single PUT, whose hash is known first).
        """
        digest = hashlib.sha256()
        first = _spool(stream, digest)
        if not first.ended:
            return self._multipart(key, stream, first, digest, expect_sha256)  # it closes `first`
        try:
            sha256 = self._check_hash(key, digest, expect_sha256)
            with self.translated():
                self.client.put_object(
                    Bucket=self.name,
                    Key=self.prefix + key,
                    Body=first.file,
                    ContentLength=first.size,
                    Metadata={SHA256_METADATA: sha256},
                )
        finally:
            first.close()
        return first.size, sha256

    def _multipart(
        self, key: str, stream: ByteReader, first: _Spool, digest: Any, expect_sha256: str | None
    ) -> tuple[int, str]:
        """The rest of `upload` once the first spool is full: parts of PART_SIZE, completed after the last byte."""
        target = self.prefix + key
        extra = {"ChecksumAlgorithm": self._checksum} if self._checksum else {}
        metadata = {SHA256_METADATA: expect_sha256} if expect_sha256 else {}
        try:
            with self.translated():
                upload_id = self.client.create_multipart_upload(
                    Bucket=self.name, Key=target, Metadata=metadata, **extra
                )["UploadId"]
        except BaseException:
            first.close()
            raise
        parts: list[dict] = []
        size, part = 0, first
        try:
            while True:
                try:
                    if part.size or not parts:
                        with self.translated():
                            answer = self.client.upload_part(
                                Bucket=self.name,
                                Key=target,
                                UploadId=upload_id,
                                PartNumber=len(parts) + 1,
                                Body=part.file,
                                ContentLength=part.size,
                                **extra,
                            )
                        entry = {"PartNumber": len(parts) + 1, "ETag": answer["ETag"]}
                        if self._checksum and (checksum := answer.get(f"Checksum{self._checksum}")):
                            entry[f"Checksum{self._checksum}"] = checksum
                        parts.append(entry)
                        size += part.size
                    ended = part.ended
                finally:
                    part.close()
                if ended:
                    break
                part = _spool(stream, digest)
            sha256 = self._check_hash(key, digest, expect_sha256)
            with self.translated():
                self.client.complete_multipart_upload(
                    Bucket=self.name, Key=target, UploadId=upload_id, MultipartUpload={"Parts": parts}
                )
        except BaseException:
            self._abort(target, upload_id)
            raise
        return size, sha256

    def _check_hash(self, key: str, digest: Any, expected: str | None) -> str:
        sha256 = digest.hexdigest()
        if expected is not None and sha256 != expected:
            raise ContentMismatch(f"{key}: the data's SHA-256 is {sha256}, not the expected {expected}; nothing stored")
        return sha256

    def abort_uploads(self, prefix: str, before: datetime) -> int:
        """Abort the incomplete multipart uploads under `prefix` begun before `before`; how many were aborted."""
        aborted = 0
        paginator = self.client.get_paginator("list_multipart_uploads")
        with self.translated():
            for page in paginator.paginate(Bucket=self.name, Prefix=self.prefix + prefix):
                for upload in page.get("Uploads", ()):
                    if upload["Initiated"].astimezone(UTC) < before:
                        self.client.abort_multipart_upload(
                            Bucket=self.name, Key=upload["Key"], UploadId=upload["UploadId"]
                        )
                        aborted += 1
        return aborted

    def _abort(self, target: str, upload_id: str) -> None:
        """Abort a multipart upload (its parts are dropped, no object appears); a failure to abort is only logged."""
        try:
            self.client.abort_multipart_upload(Bucket=self.name, Key=target, UploadId=upload_id)
        except Exception as exc:  # noqa: BLE001 - the upload stays incomplete and invisible; a lifecycle rule ends it
            log.warning(
                "could not abort the multipart upload of %s in the %s: %s", target, self.where(), self.shown(exc)
            )


@dataclass(frozen=True)
class _Segment:
    """`length` bytes of object `key` (full key) from `start`; `etag` pins the version being read, if known."""

    key: str
    start: int
    length: int
    etag: str | None = None


class _SegmentsReader(io.RawIOBase):
    """The concatenation of byte ranges of S3 objects, read as a stream; a seek starts a new ranged GET."""

    def __init__(self, bucket: S3Bucket, segments: list[_Segment], first_body: Any | None = None):
        super().__init__()
        self.bucket, self.segments = bucket, segments
        self.starts, total = [], 0
        for segment in segments:
            self.starts.append(total)
            total += segment.length
        self.size, self.position = total, 0
        self._body, self._left = first_body, segments[0].length if first_body is not None and segments else 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        position = max(0, base + offset)
        if position != self.position:
            self._drop_body()
            self.position = position
        return self.position

    def readinto(self, buffer: Any) -> int:
        if self.position >= self.size:
            return 0
        if self._body is None:
            self._open_at(self.position)
        assert self._body is not None  # _open_at sets it or raises
        data = self._body.read(min(len(buffer), self._left))
        if not data:
            raise StorageError(f"{self.bucket.where()}: an object ended early (it changed while being read)")
        count = len(data)
        buffer[:count] = data
        self.position += count
        self._left -= count
        if self._left == 0:
            self._drop_body()
        return count

    def _open_at(self, position: int) -> None:
        index = max(i for i, start in enumerate(self.starts) if start <= position)
        segment, within = self.segments[index], position - self.starts[index]
        first, last = segment.start + within, segment.start + segment.length - 1
        extra = {"IfMatch": segment.etag} if segment.etag else {}
        from botocore.exceptions import ClientError

        try:
            with self.bucket.translated():
                answer = self.bucket.client.get_object(
                    Bucket=self.bucket.name, Key=segment.key, Range=f"bytes={first}-{last}", **extra
                )
        except ClientError as exc:
            raise StorageError(f"{segment.key} changed or went away while being read ({_code(exc)})") from None
        self._body, self._left = answer["Body"], segment.length - within

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
        self._body, self._left = None, 0

    def close(self) -> None:
        self._drop_body()
        super().close()


class S3Storage:
    """PhotoStorage in an S3 bucket: chunks as part objects, finalise as one streamed multipart upload."""

    def __init__(self, bucket: S3Bucket, locks: RedisLocks | None = None):
        self.bucket, self.locks = bucket, locks

    @classmethod
    def from_settings(cls, settings: S3Settings, client: Any | None = None) -> S3Storage:
        """The storage for these settings: Redis leases when a Redis URL is given, else in-process locks."""
        return cls(S3Bucket(settings, client), locks_for(settings))

    def __repr__(self) -> str:
        return f"S3Storage({self.bucket.where()}, locks={'redis' if self.locks else 'in-process'})"

    def _final(self, key: str) -> str:
        return PHOTOS + check_key(key)

    def _parts_prefix(self, key: str) -> str:
        return f"{PARTIAL}{check_key(key)}/"

    def _parts(self, key: str) -> list[tuple[int, int, str]]:
        """The part objects of `key` as (offset, size, key below the prefix), by offset."""
        prefix = self._parts_prefix(key)
        found = []
        for item in self.bucket.objects(prefix):
            name = item["Key"][len(prefix) :]
            if len(name) == 20 and name.isdigit():
                found.append((int(name), int(item["Size"]), item["Key"]))
        return sorted(found)

    @staticmethod
    def _segments(parts: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """The parts that make up the partial data, each cut where the next one starts: (offset, length, key).

        A later chunk starting inside an earlier part replaces the rest of it (a resumed upload's
        overlap); the data ends at the first gap (which a crash between two deletions could leave).
        """
        segments: list[tuple[int, int, str]] = []
        end = 0
        for index, (offset, size, name) in enumerate(parts):
            if offset != end:
                break
            following = parts[index + 1][0] if index + 1 < len(parts) else None
            length = size if following is None else min(size, following - offset)
            segments.append((offset, length, name))
            end = offset + length
        return segments

    def _put_part(self, key: str, offset: int, body: IO[bytes], size: int) -> None:
        with self.bucket.translated():
            self.bucket.client.put_object(
                Bucket=self.bucket.name,
                Key=f"{self.bucket.prefix}{self._parts_prefix(key)}{offset:020d}",
                Body=body,
                ContentLength=size,
            )

    def write_chunk(self, key: str, stream: ByteReader, offset: int) -> int:
        """Store `stream` as the part object at `offset` (one PutObject of a spooled copy); bytes written.

        Data past `offset` (an unacknowledged write) is dropped first: an empty part at `offset` cuts
        the part running past it (or replaces the one starting there), and later parts are deleted;
        so it is gone whatever happens next. A stream that raises stores nothing.
        """
        parts = self._parts(key)
        segments = self._segments(parts)
        actual = segments[-1][0] + segments[-1][1] if segments else 0
        if actual < offset:
            raise OffsetMismatch(key, offset, actual)
        if actual > offset or any(start == offset for start, _, _ in parts):
            self._put_part(key, offset, io.BytesIO(b""), 0)  # cuts the data here (replacing any part at `offset`)
        stale = [name for start, _, name in parts if start > offset]
        if stale:
            self.bucket.delete(stale)
        spool = _spool(stream, hashlib.sha256(), limit=1 << 62)  # the caller's stream is capped (GuardedBody)
        try:
            if spool.size:
                self._put_part(key, offset, spool.file, spool.size)
        finally:
            spool.close()
        return spool.size

    def partial_size(self, key: str) -> int:
        """The bytes the part objects hold together."""
        segments = self._segments(self._parts(key))
        return segments[-1][0] + segments[-1][1] if segments else 0

    def open_partial(self, key: str) -> BinaryIO:
        """A seekable reader over the parts in order (NotStored when there are none)."""
        segments = [s for s in self._segments(self._parts(key)) if s[1]]
        if not segments:
            if self._parts(key):
                return io.BufferedReader(_SegmentsReader(self.bucket, []), BLOCK_SIZE)
            raise NotStored(f"no partial data for {key}")
        pieces = [_Segment(self.bucket.prefix + name, 0, length) for _, length, name in segments]
        return io.BufferedReader(_SegmentsReader(self.bucket, pieces), BLOCK_SIZE)

    def discard_partial(self, key: str) -> None:
        """Delete every part object of `key`."""
        names = [name for _, _, name in self._parts(key)]
        if names:
            self.bucket.delete(names)

    def finalise(self, key: str) -> None:
        """Stream the parts into the final object (one multipart upload of PART_SIZE parts, or one PUT), then delete them."""
        if not self._parts(key):
            raise NotStored(f"no partial data for {key}")
        with self.open_partial(key) as partial:
            self.bucket.upload(self._final(key), partial)
        self.discard_partial(key)

    def open(self, key: str) -> BinaryIO:
        """A streaming reader over the final object (seekable: Range requests and decoders seek)."""
        reader = self.bucket.open(self._final(key))
        if reader is None:
            raise NotStored(f"no photo stored under {key}")
        return reader

    def exists(self, key: str) -> bool:
        """Whether the final object exists (HeadObject)."""
        return self.bucket.head(self._final(key)) is not None

    def store(self, key: str, stream: ByteReader, sha256: str) -> int:
        """Write a whole photo or rendition from `stream` as the final object, only if its SHA-256 is `sha256`
        (ContentMismatch, nothing stored, if not); recorded as the object's `sha256` metadata. Bytes written."""
        size, _ = self.bucket.upload(self._final(key), stream, expect_sha256=sha256)
        return size

    def head(self, key: str) -> dict | None:
        """HeadObject of the final object (size, metadata), or None: for tools that compare copies."""
        return self.bucket.head(self._final(key))

    def delete(self, key: str) -> None:
        """Delete the final object and any part objects."""
        self.bucket.delete([self._final(key)])
        self.discard_partial(key)

    def partials(self) -> Iterator[tuple[str, datetime]]:
        """Every key with part objects, and when its newest part was written."""
        newest: dict[str, datetime] = {}
        for item in self.bucket.objects(PARTIAL):
            key = item["Key"][len(PARTIAL) :].rsplit("/", 1)[0]
            try:
                check_key(key)
            except InvalidKey:
                continue
            modified = item["LastModified"].astimezone(UTC)
            newest[key] = max(newest.get(key, modified), modified)
        yield from newest.items()

    def free_bytes(self) -> int | None:
        """None: a bucket has no free space the server can see (quotas are the store's business)."""
        return None

    def lock(self, key: str) -> AbstractContextManager[None]:
        """The photo's upload lock: a Redis lease shared by all processes, else an in-process lock (one process)."""
        name = check_key(key)
        return self.locks.hold(name) if self.locks is not None else local_lock(f"s3:{self.bucket.name}:{name}")


class S3Files:
    """FileStore in an S3 bucket: `files/<folder>/<uuid>/<name>`, written by one PUT or one multipart upload."""

    def __init__(self, bucket: S3Bucket):
        self.bucket = bucket

    def __repr__(self) -> str:
        return f"S3Files({self.bucket.where()})"

    def _key(self, name: str) -> str:
        return FILES + check_file_name(name)

    def save(self, name: str, stream: ByteReader) -> tuple[int, str]:
        """Stream into the object (multipart beyond PART_SIZE, aborted on error): whole or not at all."""
        return self.bucket.upload(self._key(name), stream)

    def open(self, name: str) -> BinaryIO:
        """A streaming reader over the file."""
        reader = self.bucket.open(self._key(name))
        if reader is None:
            raise NotStored(f"no file {name}")
        return reader

    def size(self, name: str) -> int:
        """The file's size (HeadObject)."""
        head = self.bucket.head(self._key(name))
        if head is None:
            raise NotStored(f"no file {name}")
        return int(head["ContentLength"])

    def exists(self, name: str) -> bool:
        """Whether the file exists."""
        return self.bucket.head(self._key(name)) is not None

    def delete(self, name: str) -> None:
        """Delete the file; a missing one is not an error."""
        self.bucket.delete([self._key(name)])

    def names(self, folder: str) -> Iterator[tuple[str, datetime]]:
        """Every file under `folder` and when it was written (incomplete multipart uploads are never listed)."""
        if folder not in FOLDERS:
            raise InvalidFileName(f"not a folder: {folder!r}")
        for item in self.bucket.objects(f"{FILES}{folder}/"):
            name = item["Key"][len(FILES) :]
            if _NAME.fullmatch(name):
                yield name, item["LastModified"].astimezone(UTC)

    def sweep(self, folder: str, before: datetime) -> int:
        """Abort the multipart uploads under `folder` begun before `before` (writers that died midway); how many."""
        if folder not in FOLDERS:
            raise InvalidFileName(f"not a folder: {folder!r}")
        return self.bucket.abort_uploads(f"{FILES}{folder}/", before)


def locks_for(settings: S3Settings) -> RedisLocks | None:
    """Redis leases named after the bucket and prefix when a Redis URL is set; None (in-process locks) otherwise."""
    if not settings.redis_url:
        return None
    return RedisLocks(settings.redis_url, f"fieldaudit:photo-lock:{settings.bucket}/{settings.prefix}")


def bucket_for(app_extensions: dict, config: Mapping[str, Any]) -> S3Bucket:
    """The app's one S3Bucket (one client, shared by the photo and file stores), made on first call."""
    bucket = app_extensions.get("s3_bucket")
    if bucket is None:
        bucket = app_extensions["s3_bucket"] = S3Bucket(S3Settings.from_config(config))
    return bucket
