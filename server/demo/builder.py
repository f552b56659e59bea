"""Builds the demo data step by step (organisation, checklist, visit history, open work) from one seeded generator."""

from __future__ import annotations

import io
import json
import os
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import update

from server.demo import org_data
from server.demo.visit_maker import PhotoFile, VisitMaker, new_uuid
from server.extensions import DbSession
from server.models import (
    ActionPriority,
    ActionSource,
    ActionStatus,
    Assignment,
    AssignmentStatus,
    Branch,
    Photo,
    Region,
    Role,
    TemplateVersion,
    User,
    Visit,
    VisitStatus,
    WebhookEndpoint,
)
from server.private_files import private_folder, write_private_file
from server.services.accounts.invitations import invite_user
from server.services.accounts.users import hash_password
from server.services.actions.raising import CRITICAL_FAILURE_DUE_DAYS, raise_action, raise_for_finding
from server.services.actions.workflow import add_comment, change_status
from server.services.checklists.versions import checklist_of, import_template
from server.services.org.organisation import create_assignment, create_branch, create_region
from server.services.org.settings import save_settings
from server.services.photos.budgets import PhotoLimits
from server.services.photos.renditions import Rendered, max_pixels, render_photo
from server.services.visits.record import record_visit
from server.services.webhooks.catalogue import subscribable_names
from server.services.webhooks.signing import new_secret
from server.storage import FilesystemStorage, photo_key, rendition_key

CHECKLIST_PATH = Path(__file__).with_name("customer_service_checklist.json")
DAYS_PER_MONTH = 30
OPEN_ASSIGNMENTS_PER_SHOPPER = 5
DEMO_WEBHOOK_URL = "https://hooks.example.invalid/fieldaudit"
"""The demo's webhook: a reserved name that never resolves (RFC 2606), so nothing is ever sent from the demo."""
DEMO_ACTIONS = 12
"""Corrective actions raised from the latest critical failures of the demo history."""
DEMO_ACTION_STATUSES = (ActionStatus.VERIFIED, ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.OPEN)
"""Oldest first: the earliest actions are verified, the latest still open."""
DEMO_ACTION_COMMENTS = (
    "Spoke to the team at the morning briefing.",
    "New price labels printed and checked.",
    "Added to the weekly checklist for the shift leads.",
)
ASSIGNMENT_NOTES = (
    "",
    "",
    "Try to visit at lunchtime (12:00-14:00).",
    "Ask about the loyalty card.",
    "Saturday visit, please.",
)


def demo_checklist() -> dict:
    """The bundled 'Customer service mystery shop' checklist document."""
    return json.loads(CHECKLIST_PATH.read_text(encoding="utf-8"))


class DemoBuilder:
    """Adds the demo rows to a session without committing; every random choice comes from `rng`."""

    def __init__(self, session: DbSession, rng: random.Random, *, today: date, months: int, storage: Path):
        self.session, self.rng, self.today, self.months, self.storage = session, rng, today, months, storage
        self.regions: dict[str, Region] = {}
        self.branches: list[Branch] = []
        self.users: dict[str, User] = {}
        self.visits: list[Visit] = []
        self.open_assignments = 0
        self._written: dict[tuple[str, str], Path] = {}
        self._rendered: dict[str, Rendered] = {}

    def organisation(self) -> None:
        """Regions, branches and the ten demo accounts (one password hash shared: scrypt is slow on purpose)."""
        for region in org_data.REGIONS:
            self.regions[region.code] = create_region(self.session, code=region.code, name=region.name)
        for branch in org_data.BRANCHES:
            self.branches.append(
                create_branch(
                    self.session,
                    region=self.regions[branch.region],
                    code=branch.code,
                    name=f"{org_data.CHAIN} {branch.name}",
                    address=branch.address,
                    latitude=branch.lat,
                    longitude=branch.lon,
                )
            )
        password_hash = hash_password(org_data.DEMO_PASSWORD)
        for account in org_data.USERS:
            user = User(
                email=account.email, name=account.name, role=Role(account.role), password_hash=password_hash, demo=True
            )
            if account.role == "manager":
                user.regions = [self.regions[code] for code in account.regions]
            self.session.add(user)
            self.users[account.email] = user
        self.session.flush()

    def webhook(self) -> WebhookEndpoint:
        """One webhook endpoint to show on the Webhooks page: turned off, at an example address that never resolves."""
        endpoint = WebhookEndpoint(
            url=DEMO_WEBHOOK_URL,
            description="Demo endpoint at an example address (nothing is sent). Point it at your receiver, then "
            "reactivate it.",
            secret=new_secret(),
            event_types=subscribable_names(),
            active=False,
            created_by_id=self.admin.id,
        )
        self.session.add(endpoint)
        return endpoint

    def invitation(self) -> User:
        """The organisation's name, and one shopper invited by e-mail who has not joined: the users list shows
        "invited, not yet joined" and the Outgoing e-mail page its message (queued while SMTP is not set up)."""
        save_settings(self.session, None, {"organisation_name": org_data.ORGANISATION})
        invited = org_data.INVITED
        base = current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
        return invite_user(
            self.session,
            self.admin,
            email=invited.email,
            name=invited.name,
            role=invited.role,
            base_url=base,
            days=int(current_app.config["INVITATION_DAYS"]),
        )

    def actions(self, version: TemplateVersion) -> list:
        """Branch contacts (each region's manager), and corrective actions from the latest critical failures, due
        14 days after each visit: the oldest verified, then done, in progress (some overdue) and open; one by hand."""
        managers = [self.users[u.email] for u in org_data.USERS if u.role == "manager"]
        for branch in self.branches:
            branch.contact = next((m for m in managers if branch.region in m.regions), None)
        checklist = checklist_of(version)
        failed = [
            (visit, answer)
            for visit in sorted(self.visits, key=lambda v: (v.finished_at, str(v.id)))
            for answer in visit.answers
            if answer.critical_failure
        ][-DEMO_ACTIONS:]
        steps = {
            ActionStatus.VERIFIED: ("in_progress", "done", "verified"),
            ActionStatus.DONE: ("in_progress", "done"),
            ActionStatus.IN_PROGRESS: ("in_progress",),
            ActionStatus.OPEN: (),
        }
        made = []
        for index, (visit, answer) in enumerate(failed):
            action = raise_for_finding(
                self.session,
                self.admin,
                visit,
                ActionSource.CRITICAL_FAILURE,
                answer.question_key,
                title=f"Critical failure: {checklist.question(answer.question_key).text}",
                description=f"Failed in the visit of {visit.finished_at:%Y-%m-%d}.",
                due_on=visit.finished_at.date() + timedelta(days=CRITICAL_FAILURE_DUE_DAYS),
                notify=False,  # the demo's history: nobody is e-mailed about actions raised before it started
            )
            if action is None:
                continue
            wanted = DEMO_ACTION_STATUSES[min(index * len(DEMO_ACTION_STATUSES) // len(failed), 3)]
            owner = action.owner or self.admin
            for status in steps[wanted]:
                actor = self.admin if status == "verified" else owner
                change_status(self.session, actor, action, status)
            if wanted is not ActionStatus.OPEN:
                add_comment(self.session, owner, action, self.rng.choice(DEMO_ACTION_COMMENTS))
            made.append(action)
        london = self.branches[0]
        made.append(
            raise_action(
                self.session,
                self.admin,
                london,
                title="Replace the faded window posters",
                description="Seen on the area walk; not from a visit.",
                due_on=self.today + timedelta(days=21),
                priority=ActionPriority.LOW,
                owner=london.contact,
                notify=False,
            )
        )
        return made

    @property
    def admin(self) -> User:
        return self.users[org_data.USERS[0].email]

    def shoppers(self, region_code: str | None = None) -> list[User]:
        """Demo shoppers, optionally only those sent to one region."""
        return [
            self.users[s.email]
            for s in org_data.USERS
            if s.role == "shopper" and (region_code is None or region_code in s.regions)
        ]

    def checklist(self) -> TemplateVersion:
        """The bundled checklist, imported and published as the admin."""
        return import_template(self.session, demo_checklist(), actor=self.admin, publish=True)

    def _days(self, month: int) -> list[date]:
        """Three or four distinct days in one 30-day window; the last window ends yesterday."""
        start = self.today - timedelta(days=(self.months - month) * DAYS_PER_MONTH)
        count = self.rng.choice((3, 3, 4))
        return sorted(start + timedelta(days=d) for d in self.rng.sample(range(DAYS_PER_MONTH), count))

    def _schedule(self, branch: Branch, version: TemplateVersion) -> list[tuple[int, date, User, Assignment]]:
        """The branch's past assignments (month, day, shopper), added in one go before the visits come in."""
        plan = []
        for month in range(self.months):
            for day in self._days(month):
                shopper = self.rng.choice(self.shoppers(branch.region.code))
                assignment = create_assignment(
                    self.session,
                    shopper=shopper,
                    branch=branch,
                    template=version.template,
                    due_from=day - timedelta(days=3),
                    due_to=day + timedelta(days=4),
                    assignment_id=new_uuid(self.rng),
                )
                plan.append((month, day, shopper, assignment))
        self.session.flush()
        return plan

    def history(self, version: TemplateVersion) -> None:
        """Visits per branch and month, each scheduled, recorded through record_visit, photos stored, approved."""
        maker = VisitMaker(self.rng, checklist_of(version), version.id)
        languages = {s.email: s.languages for s in org_data.USERS}
        photos, reviews, done = [], [], []
        limits = PhotoLimits.from_config(current_app.config)
        for index, branch in enumerate(self.branches):
            base, trend = self.rng.uniform(0.42, 0.95), self.rng.uniform(-0.05, 0.07)
            for month, day, shopper, assignment in self._schedule(branch, version):
                document, files = maker.document(
                    visit_id=new_uuid(self.rng),
                    assignment_id=assignment.id,
                    branch_id=branch.id,
                    day=day,
                    lat=branch.latitude,
                    lon=branch.longitude,
                    level=maker.quality(base, trend, month),
                    languages=languages[shopper.email],
                    branch_index=index,
                )
                finished = datetime.fromisoformat(document["finished_at"])
                visit = record_visit(
                    self.session,
                    shopper,
                    document,
                    status=VisitStatus.APPROVED,
                    limits=limits,
                    submitted_at=finished + timedelta(minutes=self.rng.randint(1, 30)),
                )
                photos += self._store_photos(visit, files, finished + timedelta(minutes=self.rng.randint(2, 90)))
                reviews.append(
                    {
                        "id": visit.id,
                        "reviewed_by_id": self.admin.id,
                        "reviewed_at": finished + timedelta(hours=self.rng.randint(4, 72)),
                    }
                )
                done.append({"id": assignment.id, "status": AssignmentStatus.DONE})
                self.visits.append(visit)
        # Upload and review state in three statements, not three per visit, so the demo loads in seconds.
        for model, rows in ((Photo, photos), (Visit, reviews), (Assignment, done)):
            if rows:
                self.session.execute(update(model), rows)

    def _store_photos(self, visit: Visit, files: list[PhotoFile], received: datetime) -> list[dict]:
        """Write the photo files and their renditions as if uploaded; returns the row updates that mark them complete.

        Each distinct picture is decoded once (as an upload would be); repeated pictures and their
        renditions are hard links to the first copy: creating files is the slow part of loading.
        """
        private_folder(self.storage / str(visit.id))
        layout = FilesystemStorage(self.storage)
        updates = []
        for photo, file in zip(visit.photos, files):
            key = photo_key(visit.id, photo.id)
            rendered = self._rendered.get(photo.sha256)
            if rendered is None:
                rendered = self._rendered[photo.sha256] = render_photo(
                    io.BytesIO(file.content), file.entry["content_type"], max_pixels()
                )
            for target, content, name in (
                (key, file.content, ""),
                (rendition_key(key, "page"), rendered.page, "page"),
                (rendition_key(key, "thumb"), rendered.thumb, "thumb"),
            ):
                self._write(layout.path(target), content, (photo.sha256, name))
            updates.append(
                {
                    "id": photo.id,
                    "storage_key": key,
                    "received_bytes": len(file.content),
                    "completed_at": received,
                    "width": rendered.width,
                    "height": rendered.height,
                    "page_key": rendition_key(key, "page"),
                    "thumb_key": rendition_key(key, "thumb"),
                }
            )
        return updates

    def _write(self, target: Path, content: bytes, same_as: tuple[str, str]) -> None:
        """Write `content` to `target`, as a hard link to the first file written with the same `same_as`."""
        first = self._written.setdefault(same_as, target)
        try:
            if first == target:
                raise OSError("first copy")
            os.link(first, target)
        except OSError:
            write_private_file(target, content)

    def not_completed(self, version: TemplateVersion) -> int:
        """One visit from yesterday the shopper could not complete (the shop was closed), waiting in the review queue;
        returns how many were added."""
        branch = self.branches[0]
        shopper = self.rng.choice(self.shoppers(branch.region.code))
        day = self.today - timedelta(days=1)
        assignment = create_assignment(
            self.session,
            shopper=shopper,
            branch=branch,
            template=version.template,
            due_from=day - timedelta(days=2),
            due_to=day + timedelta(days=3),
            assignment_id=new_uuid(self.rng),
        )
        started = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10, minutes=5)
        document = {
            "id": str(new_uuid(self.rng)),
            "template_version_id": version.id,
            "assignment_id": str(assignment.id),
            "branch_id": branch.id,
            "started_at": started.isoformat().replace("+00:00", "Z"),
            "finished_at": (started + timedelta(minutes=6)).isoformat().replace("+00:00", "Z"),
            "location": None
            if branch.latitude is None or branch.longitude is None
            else {"lat": branch.latitude, "lon": branch.longitude, "accuracy_m": 9.0},
            "outcome": {
                "status": "not_completed",
                "reason": "shop_closed",
                "comment": "Shutters down at 10:00; a sign said closed for stocktaking.",
            },
        }
        limits = PhotoLimits.from_config(current_app.config)
        record_visit(self.session, shopper, document, limits=limits, submitted_at=started + timedelta(minutes=20))
        return 1

    def upcoming(self, version: TemplateVersion) -> None:
        """Open assignments over the coming two weeks, for every shopper, in the regions they cover."""
        for shopper in self.shoppers():
            covers = next(s.regions for s in org_data.USERS if s.email == shopper.email)
            pool = [b for b in self.branches if b.region.code in covers]
            for branch in self.rng.sample(pool, OPEN_ASSIGNMENTS_PER_SHOPPER):
                start = self.today + timedelta(days=self.rng.randint(0, 9))
                end = min(start + timedelta(days=self.rng.randint(2, 5)), self.today + timedelta(days=14))
                create_assignment(
                    self.session,
                    shopper=shopper,
                    branch=branch,
                    template=version.template,
                    due_from=start,
                    due_to=end,
                    notes=self.rng.choice(ASSIGNMENT_NOTES),
                    assignment_id=new_uuid(self.rng),
                )
                self.open_assignments += 1
