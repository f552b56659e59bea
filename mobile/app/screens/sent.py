"""Sent visits: what the server holds (status, score where the organisation shows it, photos awaited, reviewer's
note); correct returned visits."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from mobile.store import AccountStore, LocalVisit, StoreError, VisitState

from ..i18n import _
from ..visit_end import reason_text
from .base import AppScreen, FitsContent

STATE_TEXT = {
    VisitState.OUTBOX: "Waiting to sync (kept safely on this phone)",
    VisitState.SENT: "On the server",
    VisitState.AWAITING_PHOTOS: "On the server; photos still uploading",
    VisitState.CONFLICT: "Conflict: the server holds different content. Contact your coordinator.",
    VisitState.INVALID: "Refused by the server: fix the answers and submit again",
    VisitState.ERROR: "Refused by the server",
}


def describe(shop: AccountStore, visit: LocalVisit, show_score: bool) -> str:
    """Several lines about one visit, as Kivy markup (every value escaped); the score only where the organisation
    shows it."""
    try:
        branch = shop.pulled.branch(visit.branch_id).name
    except Exception:  # noqa: BLE001
        branch = f"Branch {visit.branch_id}"
    when = (visit.finished_at or visit.started_at).astimezone().strftime("%d %b %H:%M")
    state = STATE_TEXT.get(visit.state, str(visit.state))
    lines = [f"[b]{escape_markup(branch)}[/b]  -  {when}", escape_markup(state)]
    if not visit.outcome.completed:
        outcome = _("Could not complete: {reason}").format(reason=reason_text(visit.outcome.reason))
        if visit.outcome.comment:
            outcome += f" - {visit.outcome.comment}"
        lines.append(f"[color=#ff9f80]{escape_markup(outcome)}[/color]")
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


class SentCard(FitsContent, BoxLayout):
    """One finished visit in the RecycleView: what the server holds, and the buttons its state allows."""

    visit_id = StringProperty("")
    text = StringProperty("")
    """Kivy markup: describe() escapes every value."""
    correctable = BooleanProperty(False)
    editable = BooleanProperty(False)
    """Refused (invalid or error): the shopper can edit it again."""
    resendable = BooleanProperty(False)
    """Refused with an error: it can also be sent again unchanged."""


def card_data(shop: AccountStore, visit: LocalVisit, show_score: bool) -> dict[str, object]:
    """The RecycleView item of one visit (SentCard's properties)."""
    refused = visit.state in (VisitState.INVALID, VisitState.ERROR)
    return {
        "viewclass": "SentCard",
        "visit_id": visit.id,
        "text": describe(shop, visit, show_score),
        "correctable": visit.correctable,
        "editable": not visit.correctable and refused,
        "resendable": not visit.correctable and visit.state is VisitState.ERROR,
    }


class SentScreen(AppScreen):
    """Finished visits, newest first, all of them (a RecycleView makes widgets only for those on screen)."""

    message = StringProperty("")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="sent", **kwargs)

    def on_pre_enter(self, *args: object) -> None:
        self.reload()

    def reload(self) -> None:
        shop = self.shop
        visits = [v for v in shop.drafts.visits() if v.state is not VisitState.DRAFT]
        show_score = shop.account.phone_settings.show_score_preview
        self.message = "" if visits else "No finished visits yet."
        self.ids.visits.data = [card_data(shop, visit, show_score) for visit in visits]

    def correct(self, visit_id: str) -> None:
        """Reopen a returned visit as a draft (same id, next revision) and go to its first section."""
        try:
            self.shop.drafts.reopen_for_correction(visit_id)
        except StoreError as error:
            self.message = str(error)
            return
        self.app.open_visit(visit_id, 0)

    def send_again(self, visit_id: str) -> None:
        """Queue a refused visit again (the cause was fixed on the server) and sync."""
        self.shop.drafts.requeue(visit_id)
        self.reload()
        self.app.syncer.start()

    def edit(self, visit_id: str) -> None:
        self.shop.drafts.edit_again(visit_id)
        self.app.open_visit(visit_id, 0)
