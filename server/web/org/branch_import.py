"""Admin pages for importing branches from CSV: upload -> preview with row errors -> confirm (all or nothing)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from server.extensions import db
from server.http.access import get_or_404
from server.models import Region
from server.services.org.branch_import import (
    MAX_IMPORT_BYTES,
    CsvFileError,
    ImportRaced,
    apply_import,
    preview,
    rows_after_race,
    rows_to_payload,
)
from server.services.transactions import atomic
from server.web.org.blueprint import bp

TOKEN_MAX_AGE = 3600  # seconds between preview and confirmation
CSV_SUFFIXES = (".csv", ".txt")


def _signer() -> URLSafeTimedSerializer:
    secret = current_app.secret_key
    assert secret is not None  # create_app always sets SECRET_KEY
    return URLSafeTimedSerializer(secret, salt="fieldaudit.branch-import")


def _upload() -> bytes:
    """The uploaded file's bytes (at most one byte over the cap, so the service can say it is too big)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise CsvFileError("Choose a CSV file to upload.")
    if not upload.filename.lower().endswith(CSV_SUFFIXES):
        raise CsvFileError(f"{upload.filename} is not a CSV file: export the sheet as CSV (UTF-8) and upload that.")
    return upload.stream.read(MAX_IMPORT_BYTES + 1)


def _preview_page(region: Region, rows, status: int = 200):
    token = None
    if rows and not any(row.errors for row in rows):
        token = _signer().dumps({"region": region.id, "actor": current_user.id, "rows": rows_to_payload(rows)})
    counts = {
        "created": sum(r.action == "create" and not r.errors for r in rows),
        "updated": sum(r.action == "update" and not r.errors for r in rows),
        "bad": sum(bool(r.errors) for r in rows),
    }
    return render_template("org/import_preview.html", region=region, rows=rows, token=token, counts=counts), status


@bp.route("/regions/<int:region_id>/branches/import", methods=["GET", "POST"])
def branch_import(region_id: int):
    """GET: the upload form; POST: the preview of the uploaded file (nothing is written yet)."""
    region = get_or_404(Region, region_id)
    if request.method == "GET":
        return render_template("org/import.html", region=region, errors={})
    try:
        rows = preview(db.session, region, _upload())  # reads only: no transaction to own
    except CsvFileError as exc:
        return render_template("org/import.html", region=region, errors=exc.as_errors()), 422
    return _preview_page(region, rows, 422 if any(r.errors for r in rows) else 200)


@bp.route("/regions/<int:region_id>/branches/import/confirm", methods=["POST"])
def branch_import_confirm(region_id: int):
    """Create/update the previewed branches in one transaction, or none of them."""
    region = get_or_404(Region, region_id)
    try:
        data = _signer().loads(request.form.get("token", ""), max_age=TOKEN_MAX_AGE)
    except BadSignature:
        data = None
    if not data or data.get("region") != region.id or data.get("actor") != current_user.id:
        flash("That preview has expired or was altered; upload the file again.", "error")
        return redirect(url_for("org.branch_import", region_id=region.id))
    try:
        with atomic(db.session):
            rows = apply_import(db.session, current_user, region, data["rows"])
    except ImportRaced as race:
        rows = rows_after_race(db.session, region, data["rows"], race)
    if any(row.errors for row in rows):
        flash("Something changed since the preview; nothing was imported. Check the rows below.", "error")
        return _preview_page(region, rows, 409)
    flash(f"Imported {len(rows)} branches.", "success")
    return redirect(url_for("org.branches", region_id=region.id))
