"""Regions, branches and assignments are created with clear, field-named errors for bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.models import Branch, Change
from server.services.org.organisation import OrgError, create_assignment, create_branch, create_region


def test_a_region_is_created_with_an_upper_case_code_and_a_change_row(session):
    region = create_region(session, code="lon", name="  Greater London ")
    assert (region.code, region.name) == ("LON", "Greater London")
    assert session.scalars(select(Change.entity)).all() == ["region"]


def test_region_codes_are_unique_whatever_their_case(session):
    create_region(session, code="LON", name="London")
    with pytest.raises(OrgError) as error:
        create_region(session, code="lon", name="London again")
    assert error.value.field == "code"
    assert "already exists" in str(error.value)


@pytest.mark.parametrize("code", ["", "with space", "-leading", "x" * 33, "é"])
def test_a_region_code_must_be_a_short_plain_code(session, code):
    with pytest.raises(OrgError) as error:
        create_region(session, code=code, name="Somewhere")
    assert error.value.field == "code"


def test_a_branch_is_created_with_its_coordinates_and_a_change_row(session, make):
    region = make.region()
    branch = create_branch(
        session,
        region=region,
        code="par-01",
        name="Paris Rivoli",
        address="118 rue de Rivoli, 75001 Paris",
        latitude="48.859",
        longitude=2.347,
    )
    assert (branch.code, branch.latitude, branch.longitude) == ("PAR-01", 48.859, 2.347)
    assert session.scalar(select(Change).where(Change.entity == "branch")).entity_id == str(branch.id)


@pytest.mark.parametrize(
    "latitude, longitude, field",
    [
        (91, 0, "latitude"),
        (-90.5, 0, "latitude"),
        (0, 180.01, "longitude"),
        (0, -181, "longitude"),
        ("north", 0, "latitude"),
        (True, 0, "latitude"),
        (float("nan"), 0, "latitude"),
        (51.5, None, "longitude"),
        (None, -0.12, "latitude"),
    ],
)
def test_branch_coordinates_out_of_range_or_half_given_name_the_field(session, make, latitude, longitude, field):
    region = make.region()
    with pytest.raises(OrgError) as error:
        create_branch(session, region=region, code="B1", name="Branch", latitude=latitude, longitude=longitude)
    assert error.value.field == field
    assert session.scalar(select(Branch)) is None


def test_branch_codes_are_unique_and_names_required(session, make):
    region = make.region()
    create_branch(session, region=region, code="B1", name="One")
    with pytest.raises(OrgError) as duplicate:
        create_branch(session, region=region, code="b1", name="Two")
    with pytest.raises(OrgError) as unnamed:
        create_branch(session, region=region, code="B2", name="   ")
    with pytest.raises(OrgError) as no_region:
        create_branch(session, region=None, code="B3", name="Three")
    assert (duplicate.value.field, unnamed.value.field, no_region.value.field) == ("code", "name", "region")


def test_an_assignment_goes_to_a_shopper_with_a_sane_window(session, make):
    shopper, branch, template = make.user("shopper"), make.branch(), make.template()
    today = date.today()
    assignment = create_assignment(
        session, shopper=shopper, branch=branch, template=template, due_from=today, due_to=today + timedelta(days=3)
    )
    session.commit()
    assert assignment.status.value == "open"
    assert session.scalar(select(Change).where(Change.entity == "assignment")).entity_id == str(assignment.id)


def test_an_assignment_refuses_managers_backwards_windows_and_unpublished_checklists(session, make):
    shopper, branch, today = make.user("shopper"), make.branch(), date.today()
    cases = [
        ({"shopper": make.user("manager"), "template": make.template()}, "shopper"),
        ({"shopper": shopper, "template": make.template(published=False)}, "template"),
        ({"shopper": shopper, "template": make.template(), "due_to": today - timedelta(days=1)}, "due_to"),
    ]
    for kwargs, field in cases:
        kwargs = {"branch": branch, "due_from": today, "due_to": today, **kwargs}
        with pytest.raises(OrgError) as error:
            create_assignment(session, **kwargs)
        assert error.value.field == field
