"""Importing branches from CSV: a preview with row-level errors, then all-or-nothing; hostile files are refused clearly."""

from __future__ import annotations

import io
import re

import pytest

from server.models import Activity, Branch, Change
from server.services.org.branch_import import MAX_IMPORT_BYTES

HEADER = "code,name,address,latitude,longitude,region_code\n"


def upload(browser, region, content: bytes | str, filename: str = "branches.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return browser.post(
        f"/admin/regions/{region.id}/branches/import",
        {"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def confirm_token(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "no confirm form on the preview"
    return match.group(1)


@pytest.fixture
def region(make):
    return make.region("North", "NOR")


def test_the_upload_page_explains_the_columns(as_admin, region):
    page = as_admin.get(f"/admin/regions/{region.id}/branches/import").text
    assert "code,name,address,latitude,longitude,region_code" in page and 'type="file"' in page


def test_a_valid_file_is_previewed_row_by_row_and_nothing_is_written_before_confirming(as_admin, region, make, session):
    make.branch(region, code="N-1", name="Old name")
    response = upload(as_admin, region, HEADER + 'N-1,New name,"1 Quay, Bristol",51.45,-2.59,\nN-2,Harbour,,,,NOR\n')
    assert response.status_code == 200
    assert "New name" in response.text and "Harbour" in response.text
    assert (
        '<span class="badge warn">update</span>' in response.text
        and '<span class="badge ok">create</span>' in response.text
    )
    assert "Import 2 branches" in response.text
    assert '<span class="number">1</span><span class="label">to create</span>' in response.text
    assert '<span class="number">1</span><span class="label">to update</span>' in response.text
    assert session.query(Branch).count() == 1


def test_confirming_creates_and_updates_every_row_and_logs_the_import(as_admin, region, make, session):
    existing = make.branch(region, code="N-1", name="Old name")
    preview = upload(as_admin, region, "\ufeff" + HEADER + "n-1,New name,,51.45,-2.59,\nN-2,Harbour,2 Road,,,\n")
    response = as_admin.post(
        f"/admin/regions/{region.id}/branches/import/confirm", {"token": confirm_token(preview.text)}
    )
    assert response.status_code == 302
    session.expire_all()
    branches = {b.code: b for b in session.query(Branch)}
    assert set(branches) == {"N-1", "N-2"}
    assert (
        branches["N-1"].id == existing.id and branches["N-1"].name == "New name" and branches["N-1"].latitude == 51.45
    )
    assert branches["N-2"].address == "2 Road" and branches["N-2"].region_id == region.id
    assert session.query(Change).filter_by(entity="branch").count() == 2
    assert (
        "Imported 2 branches into NOR: 1 created, 1 updated"
        in session.query(Activity).filter(Activity.object_type != "user").one().summary
    )


def test_the_preview_names_each_bad_row_and_field_and_offers_no_confirmation(as_admin, region, make, session):
    other = make.region("South", "SOU")
    make.branch(other, code="S-1")
    content = HEADER + (
        "A-1,Fine,,,,\n"
        "A-1,Twice,,,,\n"  # duplicate in file
        "S-1,Moved,,,,\n"  # exists in another region
        "A-3,,,,,\n"  # no name
        "A-4,Far,,123,0,\n"  # latitude out of range
        "A-5,Text,,north,0,\n"  # latitude not a number
        "A-6,Nowhere,,,,ZZZ\n"
    )  # unknown region
    response = upload(as_admin, region, content)
    assert response.status_code == 422
    page = response.text
    assert "Code A-1 appears twice in the file (lines 2 and 3)." in page
    assert "Branch S-1 already exists in region SOU." in page
    assert "<strong>name</strong>: Name must be 1 to 120 characters long." in page
    assert "Latitude must be between -90 and 90" in page and "Latitude must be a number" in page
    assert "There is no region with code ZZZ." in page
    assert 'name="token"' not in page and "Nothing will be imported" in page
    assert session.query(Branch).count() == 1


def test_confirming_is_all_or_nothing_when_the_database_changed_since_the_preview(as_admin, region, make, session):
    preview = upload(as_admin, region, HEADER + "A-1,First,,,,\nA-2,Second,,,,\n")
    make.branch(make.region("South", "SOU"), code="A-2")  # someone else took A-2 meanwhile
    response = as_admin.post(
        f"/admin/regions/{region.id}/branches/import/confirm", {"token": confirm_token(preview.text)}
    )
    assert response.status_code == 409 and "nothing was imported" in response.text
    assert {b.code for b in session.query(Branch)} == {"A-2"}


def test_a_tampered_or_foreign_region_token_is_refused_and_writes_nothing(as_admin, region, make, session):
    preview = upload(as_admin, region, HEADER + "A-1,First,,,,\n")
    token = confirm_token(preview.text)
    tampered = as_admin.post(f"/admin/regions/{region.id}/branches/import/confirm", {"token": token[:-3] + "AAA"})
    assert tampered.status_code == 302 and tampered.headers["Location"].endswith("/branches/import")
    elsewhere = make.region("South", "SOU")
    as_admin.post(f"/admin/regions/{elsewhere.id}/branches/import/confirm", {"token": token})
    assert session.query(Branch).count() == 0


def test_formula_like_names_are_stored_literally_and_shown_escaped(as_admin, region, session):
    content = HEADER + "\"=cmd|' /C calc'!A0\",<script>alert(1)</script>,@SUM(1+1),,,\n"
    preview = upload(as_admin, region, content)
    assert preview.status_code == 422  # "=cmd|..." is not a valid code
    content = HEADER + 'X-1,"=HYPERLINK(""http://evil"")",<script>alert(1)</script>,,,\n'
    preview = upload(as_admin, region, content)
    assert "<script>alert(1)</script>" not in preview.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in preview.text
    as_admin.post(f"/admin/regions/{region.id}/branches/import/confirm", {"token": confirm_token(preview.text)})
    branch = session.query(Branch).one()
    assert branch.name == '=HYPERLINK("http://evil")' and branch.address == "<script>alert(1)</script>"
    listing = as_admin.get(f"/admin/regions/{region.id}/branches").text
    assert "<script>alert(1)</script>" not in listing and "=HYPERLINK(&#34;http://evil&#34;)" in listing


def test_a_file_over_the_size_cap_gets_a_clear_error(as_admin, region, session):
    huge = HEADER + ("A-1,Name,Address,,,\n" * (MAX_IMPORT_BYTES // 20 + 10))
    response = upload(as_admin, region, huge)
    assert response.status_code == 422 and "larger than 1024 KB" in response.text and 'id="file-error"' in response.text
    assert session.query(Branch).count() == 0


def test_a_file_that_is_not_utf8_gets_a_clear_error(as_admin, region):
    response = upload(as_admin, region, (HEADER + "A-1,Caf\u00e9 M\u00fcller,,,,\n").encode("latin-1"))
    assert response.status_code == 422 and "not UTF-8" in response.text


def test_a_binary_or_non_csv_file_gets_a_clear_error(as_admin, region):
    png = upload(as_admin, region, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", filename="photo.png")
    assert png.status_code == 422 and "photo.png is not a CSV file" in png.text
    binary = upload(as_admin, region, b"PK\x03\x04\x00\x00binary", filename="sheet.csv")
    assert binary.status_code == 422 and "not a CSV file" in binary.text


def test_a_file_without_the_required_columns_or_without_a_file_is_refused(as_admin, region):
    assert "missing: code" in upload(as_admin, region, "name,address\nX,Y\n").text
    response = as_admin.post(f"/admin/regions/{region.id}/branches/import", {}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a CSV file" in response.text


def test_utf8_with_bom_and_accents_is_read_correctly(as_admin, region):
    response = upload(
        as_admin,
        region,
        ("\ufeff" + HEADER + "A-1,Caf\u00e9 M\u00fcller \u041c\u043e\u0441\u043a\u0432\u0430,,,,\n").encode("utf-8"),
    )
    assert response.status_code == 200 and "Café Müller Москва" in response.text


def test_a_failure_half_way_through_the_import_writes_nothing(as_admin, region, make, session, monkeypatch):
    from server.services.org import branch_import

    existing = make.branch(region, code="N-1", name="Old name")
    preview = upload(as_admin, region, HEADER + "N-1,New name,,,,\nN-2,Second,,,,\nN-3,Third,,,,\n")
    calls = []

    def failing_record_change(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("database went away")

    monkeypatch.setattr(branch_import, "record_change", failing_record_change)
    as_admin.client.application.config["PROPAGATE_EXCEPTIONS"] = False
    response = as_admin.post(
        f"/admin/regions/{region.id}/branches/import/confirm", {"token": confirm_token(preview.text)}
    )
    assert response.status_code == 500
    session.expire_all()
    assert [(b.code, b.name) for b in session.query(Branch)] == [("N-1", "Old name")] and existing.id
    assert session.query(Activity).filter(Activity.object_type != "user").count() == 0, "only the sign-in is logged"


def test_a_code_saved_by_someone_else_at_the_same_moment_is_reported_not_a_crash(
    as_admin, region, make, session, monkeypatch
):
    from server.services.org import branch_import

    preview = upload(as_admin, region, HEADER + "A-1,First,,,,\nA-2,Second,,,,\n")
    real_check = branch_import.check_rows

    def check_then_race(session_, region_, records):
        rows = real_check(session_, region_, records)
        if not session_.query(Branch).filter_by(code="A-2").count():  # the other admin commits after our check
            session_.add(Branch(region=region_, code="A-2", name="Theirs", address=""))
        return rows

    monkeypatch.setattr(branch_import, "check_rows", check_then_race)
    response = as_admin.post(
        f"/admin/regions/{region.id}/branches/import/confirm", {"token": confirm_token(preview.text)}
    )
    assert response.status_code == 409
    assert session.query(Branch).filter_by(code="A-1").count() == 0


def test_row_errors_name_the_files_own_line_numbers_even_after_blank_lines(as_admin, region):
    response = upload(as_admin, region, HEADER + "A-1,Fine,,,,\n\n\nA-2,,,,,\n")
    assert "Line 5, <strong>name</strong>" in response.text


def test_a_row_with_several_problems_lists_each_of_them(as_admin, region):
    page = upload(as_admin, region, HEADER + "=cmd,,,north,500,\n").text
    for field in ("code", "name", "latitude", "longitude"):
        assert f"Line 2, <strong>{field}</strong>" in page, field


@pytest.mark.parametrize(
    "cells, column, message",
    [
        (
            "N-5,Evil\u202etxt.exe,,,,",
            "name",
            "Name must not contain a bidirectional control character (U+202E at character 5).",
        ),
        (
            'N-5,Fine,"1 Road\x07",,,',
            "address",
            "Address must not contain a control character (U+0007 at character 7).",
        ),
        ("N-5,Fine,,,,NOR\u2066", "region_code", "Region code must not contain a bidirectional control character"),
    ],
)
def test_a_cell_with_control_or_bidi_characters_is_a_row_error_naming_its_column(
    as_admin, region, session, cells, column, message
):
    response = upload(as_admin, region, HEADER + "N-4,Good row,,,,\n" + cells + "\n")
    assert response.status_code == 422
    assert f"Line 3, <strong>{column}</strong>: {message}" in response.text
    assert "Import 2 branches" not in response.text and session.query(Branch).count() == 0


def test_line_breaks_inside_a_quoted_cell_are_stored_as_line_feeds(as_admin, region, session):
    preview = upload(as_admin, region, HEADER + 'N-6,Two lines,"1 Road\r\nLeeds",,,\n')
    as_admin.post(f"/admin/regions/{region.id}/branches/import/confirm", {"token": confirm_token(preview.text)})
    session.expire_all()
    assert session.query(Branch).one().address == "1 Road\nLeeds"
