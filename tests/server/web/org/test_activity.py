"""The activity log records what admins do and lists it newest first, filtered and paged."""

from __future__ import annotations

from server.models import Activity
from server.services.activity import log_activity


def test_admin_actions_appear_in_the_log_newest_first_with_who_and_what(as_admin, make, session):
    as_admin.post("/admin/regions/new", {"code": "NOR", "name": "North"})
    region_id = session.query(Activity).filter_by(object_type="region").one().object_id
    as_admin.post(f"/admin/regions/{region_id}/branches/new", {"code": "N-1", "name": "Quay"})
    page = as_admin.get("/admin/activity").text
    assert page.index("Created branch N-1 Quay in NOR") < page.index("Created region NOR North")
    assert "Ada Admin" in page


def test_the_log_filters_by_actor_and_object_type(as_admin, admin, make, session):
    other = make.user("admin", name="Otto Other")
    log_activity(session, admin, "create", "region", 1, "by ada")
    log_activity(session, other, "create", "user", 2, "by otto")
    session.commit()
    by_otto = as_admin.get(f"/admin/activity?actor={other.id}").text
    assert "by otto" in by_otto and "by ada" not in by_otto
    regions = as_admin.get("/admin/activity?type=region").text
    assert "by ada" in regions and "by otto" not in regions
    assert as_admin.get("/admin/activity?actor=abc&type=&page=-3").status_code == 200


def test_the_log_is_paged(as_admin, admin, session):
    for n in range(55):
        log_activity(session, admin, "update", "branch", n, f"entry number {n:02d}.")
    session.commit()
    first = as_admin.get("/admin/activity").text
    assert "entry number 54." in first and "entry number 04." not in first and "Page 1 of 2" in first
    second = as_admin.get("/admin/activity?page=2").text
    assert "entry number 04." in second and "entry number 54." not in second
    assert "Page 2 of 2" in as_admin.get("/admin/activity?page=99").text


def test_entries_outlive_a_deleted_actor_and_escape_their_summary(as_admin, make, session):
    gone = make.user("admin")
    log_activity(session, gone, "create", "region", 7, "<b>bold</b>")
    session.commit()
    session.delete(gone)
    session.commit()
    page = as_admin.get("/admin/activity").text
    assert "system" in page and "&lt;b&gt;bold&lt;/b&gt;" in page
