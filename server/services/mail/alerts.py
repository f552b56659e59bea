"""Alerts by e-mail, queued in the transaction of the decision that causes them (docs/email.md, Alerts):
a visit returned for correction tells its shopper; an approved visit with a critical failure tells the managers of
its region; a corrective action given to someone tells its new owner."""

from __future__ import annotations

from server.extensions import DbSession
from server.models import CorrectiveAction, Role, User, Visit
from server.services.checklists.versions import checklist_of
from server.services.mail.compose import compose_and_queue, on_fieldaudit
from server.services.site_address import page_url


def alert_visit_returned(session: DbSession, visit: Visit) -> None:
    """Tell the shopper their visit came back for correction, with the reviewer's note (the phone shows it too)."""
    shopper = visit.shopper
    if shopper is None or not shopper.active or not shopper.email:
        return
    branch = visit.branch
    compose_and_queue(
        session,
        [shopper.email],
        f"Your visit at {branch.name} needs a correction · {on_fieldaudit(session)}",
        "visit_returned",
        kind="visit_returned",
        name=shopper.name,
        email=shopper.email,
        branch=branch,
        visit=visit,
        note=visit.review_note,
    )


def region_managers(visit: Visit) -> list[User]:
    """The active managers who follow the visit's region."""
    return [u for u in visit.branch.region.managers if u.active and u.role is Role.MANAGER and u.email]


def alert_critical_failure(session: DbSession, visit: Visit) -> None:
    """Tell the region's managers that an approved visit failed critical questions (one message each)."""
    failed = [answer for answer in visit.answers if answer.critical_failure]
    if not failed:
        return
    texts = {q.key: q.text for q in checklist_of(visit.template_version).questions()}
    questions = [texts.get(answer.question_key, answer.question_key) for answer in failed]
    branch, link = visit.branch, page_url("visit_pages.show", visit_id=visit.id)
    count = "a critical question" if len(failed) == 1 else f"{len(failed)} critical questions"
    for manager in region_managers(visit):
        compose_and_queue(
            session,
            [manager.email],
            f"Critical failure at {branch.name}: {count} · {on_fieldaudit(session)}",
            "critical_failure",
            kind="critical_failure",
            name=manager.name,
            email=manager.email,
            branch=branch,
            visit=visit,
            questions=questions,
            link=link,
        )


def alert_action_assigned(session: DbSession, action: CorrectiveAction, actor: User | None) -> None:
    """Tell the owner an action is now theirs (not when they gave it to themselves)."""
    owner = action.owner
    if owner is None or owner is actor or not owner.active or not owner.email:
        return
    session.flush()  # the action's id, for its link
    branch = action.branch
    compose_and_queue(
        session,
        [owner.email],
        f"Action for {branch.name}: {action.title} · {on_fieldaudit(session)}",
        "action_assigned",
        kind="action_assigned",
        name=owner.name,
        email=owner.email,
        action=action,
        branch=branch,
        link=page_url("actions.show", action_id=action.id),
    )
