"""Photo uploads from the phone (raw bytes, resumable with Content-Range) and photo bytes for pages and reports."""

from __future__ import annotations

from flask import abort, current_app, jsonify, request, send_file
from flask_login import current_user
from marshmallow import Schema, fields

from server.api.base import BEARER, Blueprint
from server.errors import error_body
from server.extensions import db
from server.http.access import login_required_role
from server.services.photos.checks import KINDS, PhotoUploadError
from server.services.photos.uploads import PhotoStatus, open_photo, photo_status, receive_photo_chunk
from server.storage import current_storage

blp = Blueprint(
    "photos",
    __name__,
    url_prefix="/api/v1",
    description="A visit's photos: upload the bytes (whole or resumable), check progress, read them back.",
)

PHOTO_URL = "/visits/<visit_id>/photos/<photo_id>"
CACHE_SECONDS = 3600
_BINARY = {"schema": {"type": "string", "format": "binary"}}
RAW_BODY = {
    "required": True,
    "description": "The photo's bytes (or one Content-Range chunk of them).",
    "content": dict.fromkeys((*KINDS, "application/octet-stream"), _BINARY),
}
CONTENT_RANGE = {
    "in": "header",
    "name": "Content-Range",
    "required": False,
    "schema": {"type": "string"},
    "description": "`bytes <start>-<end>/<total>` for one chunk; absent = the body is the whole file",
}
OFFSET_HEADERS = {
    "Upload-Offset": {"description": "bytes the server holds", "schema": {"type": "integer"}},
    "Upload-Length": {"description": "the photo's size", "schema": {"type": "integer"}},
}


class PhotoStatusSchema(Schema):
    """How much of a photo the server holds."""

    id = fields.UUID()
    received_bytes = fields.Integer(metadata={"description": "continue a resumable upload from here"})
    size = fields.Integer(metadata={"description": "the size in the visit's manifest"})
    complete = fields.Boolean()
    visit_status = fields.String(metadata={"description": "awaiting_photos until every photo has arrived"})


@blp.errorhandler(PhotoUploadError)
def _upload_error(exc: PhotoUploadError):
    """The one error body (server.errors), plus where to resume and when to retry, as the protocol says."""
    body, headers = error_body(exc.status, exc.message, exc.as_errors()), {}
    if exc.received_bytes is not None:
        body["received_bytes"], headers["Upload-Offset"] = exc.received_bytes, str(exc.received_bytes)
    if exc.retry_after:
        headers["Retry-After"] = str(exc.retry_after)
    return jsonify(body), exc.status, headers


def _headers(status: PhotoStatus) -> dict:
    return {"Upload-Offset": str(status.received_bytes), "Upload-Length": str(status.size)}


def _refuse_oversized_body() -> None:
    """A clear 413 before werkzeug's generic one when the body is over MAX_CONTENT_LENGTH."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        abort(413, f"A request body may be at most {limit} bytes; send the photo in chunks with Content-Range.")


@blp.route(PHOTO_URL, methods=["PUT"])
@login_required_role()
@blp.response(
    200, PhotoStatusSchema, description="chunk stored, or the photo was already complete", headers=OFFSET_HEADERS
)
@blp.alt_response(201, schema=PhotoStatusSchema, description="the photo is complete", headers=OFFSET_HEADERS)
@blp.alt_response(400, response="DEFAULT_ERROR", description="malformed range, empty body, or SHA-256 mismatch")
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="DEFAULT_ERROR", description="the caller is not the visit's shopper")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="DEFAULT_ERROR", description="wrong offset: continue from `received_bytes`")
@blp.alt_response(
    413,
    response="DEFAULT_ERROR",
    description="larger than the manifest size or PHOTO_MAX_BYTES, or the visit's photo budget",
)
@blp.alt_response(
    415,
    response="DEFAULT_ERROR",
    description="not an image of the manifest's type, or over the pixel limit (PHOTO_MAX_PIXELS)",
)
@blp.alt_response(429, response="DEFAULT_ERROR", description="the shopper's daily photo quota is used up (Retry-After)")
@blp.alt_response(507, response="DEFAULT_ERROR", description="the server is short of storage space (Retry-After)")
@blp.doc(security=BEARER, requestBody=RAW_BODY, parameters=[CONTENT_RANGE])
def put_photo(visit_id: str, photo_id: str):
    """Upload a photo of a visit's manifest: the whole file, or one Content-Range chunk (streamed to storage)."""
    _refuse_oversized_body()
    status = receive_photo_chunk(
        db.session,
        current_storage(),
        current_user._get_current_object(),
        visit_id,
        photo_id,
        request.stream,
        request.headers.get("Content-Range"),
        request.content_length,
        request.headers.get("Content-Type"),
    )
    return status, 201 if status.completed_now else 200, _headers(status)


@blp.route(PHOTO_URL, methods=["GET", "HEAD"])
@login_required_role()
@blp.response(200, PhotoStatusSchema, headers=OFFSET_HEADERS)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_photo_status(visit_id: str, photo_id: str):
    """How much of the photo the server holds (HEAD: the Upload-Offset and Upload-Length headers only)."""
    status = photo_status(db.session, current_user._get_current_object(), visit_id, photo_id)
    return status, 200, _headers(status)


@blp.route(PHOTO_URL + "/content", methods=["GET"])
@login_required_role()
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(
    security=BEARER, responses={"200": {"description": "the photo's bytes", "content": dict.fromkeys(KINDS, _BINARY)}}
)
def get_photo_content(visit_id: str, photo_id: str):
    """The bytes of a complete photo, for whoever may see the visit (ETag = its SHA-256; Range supported)."""
    photo = open_photo(db.session, current_storage(), current_user._get_current_object(), visit_id, photo_id)
    response = send_file(
        photo.stream,
        mimetype=photo.content_type,
        download_name=photo.filename,
        conditional=False,
        etag=photo.sha256,
        last_modified=photo.completed_at,
    )
    response.content_length = photo.size
    response.cache_control.no_cache = None
    response.cache_control.private = True
    response.cache_control.max_age = CACHE_SECONDS
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request, accept_ranges=True, complete_length=photo.size)
