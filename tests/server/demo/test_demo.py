"""The demo: a valid checklist, a full organisation with months of visits, loaded the same way from the same seed."""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from statistics import mean

import pytest
from sqlalchemy import delete, func, select

from server.demo import (
    DEMO_PASSWORD,
    DemoError,
    demo_checklist,
    demo_logins,
    is_database_empty,
    is_demo_loaded,
    load_demo,
)
from server.demo.org_data import INVITED, ORGANISATION
from server.extensions import db
from server.models import (
    Answer,
    Assignment,
    AssignmentStatus,
    Branch,
    MailMessage,
    Photo,
    QuestionDay,
    Region,
    Role,
    User,
    Visit,
    VisitStatus,
)
from server.services.accounts.users import NO_PASSWORD, authenticate
from server.services.scores import question_days
from shared.schemas import load_visit
from shared.scoring import score_visit
from shared.validation import load_checklist, validate_checklist

TODAY = date(2026, 6, 15)


def test_the_demo_checklist_follows_the_outline_and_validates():
    document = demo_checklist()
    assert validate_checklist(document) == []
    checklist = load_checklist(document)
    assert [s.title for s in checklist.sections] == [
        "Convenience: arrival",
        "Responsiveness",
        "Competence",
        "Sincerity and empathy",
        "Quality",
        "Integrity",
        "Gratification: closing",
    ]
    questions = list(checklist.questions())
    assert len(questions) == 24
    q = {question.key: question for question in questions}
    assert (q["open_at_posted_hours"].critical, checklist.effective_critical_policy(q["open_at_posted_hours"])) == (
        True,
        "flag",
    )
    assert (q["price_matched"].critical, q["price_matched"].critical_policy) == (True, "zero")
    keys = [question.key for question in questions]
    assert keys[keys.index("price_matched") + 1] == "receipt_photo"
    assert q["receipt_photo"].type == "photo" and q["receipt_photo"].required
    assert q["storefront_photo"].type == "photo" and q["storefront_photo"].required
    assert (q["wait_minutes"].pass_rule.op, q["wait_minutes"].pass_rule.value) == ("<=", 3)
    assert {k for k, v in q.items() if v.allow_na} == {
        "phone_answered_four_rings",
        "admitted_unsure",
        "follow_up_on_time",
    }
    assert {k: v.weight for k, v in q.items() if v.weight != 1} == {
        "greeted_within_minute": 2,
        "product_knowledge": 2,
        "delivered_as_promised": 2,
        "overall_satisfaction": 3,
    }
    assert [(o.value, o.score) for o in q["service_level"].options] == [
        ("scripted", 0.3),
        ("genuine", 0.7),
        ("exceptional", 1.0),
    ]
    assert q["what_stood_out"].type == "text" and q["what_stood_out"].required


def _scripts(texts: list[str]) -> set[str]:
    patterns = {
        "arabic": r"[\u0600-\u06FF]",
        "japanese": r"[\u3040-\u30FF\u4E00-\u9FFF]",
        "polish": r"[ąęłńśźż]",
        "german": r"\b(und|nicht|Sehr)\b",
        "french": r"\b(et|mais|très)\b",
        "spanish": r"\b(y|pero|Me)\b",
    }
    return {name for name, pattern in patterns.items() if any(re.search(pattern, text) for text in texts)}


def test_the_demo_invites_one_shopper_whose_message_waits_on_the_outgoing_e_mail_page(app, session, make):
    load_demo(session, today=TODAY)
    invited = session.scalar(select(User).where(User.email == INVITED.email))
    assert invited.password_hash == NO_PASSWORD and not invited.demo
    [message] = session.scalars(select(MailMessage)).all()
    assert message.kind == "invitation" and message.recipients == INVITED.email
    assert message.subject == f"Your invitation to {ORGANISATION} on Fieldaudit"
    from tests.server.auth_helpers import new_client, web_login

    client = new_client(app)
    web_login(client, "admin@demo.fieldaudit.org", DEMO_PASSWORD)
    assert "invited, not yet joined" in client.get("/admin/users").text
    page = client.get("/admin/mail").text
    assert "E-mail is not configured." in page and INVITED.email in page


def test_the_demo_loads_into_an_empty_database_with_data_for_every_role(app, session):
    assert is_database_empty(session) and not is_demo_loaded(session)
    summary = load_demo(session, today=TODAY)
    session.expire_all()

    assert (summary.regions, summary.branches, summary.users) == (3, 36, 10)
    assert is_demo_loaded(session) and not is_database_empty(session)
    assert [(login.email, login.role) for login in summary.logins] == [
        (login.email, login.role) for login in demo_logins(session)
    ]
    assert {login.role for login in summary.logins} == {"admin", "manager", "shopper"}
    assert authenticate(session, "admin@demo.fieldaudit.org", DEMO_PASSWORD) is not None

    everything = session.scalars(select(Visit)).all()
    [closed] = [v for v in everything if v.outcome_reason is not None]
    assert (closed.outcome_reason, closed.status, closed.score_percent, summary.not_completed) == (
        "shop_closed",
        VisitStatus.SUBMITTED,
        None,
        1,
    )
    assert closed.assignment.status is AssignmentStatus.SUBMITTED and closed.finished_at.date() == TODAY - timedelta(1)
    visits = [v for v in everything if v.outcome_reason is None]
    assert len(visits) == summary.visits and 350 <= len(visits) <= 700
    assert {v.status for v in visits} == {VisitStatus.APPROVED}
    assert all(TODAY - timedelta(days=125) <= v.finished_at.date() < TODAY for v in visits)
    assert all(v.reviewed_by_id is not None and v.assignment.status is AssignmentStatus.DONE for v in visits)

    # every role has something to look at
    for manager in session.scalars(select(User).where(User.role == Role.MANAGER)):
        [region] = manager.regions
        assert len(region.branches) == 12
        assert all(any(v.branch_id == b.id for v in visits) for b in region.branches)
    for shopper in session.scalars(select(User).where(User.role == Role.SHOPPER, User.password_hash != NO_PASSWORD)):
        assert any(v.shopper_id == shopper.id for v in visits)
        upcoming = session.scalars(
            select(Assignment).where(Assignment.shopper_id == shopper.id, Assignment.status == AssignmentStatus.OPEN)
        ).all()
        assert upcoming and all(TODAY <= a.due_from <= a.due_to <= TODAY + timedelta(days=14) for a in upcoming)
    assert (
        sum(1 for _ in session.scalars(select(Assignment).where(Assignment.status == AssignmentStatus.OPEN)))
        == summary.open_assignments
    )

    # realistic variety: critical failures of both policies, N/A, several languages, differing branches
    assert any(v.zeroed for v in visits) and any(v.flagged and not v.zeroed for v in visits)
    assert summary.critical_failures == sum(v.critical_failures > 0 for v in visits) > 0
    assert session.scalar(select(func.count()).select_from(Answer).where(Answer.na)) == summary.na_answers > 0
    texts = [a.comment for a in session.scalars(select(Answer).where(Answer.comment != ""))]
    texts += [a.value for a in session.scalars(select(Answer).where(Answer.question_key == "what_stood_out"))]
    assert _scripts(texts) == {"arabic", "japanese", "polish", "german", "french", "spanish"}
    by_branch = {}
    for v in visits:
        by_branch.setdefault(v.branch_id, []).append(v.score_percent)
    branch_means = [mean(scores) for scores in by_branch.values()]
    assert max(branch_means) - min(branch_means) > 15

    # stored scores are shared's scores, recomputed from each stored document
    checklist = load_checklist(visits[0].template_version.definition)
    for v in visits[::10]:
        loaded = load_visit(v.revisions[0].document)
        expected = score_visit(checklist, loaded.answers, loaded.photos)
        assert (v.score_percent, v.earned, v.possible, v.zeroed) == (
            expected.percent,
            expected.earned,
            expected.possible,
            expected.zeroed,
        )

    # every photo is a real PNG, stored, complete, matching its manifest
    storage = Path(app.config["PHOTO_STORAGE_PATH"])
    photos = session.scalars(select(Photo)).all()
    assert len(photos) == 2 * len(visits)
    for photo in photos[::25]:
        content = (storage / photo.storage_key).read_bytes()
        assert content.startswith(b"\x89PNG") and hashlib.sha256(content).hexdigest() == photo.sha256
        assert photo.received_bytes == photo.size == len(content) and photo.completed_at is not None
    # and each has its renditions from load time: pages and PDFs never decode a demo original
    assert all(p.page_key and p.thumb_key and p.width and p.height for p in photos)
    for photo in photos[::25]:
        for key in (photo.page_key, photo.thumb_key):
            assert (storage / key).read_bytes().startswith(b"\xff\xd8\xff")

    # the stored question roll-ups (the dashboard's weakest questions) hold the demo's visits
    stored = {
        tuple(row)
        for row in session.execute(
            select(
                QuestionDay.region_id,
                QuestionDay.day,
                QuestionDay.template_version_id,
                QuestionDay.question_key,
                QuestionDay.answered,
            )
        )
    }
    fresh = {
        (region, day if isinstance(day, date) else date.fromisoformat(day), version, key, answered)
        for region, day, version, key, answered, _, _ in session.execute(question_days.computed())
    }
    assert stored and stored == fresh

    with pytest.raises(DemoError):
        load_demo(session, today=TODAY)


def _fingerprint(session) -> dict:
    visits = session.execute(
        select(Visit.id, Branch.code, User.email, Visit.score_percent, Visit.critical_failures, Visit.finished_at)
        .join(Branch)
        .join(User, User.id == Visit.shopper_id)
        .order_by(Visit.id)
    ).all()
    open_work = session.execute(
        select(Assignment.id, Assignment.due_from)
        .where(Assignment.status == AssignmentStatus.OPEN)
        .order_by(Assignment.id)
    ).all()
    return {
        "visits": [tuple(row) for row in visits],
        "open": [tuple(row) for row in open_work],
        "answers": session.scalar(select(func.count()).select_from(Answer)),
        "regions": session.scalars(select(Region.code).order_by(Region.code)).all(),
    }


def _wipe(app, session) -> None:
    session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        session.execute(delete(table))
    session.commit()
    session.expunge_all()
    shutil.rmtree(app.config["PHOTO_STORAGE_PATH"], ignore_errors=True)


def test_the_same_seed_gives_the_same_demo_and_another_seed_a_different_one(app, session):
    load_demo(session, seed=7, today=TODAY, months=1)
    first = _fingerprint(session)
    _wipe(app, session)
    load_demo(session, seed=7, today=TODAY, months=1)
    assert _fingerprint(session) == first
    _wipe(app, session)
    load_demo(session, seed=8, today=TODAY, months=1)
    assert _fingerprint(session) != first
    assert 90 <= len(first["visits"]) <= 150


def test_the_demo_refuses_a_database_that_already_holds_data(session, make):
    make.region()
    with pytest.raises(DemoError, match="empty database"):
        load_demo(session)
    assert not is_demo_loaded(session)


def test_the_demo_shows_one_webhook_endpoint_that_never_sends(app, session):
    from server.models import WebhookEndpoint

    load_demo(session, today=TODAY)
    (endpoint,) = session.scalars(select(WebhookEndpoint)).all()
    assert not endpoint.active and endpoint.url.startswith("https://") and ".invalid/" in endpoint.url
    assert "example address" in endpoint.description and endpoint.secret.startswith("whsec_")


def test_the_demo_checklist_has_targets_so_some_branches_and_a_region_are_below_target_at_first_start(app, session):
    from server.models import Region
    from server.services import scores

    checklist = load_checklist(demo_checklist())
    assert checklist.pass_mark == 75
    assert {s.key: s.pass_mark for s in checklist.sections if s.pass_mark is not None} == {"integrity": 85}
    load_demo(session, today=TODAY)
    scope = scores.make_scope(session, today=TODAY)  # the dashboard's default period
    leagues = [scores.region_league(session, r, scope) for r in session.scalars(select(Region).order_by(Region.id))]
    assert all(league.pass_mark == 75.0 for league in leagues)
    verdicts = [s.below_target for league in leagues for s in league.standings]
    assert verdicts.count(True) >= 5 and verdicts.count(False) >= 5
    assert {league.below_target for league in leagues} == {True, False}


def test_the_demo_has_open_overdue_done_and_verified_actions_owned_by_the_branch_contacts(app, session):
    from collections import Counter

    from server.models import ActionStatus, CorrectiveAction

    summary = load_demo(session, today=TODAY)
    actions = session.scalars(select(CorrectiveAction).order_by(CorrectiveAction.id)).all()
    assert summary.actions == len(actions) == 13
    statuses = Counter(action.status for action in actions)
    assert {ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.VERIFIED} <= set(statuses)
    assert any(action.is_overdue(TODAY) for action in actions)
    for action in actions:
        assert action.owner is not None and action.owner is action.branch.contact
        assert action.branch.region in action.owner.regions
        assert action.events[0].kind == "created"
    verified = next(a for a in actions if a.status is ActionStatus.VERIFIED)
    assert [e.to_value for e in verified.events if e.kind == "status"] == ["in_progress", "done", "verified"]
    assert sum(a.source.value == "manual" for a in actions) == 1
