"""Review decisions, assignment scheduling and publishing all leave a line in the admins' activity log."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from server.models import Activity, Visit
from server.services.checklists.versions import new_draft_from, publish_version
from server.services.org.organisation import cancel_assignment, create_assignment, reassign_assignment
from server.services.visits.reviews import approve_visit, return_for_correction
from tests.server.sync.helpers import record_and_commit, visit_doc


def entries(session) -> list[tuple[str, str, str, int | None]]:
    """(action, object type, object id, actor id) of every entry, oldest first."""
    session.expire_all()
    return [
        (a.action, a.object_type, a.object_id, a.actor_id)
        for a in session.scalars(select(Activity).order_by(Activity.id))
    ]


def test_scheduling_cancelling_and_reassigning_are_logged_with_the_admin(session, make):
    admin, ann, bob = make.user("admin"), make.user("shopper"), make.user("shopper")
    today = date.today()
    first = create_assignment(
        session,
        shopper=ann,
        branch=make.branch(),
        template=make.template(),
        due_from=today,
        due_to=today + timedelta(days=3),
        actor=admin,
    )
    reassign_assignment(session, first, bob, actor=admin)
    cancel_assignment(session, first, actor=admin)
    assert entries(session) == [
        ("scheduled", "assignment", str(first.id), admin.id),
        ("reassigned", "assignment", str(first.id), admin.id),
        ("cancelled", "assignment", str(first.id), admin.id),
    ]


def test_review_decisions_are_logged_with_the_reviewer_and_the_note(session, make):
    admin, shopper = make.user("admin"), make.user("shopper")
    today = date.today()
    template = make.template()
    visits = []
    for _ in range(2):
        assignment = create_assignment(
            session, shopper=shopper, branch=make.branch(), template=template, due_from=today, due_to=today
        )
        session.commit()
        visits.append(record_and_commit(session, shopper, visit_doc(assignment)))
    return_for_correction(session, admin, visits[0], "Please add the receipt photo.")
    approve_visit(session, admin, session.get(Visit, visits[1].id))
    logged = [e for e in entries(session) if e[1] == "visit"]
    assert logged == [
        ("returned", "visit", str(visits[0].id), admin.id),
        ("approved", "visit", str(visits[1].id), admin.id),
    ]
    note = session.scalar(select(Activity.summary).where(Activity.action == "returned"))
    assert note.endswith(": Please add the receipt photo.")


def test_publishing_a_version_is_logged(session, make):
    admin = make.user("admin")
    draft = new_draft_from(session, make.template().versions[0])
    publish_version(session, draft, actor=admin)
    assert entries(session)[-1] == ("published", "template_version", str(draft.id), admin.id)
