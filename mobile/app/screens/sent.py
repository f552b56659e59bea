"""Sent visits: what the server holds (status, score where the organisation shows it, photos awaited, reviewer's
note); correct returned visits."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from mobile.store import AccountStore, LocalVisit, StoreError, VisitState

from ..correction import needs_correction
from ..dates import moment
from ..i18n import N_, _, count_text
from ..running import running_app
from ..titles import checklist_titles, place
from ..visit_end import reason_text
from .base import AppScreen, FitsContent

STATE_TEXT = {
    VisitState.OUTBOX: N_("Waiting to sync (kept safely on this phone)"),
    VisitState.SENT: N_("On the server"),
    VisitState.AWAITING_PHOTOS: N_("On the server; photos still uploading"),
    VisitState.CONFLICT: N_("Conflict: the server holds different content. Contact your coordinator."),
    VisitState.INVALID: N_("Refused by the server: fix the answers and submit again"),
    VisitState.ERROR: N_("Refused by the server"),
}
"""Where a finished visit stands on this phone (translated where shown)."""
SERVER_STATUS_TEXT = {
    "submitted": N_("Submitted"),
    "awaiting_photos": N_("Waiting for photos"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "returned": N_("Returned for correction"),
}
"""The review status the server reports (translated where shown)."""


def describe(shop: AccountStore, visit: LocalVisit, show_score: bool, checklists: dict[int, str] | None = None) -> str:
    """Several lines about one visit, as Kivy markup (every value escaped); the score only where the organisation
    shows it."""
    branch, _address = place(shop, visit.branch_id, limit=None)  # a card wraps: the whole name
    if checklists is None:
        checklists = checklist_titles(shop)
    when = moment(visit.finished_at or visit.started_at)
    state = _(STATE_TEXT[visit.state]) if visit.state in STATE_TEXT else str(visit.state)
    lines = [f"[b]{escape_markup(branch)}[/b]  -  {when}"]
    checklist = checklists.get(visit.template_version_id)
    if checklist:
        lines.append(escape_markup(checklist))
    lines.append(escape_markup(state))
    if not visit.outcome.completed:
        outcome = _("Could not complete: {reason}").format(reason=reason_text(visit.outcome.reason))
        if visit.outcome.comment:
            outcome += f" - {visit.outcome.comment}"
        lines.append(f"[color={running_app().theme.hex('warning')}]{escape_markup(outcome)}[/color]")
    server = visit.server
    if server is not None:
        known = SERVER_STATUS_TEXT.get(server.status or "")
        status = _(known) if known else (server.status or "").capitalize()
        if show_score:
            score = _("not scored") if server.score_percent is None else f"{server.score_percent:.1f}%"
            lines.append(_("Status: {status}  -  score {score}").format(status=escape_markup(status), score=score))
        else:
            lines.append(_("Status: {status}").format(status=escape_markup(status)))
        if server.missing_photos:
            lines.append(
                count_text(len(server.missing_photos), "{n} photo still to upload", "{n} photos still to upload")
            )
        if visit.last_error:
            lines.append(_("Problem: {problem}").format(problem=escape_markup(visit.last_error)))
        if server.review_note:
            lines.append(_("Reviewer's note: {note}").format(note=escape_markup(server.review_note)))
    elif visit.last_error:
        lines.append(_("Problem: {problem}").format(problem=escape_markup(visit.last_error)))
    return "\n".join(lines)


def attention_first(visits: list[LocalVisit]) -> list[LocalVisit]:
    """Returned, refused and conflicting visits first, each part in the order given (newest first from the store)."""
    return sorted(visits, key=lambda v: not (needs_correction(v) or v.state is VisitState.CONFLICT))


def reopen_for_correction(shop: AccountStore, visit_id: str) -> str:
    """Reopen a returned visit as a draft (same id, next revision); the problem in words, empty when it worked."""
    try:
        shop.drafts.reopen_for_correction(visit_id)
    except StoreError as error:
        return str(error)
    return ""


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


def card_data(
    shop: AccountStore, visit: LocalVisit, show_score: bool, checklists: dict[int, str] | None = None
) -> dict[str, object]:
    """The RecycleView item of one visit (SentCard's properties)."""
    refused = visit.state in (VisitState.INVALID, VisitState.ERROR)
    return {
        "viewclass": "SentCard",
        "visit_id": visit.id,
        "text": describe(shop, visit, show_score, checklists),
        "correctable": visit.correctable,
        "editable": not visit.correctable and refused,
        "resendable": not visit.correctable and visit.state is VisitState.ERROR,
    }


class SentScreen(AppScreen):
    """Finished visits, all of them (a RecycleView makes widgets only for those on screen): returned and refused
    ones first, then newest first by the visit's date."""

    message = StringProperty("")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="sent", **kwargs)

    def on_pre_enter(self, *args: object) -> None:
        self.reload()

    def reload(self) -> None:
        shop = self.shop
        visits = attention_first([v for v in shop.drafts.visits() if v.state is not VisitState.DRAFT])
        show_score = shop.account.phone_settings.show_score_preview
        checklists = checklist_titles(shop)
        self.message = "" if visits else _("No finished visits yet.")
        self.ids.visits.data = [card_data(shop, visit, show_score, checklists) for visit in visits]

    def correct(self, visit_id: str) -> None:
        """Reopen a returned visit as a draft (same id, next revision) and go to its first section."""
        problem = reopen_for_correction(self.shop, visit_id)
        if problem:
            self.message = problem
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
