"""Admins list, create, edit, deactivate and reactivate the branches of a region."""

from __future__ import annotations

from server.models import Activity, Branch, Change


def test_a_regions_page_lists_its_branches_and_not_other_regions_branches(as_admin, make):
    north, south = make.region("North", "NOR"), make.region("South", "SOU")
    make.branch(north, code="N-1", name="Harbour Street")
    make.branch(south, code="S-1", name="Southside Plaza")
    page = as_admin.get(f"/admin/regions/{north.id}/branches").text
    assert "Harbour Street" in page and "N-1" in page
    assert "Southside Plaza" not in page


def test_an_admin_adds_a_branch_with_an_address_and_coordinates(as_admin, make, session):
    region = make.region("North", "NOR")
    response = as_admin.post(
        f"/admin/regions/{region.id}/branches/new",
        {"code": "n-9", "name": "Quay", "address": "1 Quay Rd", "latitude": "51.45", "longitude": "-2.59"},
    )
    assert response.status_code == 302
    branch = session.query(Branch).one()
    assert (branch.code, branch.name, branch.address, branch.latitude, branch.longitude, branch.region_id) == (
        "N-9",
        "Quay",
        "1 Quay Rd",
        51.45,
        -2.59,
        region.id,
    )
    assert session.query(Change).filter_by(entity="branch", entity_id=str(branch.id)).count() == 1
    assert session.query(Activity).filter_by(object_type="branch", action="create").count() == 1


def test_a_latitude_out_of_range_is_refused_naming_the_field_and_keeping_every_typed_value(as_admin, make, session):
    region = make.region()
    response = as_admin.post(
        f"/admin/regions/{region.id}/branches/new",
        {"code": "N-9", "name": "Quay", "address": "1 Quay Rd", "latitude": "95", "longitude": "-2.59"},
    )
    assert response.status_code == 422
    assert 'id="latitude-error"' in response.text and "between -90 and 90" in response.text
    assert (
        'value="N-9"' in response.text and 'value="Quay"' in response.text and "1 Quay Rd</textarea>" in response.text
    )
    assert session.query(Branch).count() == 0


def test_a_latitude_without_a_longitude_is_refused(as_admin, make):
    region = make.region()
    response = as_admin.post(f"/admin/regions/{region.id}/branches/new", {"code": "N-9", "name": "Q", "latitude": "50"})
    assert response.status_code == 422 and 'id="longitude-error"' in response.text


def test_a_branch_code_used_in_another_region_is_refused(as_admin, make):
    make.branch(make.region(), code="N-1")
    region = make.region()
    response = as_admin.post(f"/admin/regions/{region.id}/branches/new", {"code": "n-1", "name": "Again"})
    assert response.status_code == 422 and "A branch with code N-1 already exists." in response.text


def test_an_admin_edits_a_branch_and_phones_get_the_new_state(as_admin, make, session):
    branch = make.branch(make.region(), code="N-1", name="Old")
    form = as_admin.get(f"/admin/branches/{branch.id}/edit").text
    assert 'value="N-1"' in form and 'value="Old"' in form
    response = as_admin.post(
        f"/admin/branches/{branch.id}/edit",
        {"code": "N-1", "name": "New name", "address": "2 Road", "latitude": "", "longitude": ""},
    )
    assert response.status_code == 302
    session.expire_all()
    edited = session.get(Branch, branch.id)
    assert (edited.name, edited.address, edited.latitude, edited.longitude) == ("New name", "2 Road", None, None)
    assert session.query(Change).filter_by(entity="branch", entity_id=str(branch.id)).count() == 1


def test_a_deactivated_branch_is_recorded_as_a_change_so_phones_drop_it_and_can_be_reactivated(as_admin, make, session):
    branch = make.branch(make.region())
    as_admin.post(f"/admin/branches/{branch.id}/active", {"active": "0"})
    session.expire_all()
    assert session.get(Branch, branch.id).active is False
    assert session.query(Change).filter_by(entity="branch", entity_id=str(branch.id)).count() == 1
    as_admin.post(f"/admin/branches/{branch.id}/active", {"active": "1"})
    session.expire_all()
    assert session.get(Branch, branch.id).active is True
    assert session.query(Change).filter_by(entity="branch", entity_id=str(branch.id)).count() == 2


def test_a_deactivated_branch_leaves_a_shoppers_phone_at_the_next_pull(client, as_admin, make):
    from tests.server.auth_helpers import api_login, bearer, new_client

    shopper = make.user("shopper")
    assignment = make.assignment(shopper=shopper)
    phone = new_client(client.application)
    token = api_login(phone, shopper.email).get_json()["token"]
    first = phone.get("/api/v1/sync/changes", headers=bearer(token)).get_json()
    as_admin.post(f"/admin/branches/{assignment.branch_id}/active", {"active": "0"})
    later = phone.get("/api/v1/sync/changes", query_string={"since": first["cursor"]}, headers=bearer(token)).get_json()
    assert {"entity": "branch", "id": str(assignment.branch_id), "op": "delete"} in later["changes"]
