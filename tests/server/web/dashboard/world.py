"""A small organisation with visits pushed and photographed through the real API, for the web page tests."""

from __future__ import annotations

import copy
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from server.models import Visit
from server.services.scores.filters import today_utc
from server.services.transactions import atomic
from server.services.visits.reviews import approve_visit
from tests.factories import SMALL_CHECKLIST
from tests.server.auth_helpers import bearer
from tests.server.photos.factories import png_bytes
from tests.server.sync.helpers import assign, push, token_for

CHECKLIST = copy.deepcopy(SMALL_CHECKLIST)
CHECKLIST["sections"][0]["questions"].append({"key": "front_photo", "text": "Photo of the front", "type": "photo"})

ALL_YES = [
    {"question": "greeted", "value": "yes"},
    {"question": "clean", "value": 5},
    {"question": "price_ok", "value": "yes"},
]
FAILED = [
    {"question": "greeted", "value": "no", "comment": "Nobody said hello"},
    {"question": "clean", "value": 3},
    {"question": "price_ok", "value": "no", "comment": '=HYPERLINK("x") charged twice'},
]


def iso(moment: datetime) -> str:
    """A UTC timestamp as the phone sends it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class World:
    """Two regions (north: two branches, south: one), their managers, an admin, two shoppers and their tokens."""

    make: object
    session: object
    client: object
    people: dict = field(default_factory=dict)
    branches: dict = field(default_factory=dict)
    regions: dict = field(default_factory=dict)

    def visit(
        self,
        branch_key: str,
        answers=ALL_YES,
        *,
        days_ago: int = 5,
        shopper: str = "ann",
        photo: bytes | None = None,
        approve: bool = True,
        lat_shift: float = 0.0,
        upload: bool = True,
        capture: dict | None = None,
        outcome: dict | None = None,
    ) -> Visit:
        """Push one visit (with an optional PNG photo, uploaded unless told not to); approve it unless told not to."""
        branch, person = self.branches[branch_key], self.people[shopper]
        assignment = assign(self.session, self.make, shopper=person, branch=branch, template=self.template)
        finished = datetime.combine(today_utc() - timedelta(days=days_ago), time(11, 0), tzinfo=UTC)
        doc = {
            "id": str(uuid.uuid4()),
            "template_version_id": self.template.latest_published().id,
            "assignment_id": str(assignment.id),
            "branch_id": branch.id,
            "started_at": iso(finished - timedelta(minutes=38)),
            "finished_at": iso(finished),
            "location": {"lat": branch.latitude + lat_shift, "lon": branch.longitude, "accuracy_m": 8.0},
            "answers": copy.deepcopy(answers) if outcome is None else [],
        }
        if outcome is not None:
            doc["outcome"] = outcome
        photo_id = str(uuid.uuid4())
        if photo is not None:
            doc["photos"] = [
                {
                    "id": photo_id,
                    "question": "front_photo",
                    "sha256": hashlib.sha256(photo).hexdigest(),
                    "size": len(photo),
                    "content_type": "image/png",
                    **(capture or {}),
                }
            ]
        token = self.tokens[shopper]
        [result] = push(self.client, token, doc)
        assert result["result"] == "created", result
        if photo is not None and upload:
            response = self.client.put(
                f"/api/v1/visits/{doc['id']}/photos/{photo_id}",
                data=photo,
                headers={**bearer(token), "Content-Type": "image/png"},
            )
            assert response.status_code in (200, 201), response.text
        self.session.expire_all()  # the push and upload ran in the app's own sessions
        visit = self.session.get(Visit, uuid.UUID(doc["id"]))
        if approve:
            with atomic(self.session):
                approve_visit(self.session, self.people["admin"], visit)
        return visit


def build(make, session, client) -> World:
    """The organisation, with no visits yet."""
    world = World(make, session, client)
    north, south = make.region("North Region", "NOR"), make.region("South Region", "SOU")
    world.regions = {"north": north, "south": south}
    world.branches = {
        "n1": make.branch(north, code="N-001", name="Northgate Mall"),
        "n2": make.branch(north, code="N-002", name="Harbour Street"),
        "s1": make.branch(south, code="S-001", name="Southside Plaza"),
    }
    world.template = make.template(CHECKLIST)
    world.people = {
        "admin": make.user("admin", name="Ada Admin"),
        "nora": make.user("manager", regions=[north], name="Nora Manager"),
        "sam": make.user("manager", regions=[south], name="Sam Manager"),
        "ann": make.user("shopper", name="Ann Shopper"),
        "bob": make.user("shopper", name="Bob Shopper"),
    }
    world.tokens = {name: token_for(session, world.people[name]) for name in ("ann", "bob")}
    return world


PNG = png_bytes(6, 4)
