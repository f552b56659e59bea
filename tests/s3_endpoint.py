"""A real S3 HTTP endpoint for tests: moto's server mode in a process of its own on 127.0.0.1 (no S3 server
package installs on these machines). Its own process, so the tests' memory figures and threads are the app's."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from benchmarks.topology import free_port

ACCESS_KEY_ID, SECRET_ACCESS_KEY, REGION = "test-key-id", "test-secret-key", "us-east-1"
START_SECONDS = 30


@dataclass
class S3Endpoint:
    """The endpoint's URL, and how to reach it directly (around the code under test)."""

    url: str
    port: int
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def client(self, endpoint_url: str | None = None):
        """A plain boto3 client on the endpoint (or on `endpoint_url`, e.g. a proxy in front of it), made once."""
        url = endpoint_url or self.url
        if url not in self._clients:
            self._clients[url] = self._new_client(url)
        return self._clients[url]

    def _new_client(self, url: str):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=url,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
            region_name=REGION,
            config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard", "max_attempts": 2}),
        )

    def new_bucket(self) -> str:
        """A fresh, empty bucket with a unique name."""
        name = f"fa-test-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def storage(self, bucket: str, **extra: object):
        """An S3Storage on `bucket` (through the shared test client: making a boto3 client costs ~0.3 s)."""
        from server.storage.s3 import S3Settings, S3Storage

        return S3Storage.from_settings(S3Settings.from_config(self.config(bucket, **extra)), self.client())

    def config(self, bucket: str, **extra: object) -> dict:
        """App settings that put photos and files in `bucket` on this endpoint."""
        return {
            "PHOTO_STORAGE": "s3",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.url,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            **extra,
        }

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every object key in `bucket` under `prefix`, sorted (at most 1,000: tests stay small)."""
        answer = self.client().list_objects_v2(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for item in answer.get("Contents", ()))

    def uploads(self, bucket: str) -> list[str]:
        """Keys of multipart uploads still in progress (neither completed nor aborted)."""
        answer = self.client().list_multipart_uploads(Bucket=bucket)
        return sorted(item["Key"] for item in answer.get("Uploads", ()))


@contextmanager
def moto_server() -> Iterator[S3Endpoint]:
    """Start `python -m moto.server` on a free loopback port, wait until it answers, stop it at the end."""
    port = free_port()
    env = {**os.environ, "MOTO_CALL_RESET_API": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto server exited with status {process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not answer on port {port} in {START_SECONDS} s") from None
                time.sleep(0.05)
        yield S3Endpoint(f"http://127.0.0.1:{port}", port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
