"""Below target in roll-ups: a period score against the pass mark of the newest checklist version counted in it."""

from __future__ import annotations

import copy
from datetime import date

from server.models import TemplateVersion, VersionStatus
from server.models.types import utcnow
from server.services import scores
from server.services.scores import make_scope
from tests.factories import SMALL_CHECKLIST
from tests.server.scores.world import MARCH, ScoreWorld


def targeted(pass_mark=80, front=None) -> dict:
    """The small test checklist with a visit pass mark and, optionally, one for its front section."""
    definition = copy.deepcopy(SMALL_CHECKLIST)
    definition["pass_mark"] = pass_mark
    if front is not None:
        definition["sections"][0]["pass_mark"] = front
    return definition


def _version(session, template, number: int, definition: dict) -> TemplateVersion:
    version = TemplateVersion(
        template=template, number=number, definition=definition, status=VersionStatus.PUBLISHED, published_at=utcnow()
    )
    session.add(version)
    session.commit()
    return version


def _scope(session):
    return make_scope(session, *MARCH)


def test_branches_and_the_region_below_the_pass_mark_are_below_target(make, session):
    world = ScoreWorld(make, session)
    world.version = make.template(targeted(80)).versions[0]
    region = make.region()
    good, poor, idle = make.branch(region, code="G"), make.branch(region, code="P"), make.branch(region, code="I")
    world.visits(good, [90.0, 80.0])  # 85
    world.visits(poor, [80.0, 79.98])  # 79.99
    league = scores.region_league(session, region, _scope(session))
    assert league.pass_mark == 80.0 and league.score == 82.5 and league.below_target is False
    assert {s.code: s.below_target for s in league.standings} == {"G": False, "P": True, "I": None}
    assert league.branches_below_target == 1
    assert idle.id in {s.branch_id for s in league.standings}


def test_a_score_equal_to_the_pass_mark_is_on_target(make, session):
    world = ScoreWorld(make, session)
    world.version = make.template(targeted(80)).versions[0]
    region = make.region()
    world.visits(make.branch(region, code="E"), [70.0, 90.0])
    league = scores.region_league(session, region, _scope(session))
    assert league.standings[0].score == 80.0 and league.standings[0].below_target is False


def test_without_a_pass_mark_nothing_is_below_target(make, session):
    world = ScoreWorld(make, session)
    region = make.region()
    world.visits(make.branch(region), [10.0])
    league = scores.region_league(session, region, _scope(session))
    assert league.pass_mark is None and league.below_target is None
    assert [s.below_target for s in league.standings] == [None] and league.branches_below_target == 0


def test_a_period_mixing_versions_is_judged_by_the_newest_versions_pass_mark(make, session):
    world = ScoreWorld(make, session)
    world.version = make.template(targeted(60)).versions[0]
    newer = _version(session, world.version.template, 2, targeted(90, front=95))
    region = make.region()
    branch = make.branch(region, code="M")
    world.visit(branch, 70.0, date(2026, 3, 5))  # made with version 1 (pass mark 60)
    world.visit(branch, 80.0, date(2026, 3, 6), version=newer)  # version 2 (pass mark 90)
    league = scores.region_league(session, region, _scope(session))
    assert league.targets.version_id == newer.id and league.targets.version_number == 2
    assert league.pass_mark == 90.0 and league.targets.sections == {"front": 95}
    assert league.standings[0].score == 75.0 and league.standings[0].below_target is True


def test_a_later_version_outside_the_period_does_not_change_the_periods_target(make, session):
    world = ScoreWorld(make, session)
    world.version = make.template(targeted(60)).versions[0]
    newer = _version(session, world.version.template, 2, targeted(90))
    region = make.region()
    branch = make.branch(region)
    world.visit(branch, 70.0, date(2026, 3, 5))
    world.visit(branch, 70.0, date(2026, 4, 5), version=newer)  # after March
    league = scores.region_league(session, region, _scope(session))
    assert league.pass_mark == 60.0 and league.standings[0].below_target is False


def test_region_summaries_say_the_pass_mark_and_whether_each_region_is_below_it(make, session):
    world = ScoreWorld(make, session)
    world.version = make.template(targeted(75)).versions[0]
    above, below, empty = make.region(), make.region(), make.region()
    world.visits(make.branch(above), [80.0])
    world.visits(make.branch(below), [74.99])
    make.branch(empty)
    summaries = scores.region_summaries(session, [above, below, empty], _scope(session))
    assert [(s.pass_mark, s.below_target) for s in summaries] == [(75.0, False), (75.0, True), (None, None)]


def test_the_league_and_region_endpoints_say_pass_mark_and_below_target(client, make, session):
    from server.services.accounts.tokens import issue_token
    from tests.server.auth_helpers import bearer
    from tests.server.scores.world import query

    world = ScoreWorld(make, session)
    world.version = make.template(targeted(80, front=70)).versions[0]
    region = make.region()
    world.visits(make.branch(region, code="P"), [70.0])
    world.visits(make.branch(region, code="G"), [95.0])
    headers = bearer(issue_token(session, make.user("admin"), "Test phone")[1])
    session.commit()
    body = client.get(f"/api/v1/scores/regions/{region.id}/league", query_string=query(), headers=headers).json
    assert (body["pass_mark"], body["below_target"], body["branches_below_target"]) == (80.0, False, 1)
    assert body["section_pass_marks"] == {"front": 70.0}
    assert [(b["code"], b["below_target"]) for b in body["branches"]] == [("G", False), ("P", True)]
    listed = client.get("/api/v1/scores/regions", query_string=query(), headers=headers).json["regions"]
    assert [(r["pass_mark"], r["below_target"]) for r in listed] == [(80.0, False)]
