"""An action given to someone e-mails them (a real SMTP server): raised automatically for the branch contact, raised
by hand for someone else, or reassigned; not when the actor gave it to themselves."""

from __future__ import annotations

from sqlalchemy import select

from server.models import CorrectiveAction, MailMessage
from server.services.actions.workflow import assign_owner
from server.services.mail.delivery import deliver_due
from server.services.transactions import atomic


def _sent(app, session, smtp_server, count):
    deliver_due(session, dict(app.config))
    return smtp_server.wait_for(count)


def test_an_automatic_action_e_mails_the_branch_contact_with_a_link_to_it(
    app,
    session,
    world,
    smtp_server,
):
    world.approve(world.submitted_visit())  # fails both critical questions: two actions for the contact
    everything = _sent(app, session, smtp_server, 3)  # and the region's critical-failure alert
    assert {m.rcpt_tos[0] for m in everything} == {world.manager.email}
    messages = [m for m in everything if m.subject.startswith("Action for")]
    assert len(messages) == 2
    action = session.scalars(select(CorrectiveAction).order_by(CorrectiveAction.id)).first()
    subjects = sorted(m.subject for m in messages)
    assert all(s.startswith(f"Action for {world.branch.name}: Critical failure") for s in subjects)
    assert any(f"/actions/{action.id}" in m.part("plain") for m in messages)
    assert "priority high" in messages[0].part("plain")


def test_raising_for_oneself_sends_nothing_and_reassigning_tells_the_new_owner(
    app,
    session,
    world,
    smtp_server,
):
    action = world.action(world.manager, owner=world.manager.id, description="Labels <b>faded</b>")
    assert session.scalar(select(MailMessage)) is None  # the manager gave it to themselves
    with atomic(session):
        assign_owner(session, world.manager, session.get(CorrectiveAction, action.id), world.admin.id)
    [got] = _sent(app, session, smtp_server, 1)
    assert got.rcpt_tos == [world.admin.email] and "Fix the price labels" in got.subject
    assert "Labels &lt;b&gt;faded&lt;/b&gt;" in got.part("html")  # autoescaped
    with atomic(session):  # to nobody: nobody to tell
        assign_owner(session, world.admin, session.get(CorrectiveAction, action.id), None)
    assert len(session.scalars(select(MailMessage)).all()) == 1
