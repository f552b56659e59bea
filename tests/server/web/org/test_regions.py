"""Admins list, create, edit, deactivate and reactivate regions; bad input keeps what was typed and names the field."""

from __future__ import annotations

from server.models import Activity, Change, Region


def test_the_region_list_shows_each_region_with_its_branch_counts_in_a_sortable_table(as_admin, make):
    north = make.region("North", "NOR")
    make.branch(north), make.branch(north), make.branch(north, active=False)
    make.region("Empty", "EMP")
    page = as_admin.get("/admin/regions").text
    assert '<table class="sortable stack">' in page
    assert "North" in page and "Empty" in page
    assert '<td data-label="Branches" class="num">3</td><td data-label="Active" class="num">2</td>' in page
    assert '<td data-label="Branches" class="num">0</td><td data-label="Active" class="num">0</td>' in page


def test_an_admin_creates_a_region_and_lands_on_its_branches(as_admin, session):
    response = as_admin.post("/admin/regions/new", {"code": "west", "name": "  West Coast "})
    region = session.query(Region).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/regions/{region.id}/branches")
    assert (region.code, region.name) == ("WEST", "West Coast")
    assert session.query(Activity).filter_by(action="create", object_type="region").count() == 1


def test_a_duplicate_region_code_is_refused_naming_the_code_field_and_keeping_the_typed_name(as_admin, make, session):
    make.region("North", "NOR")
    response = as_admin.post("/admin/regions/new", {"code": "nor", "name": "Second North"})
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="code-error"' in response.text
    assert "A region with code NOR already exists." in response.text
    assert 'value="Second North"' in response.text
    assert session.query(Region).count() == 1


def test_an_empty_region_name_is_refused_naming_the_name_field(as_admin):
    response = as_admin.post("/admin/regions/new", {"code": "OK1", "name": "   "})
    assert response.status_code == 422 and 'id="name-error"' in response.text and 'value="OK1"' in response.text


def test_an_admin_edits_a_regions_code_and_name_and_phones_hear_about_its_branches(as_admin, make, session):
    region = make.region("North", "NOR")
    branch = make.branch(region)
    page = as_admin.get(f"/admin/regions/{region.id}/edit").text
    assert 'value="NOR"' in page and 'value="North"' in page
    response = as_admin.post(f"/admin/regions/{region.id}/edit", {"code": "NTH", "name": "The North"})
    assert response.status_code == 302
    session.expire_all()
    assert (session.get(Region, region.id).code, session.get(Region, region.id).name) == ("NTH", "The North")
    assert session.query(Change).filter_by(entity="branch", entity_id=str(branch.id)).count() == 1


def test_editing_a_region_to_another_regions_code_is_refused(as_admin, make, session):
    make.region("North", "NOR")
    south = make.region("South", "SOU")
    response = as_admin.post(f"/admin/regions/{south.id}/edit", {"code": "NOR", "name": "South"})
    assert response.status_code == 422 and "already exists" in response.text
    session.expire_all()
    assert session.get(Region, south.id).code == "SOU"


def test_an_admin_deactivates_and_reactivates_a_region(as_admin, make, session):
    region = make.region("North", "NOR")
    as_admin.post(f"/admin/regions/{region.id}/active", {"active": "0"})
    session.expire_all()
    assert session.get(Region, region.id).active is False
    page = as_admin.get("/admin/regions").text
    assert "Reactivate" in page and 'class="inactive"' in page
    as_admin.post(f"/admin/regions/{region.id}/active", {"active": "1"})
    session.expire_all()
    assert session.get(Region, region.id).active is True
    assert [a.action for a in session.query(Activity).filter_by(object_type="region").order_by(Activity.id)] == [
        "deactivate",
        "reactivate",
    ]


def test_a_deactivation_form_without_a_clear_active_value_is_a_bad_request(as_admin, make, session):
    region = make.region()
    assert as_admin.post(f"/admin/regions/{region.id}/active", {}).status_code == 400
    session.expire_all()
    assert session.get(Region, region.id).active is True
