"""The assignment list: today's and upcoming visits, sync state, waiting count, sync button and pull-to-refresh."""

from __future__ import annotations

from datetime import date

from kivy.input.motionevent import MotionEvent
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView

from mobile.store import AccountStore, Assignment, LocalVisit, NotFound, StoreError

from .base import AppScreen, FitsContent

PULL_DISTANCE = dp(70)


class AssignmentRow(FitsContent, BoxLayout):
    """One assignment (or unfinished visit) in the RecycleView: branch, address, due window, status and a button."""

    assignment_id = StringProperty("")
    visit_id = StringProperty("")
    """Set (and assignment_id empty) for a draft whose assignment is gone: the button continues that visit."""
    title = StringProperty("")
    address = StringProperty("")
    due = StringProperty("")
    status = StringProperty("")
    action = StringProperty("Start visit")


def due_text(item: Assignment) -> str:
    if item.due_from and item.due_to:
        return f"Due {item.due_from} to {item.due_to}"
    return f"Due by {item.due_to}" if item.due_to else (f"From {item.due_from}" if item.due_from else "No due date")


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
        groups: dict[str, list[dict[str, str]]] = {"Today": [], "Upcoming": [], "Other unfinished visits": []}
        listed = set()
        for item in shop.pulled.assignments():
            listed.add(item.id)
            row = self._row(shop, item)
            groups["Upcoming" if item.due_from and item.due_from > today else "Today"].append(row)
        for visit in shop.drafts.visits(["draft"]):
            if visit.assignment_id not in listed:  # ad hoc, or its assignment was withdrawn: never hide a draft
                groups["Other unfinished visits"].append(self._draft_row(shop, visit))
        data: list[dict[str, str]] = []
        for title, rows in groups.items():
            if rows:
                data.append({"viewclass": "ListHeading", "text": title})
                data += rows
        if not data:
            data.append(
                {
                    "viewclass": "ListText",
                    "text": "No visits assigned to you. Pull down or tap Sync to check for new ones.",
                }
            )
        self.ids.scroller.data = data

    def _row(self, shop: AccountStore, item: Assignment) -> dict[str, str]:
        try:
            branch = shop.pulled.branch(item.branch_id)
            title, address = f"{branch.name} ({branch.code})", branch.address
        except NotFound:
            title, address = f"Branch {item.branch_id}", ""
        visit = shop.drafts.visit_for_assignment(item.id)
        if visit is None:
            status, action = "Not started", "Start visit"
        elif visit.editable:
            status, action = f"In progress: {len(shop.drafts.answers(visit.id))} answers saved", "Continue visit"
        else:
            status, action = (
                {"outbox": "Finished, waiting to sync", "sent": "Sent"}.get(
                    str(visit.state), f"Needs attention ({visit.state})"
                ),
                "See sent visits",
            )
        if item.notes:
            status += f" - {item.notes}"
        return {
            "viewclass": "AssignmentRow",
            "assignment_id": item.id,
            "visit_id": "",
            "title": title,
            "address": address,
            "due": due_text(item),
            "status": status,
            "action": action,
        }

    def _draft_row(self, shop: AccountStore, visit: LocalVisit) -> dict[str, str]:
        try:
            branch = shop.pulled.branch(visit.branch_id)
            title, address = f"{branch.name} ({branch.code})", branch.address
        except NotFound:
            title, address = f"Branch {visit.branch_id}", ""
        return {
            "viewclass": "AssignmentRow",
            "assignment_id": "",
            "visit_id": visit.id,
            "title": title,
            "address": address,
            "due": f"Started {visit.started_at.astimezone():%d %b %H:%M}",
            "status": f"In progress: {len(shop.drafts.answers(visit.id))} answers saved",
            "action": "Continue visit",
        }

    def open_row(self, assignment_id: str, visit_id: str) -> None:
        """A row's button: continue the draft it names, else open (or start) the visit of its assignment."""
        if visit_id:
            self.app.open_visit(visit_id, 0)
        else:
            self.open_assignment(assignment_id)

    def open_assignment(self, assignment_id: str) -> None:
        """Continue the visit of this assignment, or start one (time stamped with the device clock)."""
        app = self.app
        visit = self.shop.drafts.visit_for_assignment(assignment_id)
        if visit is not None and not visit.editable:
            app.go("sent")
            return
        if visit is None:
            app.devices.gps.start()
            try:
                visit = self.shop.drafts.start_visit(
                    assignment_id, location=app.devices.gps.last, started_at=app.devices.clock.now()
                )
            except StoreError as error:
                self.message = f"{error}."
                return
        app.open_visit(visit.id, 0)

    def _pull_start(self, scroller: ScrollView, touch: MotionEvent) -> None:
        """Pull-to-refresh, part 1: a touch that starts on the list while it shows its top."""
        if scroller.collide_point(*touch.pos) and scroller.scroll_y >= 0.999:
            touch.ud["fieldaudit_pull"] = touch.y

    def _pull_end(self, scroller: ScrollView, touch: MotionEvent) -> None:
        """Part 2: released far enough below where it started (Kivy's y grows upwards), so sync."""
        start = touch.ud.get("fieldaudit_pull")
        if start is not None and start - touch.y > PULL_DISTANCE:
            self.message = "Checking for new visits..."
            self.app.syncer.start()
