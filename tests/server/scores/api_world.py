"""Two regions with scored visits and the people who ask about them: the fixture for the endpoint tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from server.models import VisitStatus
from server.services.accounts.tokens import issue_token
from tests.server.auth_helpers import bearer
from tests.server.scores.world import ScoreWorld
from tests.server.sync.helpers import record_and_commit

ACTORS = ("admin", "manager of the region", "manager of another region", "shopper", "anonymous")
ALLOWED = {
    "admin": 200,
    "manager of the region": 200,
    "manager of another region": 404,
    "shopper": 403,
    "anonymous": 401,
}


@dataclass
class ApiWorld:
    """Region "Here": branches A (90, 92, 94, 96, 98), B (70, 72, 74) and V (one recorded visit zeroed by a
    failed critical item); region "There": branch FAR (50)."""

    region: object
    other_region: object
    branch: object
    far_branch: object
    visit_branch: object
    visit: object
    headers: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    def urls(self) -> dict[str, str]:
        """Every endpoint that reads one region, branch or visit."""
        r, b = self.region.id, self.branch.id
        return {
            "league": f"/api/v1/scores/regions/{r}/league",
            "region trend": f"/api/v1/scores/regions/{r}/trend",
            "branch trend": f"/api/v1/scores/branches/{b}/trend",
            "sections": f"/api/v1/scores/branches/{b}/sections",
            "questions": f"/api/v1/scores/branches/{b}/questions",
            "critical failures": f"/api/v1/scores/branches/{b}/critical-failures",
            "visit pdf": f"/api/v1/reports/visits/{self.visit.id}.pdf",
            "branch pdf": f"/api/v1/reports/branches/{b}.pdf",
            "region pdf": f"/api/v1/reports/regions/{r}.pdf",
        }


def recorded_visit(session, make, world: ScoreWorld, branch, **document):
    """A visit stored through record_visit (so it has its revision document), approved."""
    assignment = make.assignment(shopper=world.shopper, branch=branch, template=world.template)
    doc = {
        "id": str(uuid.uuid4()),
        "template_version_id": world.version.id,
        "assignment_id": str(assignment.id),
        "branch_id": branch.id,
        "started_at": "2026-03-12T09:14:03Z",
        "finished_at": "2026-03-12T09:52:40Z",
        "location": {"lat": 51.5072, "lon": -0.1276, "accuracy_m": 12.0},
        "answers": [
            {"question": "greeted", "value": "yes", "comment": "Très bien & <b>vite</b>"},
            {"question": "clean", "value": 4},
            {"question": "price_ok", "value": "no", "comment": "Shelf 2.49, till 2.99"},
            {"question": "notes", "value": "Nothing else."},
        ],
        **document,
    }
    return record_and_commit(session, world.shopper, doc, status=VisitStatus.APPROVED)


def build(session, make) -> ApiWorld:
    """The world, with a bearer token per signed-in actor."""
    world = ScoreWorld(make, session)
    here, there = make.region("Here"), make.region("There")
    a, b, far = make.branch(here, code="A"), make.branch(here, code="B"), make.branch(there, code="FAR")
    v = make.branch(here, code="V")
    world.visits(
        a,
        [90, 92, 94, 96, 98],
        date(2026, 3, 2),
        sections={"front": 90},
        answers=[("greeted", "front", 1.0, 1.0, False)],
    )
    world.visits(b, [70, 72, 74], date(2026, 3, 2), sections={"front": 70})
    world.visit(far, 50, date(2026, 3, 2))
    visit = recorded_visit(session, make, world, v)
    users = {
        "admin": make.user("admin"),
        "manager of the region": make.user("manager", regions=[here]),
        "manager of another region": make.user("manager", regions=[there]),
        "shopper": world.shopper,
    }
    api = ApiWorld(here, there, a, far, v, visit, users=users)
    for name, user in users.items():
        api.headers[name] = bearer(issue_token(session, user, "Test phone")[1])
    session.commit()
    api.headers["anonymous"] = {}
    return api
