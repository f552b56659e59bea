"""Sent visits: what the server holds (status, score where the organisation shows it, photos awaited, reviewer's
note); correct returned visits."""

from __future__ import annotations

from kivy.app import App
from kivy.factory import Factory
from kivy.uix.screenmanager import Screen
from kivy.utils import escape_markup

from mobile.store import LocalVisit, StoreError, VisitState

SHOWN = 100
"""Most recent visits listed (a phone holding months of visits stays quick)."""

STATE_TEXT = {
    VisitState.OUTBOX: "Waiting to sync (kept safely on this phone)",
    VisitState.SENT: "On the server",
    VisitState.AWAITING_PHOTOS: "On the server; photos still uploading",
    VisitState.CONFLICT: "Conflict: the server holds different content. Contact your coordinator.",
    VisitState.INVALID: "Refused by the server: fix the answers and submit again",
    VisitState.ERROR: "Refused by the server",
}


def describe(shop, visit: LocalVisit, show_score: bool) -> str:
    """Several lines about one visit, as Kivy markup (every value escaped); the score only where the organisation shows it."""
    try:
        branch = shop.pulled.branch(visit.branch_id).name
    except Exception:  # noqa: BLE001
        branch = f"Branch {visit.branch_id}"
    when = (visit.finished_at or visit.started_at).astimezone().strftime("%d %b %H:%M")
    state = STATE_TEXT.get(visit.state, str(visit.state))
    lines = [f"[b]{escape_markup(branch)}[/b]  -  {when}", escape_markup(state)]
    server = visit.server
    if server is not None:
        status = {"returned": "Returned for correction"}.get(server.status or "", (server.status or "").capitalize())
        if show_score:
            score = "not scored" if server.score_percent is None else f"{server.score_percent:.1f}%"
            lines.append(f"Status: {escape_markup(status)}  -  score {score}")
        else:
            lines.append(f"Status: {escape_markup(status)}")
        if server.missing_photos:
            lines.append(f"{len(server.missing_photos)} photo(s) still to upload")
        if server.review_note:
            lines.append(f"Reviewer's note: {escape_markup(server.review_note)}")
    if visit.last_error:
        lines.append(f"Problem: {escape_markup(visit.last_error)}")
    return "\n".join(lines)


class SentScreen(Screen):
    """Finished visits, newest first."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="sent", **kwargs)

    def on_pre_enter(self, *args: object) -> None:
        self.reload()

    def reload(self) -> None:
        app = App.get_running_app()
        box = self.ids.visits
        box.clear_widgets()
        visits = [v for v in app.shop.drafts.visits() if v.state is not VisitState.DRAFT]
        show_score = app.shop.account.phone_settings.show_score_preview
        if not visits:
            box.add_widget(Factory.Wrapped(text="No finished visits yet."))
        if len(visits) > SHOWN:
            box.add_widget(Factory.Muted(text=f"The {SHOWN} most recent of {len(visits)} visits."))
        for visit in visits[:SHOWN]:
            card = Factory.Card()
            card.add_widget(Factory.Wrapped(text=describe(app.shop, visit, show_score), markup=True))
            if visit.correctable:
                button = Factory.PrimaryButton(text="Correct and resubmit")
                button.bind(on_release=lambda *_, vid=visit.id: self.correct(vid))
                card.add_widget(button)
            elif visit.state in (VisitState.INVALID, VisitState.ERROR):
                button = Factory.TouchButton(text="Edit again")
                button.bind(on_release=lambda *_, vid=visit.id: self.edit(vid))
                card.add_widget(button)
                if visit.state is VisitState.ERROR:
                    again = Factory.TouchButton(text="Send again unchanged")
                    again.bind(on_release=lambda *_, vid=visit.id: self.send_again(vid))
                    card.add_widget(again)
            box.add_widget(card)

    def correct(self, visit_id: str) -> None:
        """Reopen a returned visit as a draft (same id, next revision) and go to its first section."""
        app = App.get_running_app()
        try:
            app.shop.drafts.reopen_for_correction(visit_id)
        except StoreError as error:
            box = self.ids.visits
            box.add_widget(Factory.Wrapped(text=str(error)), index=len(box.children))
            return
        app.open_visit(visit_id, 0)

    def send_again(self, visit_id: str) -> None:
        """Queue a refused visit again (the cause was fixed on the server) and sync."""
        app = App.get_running_app()
        app.shop.drafts.requeue(visit_id)
        self.reload()
        app.start_sync()

    def edit(self, visit_id: str) -> None:
        app = App.get_running_app()
        app.shop.drafts.edit_again(visit_id)
        app.open_visit(visit_id, 0)
