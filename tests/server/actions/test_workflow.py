"""Working on an action: the allowed status moves and who may make them, owners, due dates, comments, history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.models import ActionStatus, Activity, CorrectiveAction, WebhookEvent
from server.permissions import can_view_action, visible_actions_query
from server.services.actions.workflow import (
    add_comment,
    allowed_statuses,
    assign_owner,
    change_status,
    set_due_date,
    set_priority,
)
from server.services.errors import NotAllowed, ServiceError
from server.services.transactions import atomic


def run(session, use_case, *args):
    with atomic(session):
        return use_case(session, *args)


def test_an_action_goes_open_in_progress_done_verified_and_each_step_is_in_its_history(world, session):
    action = world.action()
    run(session, change_status, world.manager, action, "in_progress")
    run(session, change_status, world.manager, action, "done")
    run(session, change_status, world.admin, action, "verified")
    session.expire_all()
    action = session.get(CorrectiveAction, action.id)
    assert action.status is ActionStatus.VERIFIED
    history = [(e.kind, e.from_value, e.to_value, e.actor_id) for e in action.events]
    assert history == [
        ("created", "", "open", world.manager.id),
        ("status", "open", "in_progress", world.manager.id),
        ("status", "in_progress", "done", world.manager.id),
        ("status", "done", "verified", world.admin.id),
    ]
    logged = session.scalars(select(Activity.action).where(Activity.object_id == str(action.id))).all()
    assert logged == ["action_created", "action_status", "action_status", "action_status"]
    events = session.scalars(select(WebhookEvent).where(WebhookEvent.object_type == "action")).all()
    assert [e.type for e in events] == ["action.created"] + ["action.updated"] * 3
    assert events[-1].data["action"]["status"] == "verified"


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        ((), "done"),
        ((), "verified"),
        (("in_progress",), "verified"),
        (("in_progress",), "open"),
        (("in_progress", "done", "verified"), "cancelled"),
        (("cancelled",), "open"),
        ((), "finished"),
    ],
)
def test_an_action_cannot_skip_a_status_nor_leave_verified_or_cancelled(world, session, path, wanted):
    action = world.action()
    for status in path:
        run(session, change_status, world.admin, action, status, "No longer needed")
    with pytest.raises(ServiceError) as refused:
        run(session, change_status, world.admin, action, wanted, "reason")
    assert refused.value.field == "status" and refused.value.status == 400
    assert len(session.get(CorrectiveAction, action.id).events) == 1 + len(path)


@pytest.mark.parametrize("path", [(), ("in_progress",), ("in_progress", "done")])
def test_any_status_but_verified_may_be_cancelled_with_a_reason_which_is_kept(world, session, path):
    action = world.action()
    for status in path:
        run(session, change_status, world.manager, action, status)
    with pytest.raises(ServiceError) as refused:
        run(session, change_status, world.manager, action, "cancelled", "   ")
    assert refused.value.field == "reason"
    run(session, change_status, world.manager, action, "cancelled", "The shop closed for good")
    session.expire_all()
    action = session.get(CorrectiveAction, action.id)
    assert (action.status, action.cancel_reason) == (ActionStatus.CANCELLED, "The shop closed for good")
    assert action.events[-1].comment == "The shop closed for good"


def test_a_done_action_may_be_reopened_by_a_manager(world, session):
    action = world.action()
    run(session, change_status, world.manager, action, "in_progress")
    run(session, change_status, world.manager, action, "done")
    run(session, change_status, world.manager, action, "in_progress", "The labels are still wrong")
    assert session.get(CorrectiveAction, action.id).status is ActionStatus.IN_PROGRESS


def test_an_owner_who_does_not_manage_the_branch_works_to_done_but_never_verifies_or_cancels(world, session, make):
    action = world.action(owner=world.manager)
    world.branch.region = make.region("Elsewhere")  # the branch moved; the owner keeps their action
    session.commit()
    assert can_view_action(world.manager, action)
    assert session.scalar(visible_actions_query(world.manager).where(CorrectiveAction.id == action.id)) is not None
    assert allowed_statuses(world.manager, action) == [ActionStatus.IN_PROGRESS]
    run(session, change_status, world.manager, action, "in_progress")
    run(session, change_status, world.manager, action, "done")
    run(session, add_comment, world.manager, action, "New labels printed")
    assert allowed_statuses(world.manager, action) == []
    for wanted in ("verified", "cancelled"):
        with pytest.raises(NotAllowed):
            run(session, change_status, world.manager, action, wanted, "reason")
    with pytest.raises(NotAllowed):
        run(session, set_due_date, world.manager, action, date.today())
    run(session, change_status, world.admin, action, "verified")
    assert session.get(CorrectiveAction, action.id).status is ActionStatus.VERIFIED


def test_shoppers_and_other_regions_managers_neither_see_nor_change_an_action(world, session):
    action = world.action()
    for outsider in (world.shopper, world.other_manager):
        assert not can_view_action(outsider, action)
        assert session.scalars(visible_actions_query(outsider)).all() == []
        for use_case, value in ((change_status, "in_progress"), (add_comment, "hi"), (assign_owner, None)):
            with pytest.raises(NotAllowed):
                run(session, use_case, outsider, action, value)
    assert {a.id for a in session.scalars(visible_actions_query(world.admin))} == {action.id}
    assert {a.id for a in session.scalars(visible_actions_query(world.manager))} == {action.id}


def test_an_action_is_assigned_to_an_admin_or_a_manager_of_the_region_only(world, session):
    action = world.action()
    run(session, assign_owner, world.manager, action, str(world.admin.id))
    for wrong in (str(world.shopper.id), str(world.other_manager.id), "999999", "x"):
        with pytest.raises(ServiceError) as refused:
            run(session, assign_owner, world.manager, action, wrong)
        assert refused.value.field == "owner"
    run(session, assign_owner, world.admin, action, "")
    session.expire_all()
    action = session.get(CorrectiveAction, action.id)
    assert action.owner_id is None
    owners = [(e.from_value, e.to_value) for e in action.events if e.kind == "owner"]
    assert owners == [("", "Ada Admin"), ("Ada Admin", "")]


def test_due_date_priority_and_comments_are_recorded_with_what_they_changed_from(world, session):
    action = world.action()
    old_due, new_due = action.due_on, date.today() + timedelta(days=30)
    run(session, set_due_date, world.manager, action, new_due.isoformat())
    run(session, set_due_date, world.manager, action, new_due)  # unchanged: no event
    run(session, set_priority, world.manager, action, "high")
    with pytest.raises(ServiceError) as refused:
        run(session, set_due_date, world.manager, action, "31/12/2026")
    assert refused.value.field == "due_on"
    with pytest.raises(ServiceError) as refused:
        run(session, add_comment, world.manager, action, " ")
    assert refused.value.field == "comment"
    run(session, add_comment, world.manager, action, "Called the store")
    session.expire_all()
    history = [(e.kind, e.from_value, e.to_value, e.comment) for e in session.get(CorrectiveAction, action.id).events]
    assert history[1:] == [
        ("due", old_due.isoformat(), new_due.isoformat(), ""),
        ("priority", "normal", "high", ""),
        ("comment", "", "", "Called the store"),
    ]


def test_a_closed_action_can_no_longer_be_assigned_or_rescheduled_but_still_takes_comments(world, session):
    action = world.action()
    run(session, change_status, world.manager, action, "cancelled", "Duplicate")
    for use_case, value in ((assign_owner, str(world.admin.id)), (set_due_date, date.today())):
        with pytest.raises(ServiceError):
            run(session, use_case, world.manager, action, value)
    run(session, add_comment, world.manager, action, "Raised again as a new action")
