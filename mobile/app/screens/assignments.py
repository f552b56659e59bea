"""The assignment list: visits needing correction first, then today's and upcoming visits, sync state, waiting
count, sync button and pull-to-refresh."""

from __future__ import annotations

from datetime import date

from kivy.input.motionevent import MotionEvent
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView
from kivy.utils import escape_markup

from mobile.store import AccountStore, Assignment, LocalVisit, NotFound, StoreError, VisitState

from ..confirm import confirm
from ..dates import moment
from ..due import shown_day, start_question
from ..i18n import _, count_text
from ..titles import checklist_titles, place
from .base import AppScreen, FitsContent
from .sent import reopen_for_correction

PULL_DISTANCE = dp(70)


class AssignmentRow(FitsContent, BoxLayout):
    """One assignment (or unfinished visit) in the RecycleView: branch, address, due window, status and a button."""

    assignment_id = StringProperty("")
    visit_id = StringProperty("")
    """Set (and assignment_id empty) for a draft whose assignment is gone: the button continues that visit."""
    title = StringProperty("")
    checklist = StringProperty("")
    """The checklist's name (the pulled version's title)."""
    address = StringProperty("")
    due = StringProperty("")
    status = StringProperty("")
    action = StringProperty("")


class CorrectionRow(FitsContent, BoxLayout):
    """A visit to correct: returned by the reviewer (with the note) or refused by the server (with the problem)."""

    visit_id = StringProperty("")
    title = StringProperty("")
    checklist = StringProperty("")
    note = StringProperty("")
    """Markup: the reviewer's note or the server's problem, every value escaped."""
    action = StringProperty("")


def correction_row(shop: AccountStore, visit: LocalVisit, checklists: dict[int, str]) -> dict[str, str]:
    """The Needs correction card of a returned or refused visit."""
    title, _address = place(shop, visit.branch_id)
    if visit.correctable:
        note = visit.server.review_note if visit.server is not None else ""
        text = _("Reviewer's note: {note}").format(note=escape_markup(note)) if note else _("Returned by the reviewer")
        action = _("Correct and resubmit")
    else:
        problem = visit.last_error or ""
        text = _("Refused by the server: {problem}").format(problem=escape_markup(problem)) if problem else ""
        text = text or _("Refused by the server")
        for path, messages in sorted(visit.field_errors.items()):
            text += "\n" + escape_markup(f"{path}: {'; '.join(messages)}")
        action = _("Fix and submit again")
    return {
        "viewclass": "CorrectionRow",
        "visit_id": visit.id,
        "title": escape_markup(title),
        "checklist": checklists.get(visit.template_version_id, ""),
        "note": text,
        "action": action,
    }


def due_text(item: Assignment) -> str:
    """The due window as a row shows it."""
    start, end = shown_day(item.due_from), shown_day(item.due_to)
    if start and end:
        return _("Due {start} to {end}").format(start=start, end=end)
    if end:
        return _("Due by {day}").format(day=end)
    return _("From {day}").format(day=start) if start else _("No due date")


class AssignmentsScreen(AppScreen):
    """Home screen after sign-in; the list is a RecycleView, so every visit is listed however many there are."""

    message = StringProperty("")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="assignments", **kwargs)

    def on_kv_post(self, base_widget: object) -> None:
        self.ids.scroller.bind(on_touch_down=self._pull_start, on_touch_up=self._pull_end)

    def on_pre_enter(self, *args: object) -> None:
        self.reload()

    def reload(self) -> None:
        """Rebuild the list's data from the store (cheap: one query per row; only visible rows get widgets)."""
        shop = self.shop
        if shop is None:
            return
        self.app.refresh_status()
        today = date.today().isoformat()
        checklists = checklist_titles(shop)
        to_correct = shop.drafts.needing_correction()
        groups: dict[str, list[dict[str, str]]] = {
            _("Needs correction"): [correction_row(shop, visit, checklists) for visit in to_correct],
            _("Today"): [],
            _("Upcoming"): [],
            _("Other unfinished visits"): [],
        }
        listed = {visit.assignment_id for visit in to_correct}  # listed once, in the group that asks for work
        for item in shop.pulled.assignments():
            if item.id in listed:
                continue
            listed.add(item.id)
            row = self._row(shop, item, checklists)
            groups[_("Upcoming") if item.due_from and item.due_from > today else _("Today")].append(row)
        for visit in shop.drafts.visits(["draft"]):
            if visit.assignment_id not in listed:  # ad hoc, or its assignment was withdrawn: never hide a draft
                groups[_("Other unfinished visits")].append(self._draft_row(shop, visit, checklists))
        data: list[dict[str, str]] = []
        for title, rows in groups.items():
            if rows:
                data.append({"viewclass": "ListHeading", "text": title})
                data += rows
        if not data:
            data.append(
                {
                    "viewclass": "ListText",
                    "text": _("No visits assigned to you. Pull down or tap Sync to check for new ones."),
                }
            )
        self.ids.scroller.data = data

    def _row(self, shop: AccountStore, item: Assignment, checklists: dict[int, str]) -> dict[str, str]:
        title, address = place(shop, item.branch_id)
        visit = shop.drafts.visit_for_assignment(item.id)
        if visit is None:
            status, action = _("Not started"), _("Start visit")
        elif visit.editable:
            status, action = self._progress(shop, visit), _("Continue visit")
        else:
            status, action = (
                {VisitState.OUTBOX: _("Finished, waiting to sync"), VisitState.SENT: _("Sent")}.get(
                    visit.state, _("Needs attention ({state})").format(state=visit.state)
                ),
                _("See sent visits"),
            )
        if item.notes:
            status += f" - {item.notes}"
        version = visit.template_version_id if visit is not None else item.template_version_id
        return {
            "viewclass": "AssignmentRow",
            "assignment_id": item.id,
            "visit_id": "",
            "title": title,
            "checklist": checklists.get(version, "") if version is not None else "",
            "address": address,
            "due": due_text(item),
            "status": status,
            "action": action,
        }

    def _draft_row(self, shop: AccountStore, visit: LocalVisit, checklists: dict[int, str]) -> dict[str, str]:
        title, address = place(shop, visit.branch_id)
        return {
            "viewclass": "AssignmentRow",
            "assignment_id": "",
            "visit_id": visit.id,
            "title": title,
            "checklist": checklists.get(visit.template_version_id, ""),
            "address": address,
            "due": _("Started {when}").format(when=moment(visit.started_at)),
            "status": self._progress(shop, visit),
            "action": _("Continue visit"),
        }

    @staticmethod
    def _progress(shop: AccountStore, visit: LocalVisit) -> str:
        saved = len(shop.drafts.answers(visit.id))
        if visit.base_revision is not None:
            return count_text(saved, "Correcting: {n} answer saved", "Correcting: {n} answers saved")
        return count_text(saved, "In progress: {n} answer saved", "In progress: {n} answers saved")

    def open_row(self, assignment_id: str, visit_id: str) -> None:
        """A row's button: continue the draft it names, else open (or start) the visit of its assignment."""
        if visit_id:
            self.app.open_visit(visit_id, 0)
        else:
            self.open_assignment(assignment_id)

    def open_assignment(self, assignment_id: str) -> None:
        """Continue the visit of this assignment, or start one (asking first when today is outside its window)."""
        visit = self.shop.drafts.visit_for_assignment(assignment_id)
        if visit is not None and not visit.editable:
            self.app.go("sent")
            return
        if visit is not None:
            self.app.open_visit(visit.id, 0)
            return
        try:
            item = self.shop.pulled.assignment(assignment_id)
        except NotFound as error:
            self.message = f"{error}."
            return
        question = start_question(item.due_from, item.due_to, self.app.devices.clock.now().astimezone().date())
        if question is None:
            self.start_visit(assignment_id)
        else:
            confirm(_("Outside the due dates"), question, _("Start anyway"), lambda: self.start_visit(assignment_id))

    def start_visit(self, assignment_id: str) -> None:
        """Start the assignment's visit now (time stamped with the device clock) and open it."""
        app = self.app
        app.devices.gps.start()
        try:
            visit = self.shop.drafts.start_visit(
                assignment_id, location=app.devices.gps.last, started_at=app.devices.clock.now()
            )
        except StoreError as error:
            self.message = f"{error}."
            return
        app.open_visit(visit.id, 0)

    def correct(self, visit_id: str) -> None:
        """A Needs correction card's button: reopen a returned visit, or edit a refused one again, and open it."""
        visit = self.shop.drafts.visit(visit_id)
        if visit.correctable:
            problem = reopen_for_correction(self.shop, visit_id)
        else:
            try:
                self.shop.drafts.edit_again(visit_id)
                problem = ""
            except StoreError as error:
                problem = str(error)
        if problem:
            self.message = problem
            self.reload()
            return
        self.app.open_visit(visit_id, 0)

    def _pull_start(self, scroller: ScrollView, touch: MotionEvent) -> None:
        """Pull-to-refresh, part 1: a touch that starts on the list while it shows its top."""
        if scroller.collide_point(*touch.pos) and scroller.scroll_y >= 0.999:
            touch.ud["fieldaudit_pull"] = touch.y

    def _pull_end(self, scroller: ScrollView, touch: MotionEvent) -> None:
        """Part 2: released far enough below where it started (Kivy's y grows upwards), so sync."""
        start = touch.ud.get("fieldaudit_pull")
        if start is not None and start - touch.y > PULL_DISTANCE:
            self.message = _("Checking for new visits...")
            self.app.syncer.start()
