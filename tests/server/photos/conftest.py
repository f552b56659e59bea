"""Fixtures for the photo upload tests."""

from __future__ import annotations

import pytest

from tests.server.photos.factories import make_photo_visit


@pytest.fixture
def visit(make, session):
    """A visit awaiting two photos (a PNG storefront, a JPEG receipt), with its shopper's token."""
    return make_photo_visit(make, session)
