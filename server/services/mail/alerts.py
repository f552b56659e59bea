"""Alerts by e-mail, queued in the transaction of the decision that causes them (docs/email.md, Alerts):
a visit returned for correction tells its shopper; an approved visit with a critical failure tells the managers of
its region; a corrective action given to someone tells its new owner."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for

from server.extensions import DbSession
from server.models import CorrectiveAction, Role, User, Visit
from server.services.checklists.versions import checklist_of
from server.services.mail.compose import compose_and_queue, on_fieldaudit


def site_address() -> str | None:
    """Where links in alerts point: FIELDAUDIT_PUBLIC_URL, else the address of the request deciding (None: no link)."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else None


def _visit_link(visit: Visit) -> str | None:
    """The visit page's address, or None when the server's address is not known (a job without PUBLIC_URL)."""
    base = site_address()
    if base is None:
        return None
    if has_request_context():
        return base + url_for("visit_pages.show", visit_id=visit.id)
    with current_app.test_request_context(base_url=base):  # a job: build the path as a request to `base` would
        return base + url_for("visit_pages.show", visit_id=visit.id)


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
    branch, link = visit.branch, _visit_link(visit)
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


def _action_link(action: CorrectiveAction) -> str | None:
    """The action page's address (as _visit_link: None when the server's address is not known)."""
    base = site_address()
    if base is None:
        return None
    if has_request_context():
        return base + url_for("actions.show", action_id=action.id)
    with current_app.test_request_context(base_url=base):
        return base + url_for("actions.show", action_id=action.id)


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
        link=_action_link(action),
    )
