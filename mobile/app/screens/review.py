"""Review and submit: missing answers (tap to jump there), the score preview from shared.scoring, then the outbox.

The preview shows only where the organisation allows it (PhoneSettings.show_score_preview, off for a mystery
shop: a shopper should not know the score they are giving)."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import BooleanProperty, StringProperty

from shared.errors import Issue
from shared.scoring import VisitScore

from ..confirm import confirm
from ..i18n import _, count_text
from .base import AppScreen

BACK_TO_LIST_S = 2.5
"""How long the Submitted confirmation shows before the list comes back (the shopper can tap on sooner)."""


def submit_question(photos_to_upload: int) -> str:
    """What Submit asks: how many of the visit's photos still have to go up, or that the visit is final."""
    if not photos_to_upload:
        return _("Submit this visit? You cannot change it afterwards unless the reviewer returns it.")
    return count_text(
        photos_to_upload,
        "Submit this visit? {n} photo still to upload; it is sent when you have signal.",
        "Submit this visit? {n} photos still to upload; they are sent when you have signal.",
    )


def submitted_text(online: bool) -> str:
    """The confirmation after Submit: sent now, or as soon as the phone has signal."""
    return _("Submitted. It is sent now.") if online else _("Submitted. It is sent as soon as you have signal.")


def plain(message: str) -> str:
    """The part of a shared validation message a shopper needs ("is required but has no answer" -> Not answered)."""
    reason = message.rsplit("): ", 1)[-1]
    if "required but has no answer" in reason:
        return _("Not answered yet")
    if "neither a value nor N/A" in reason:
        return _("Has a comment but no answer: answer it (or N/A), or clear the comment")
    return reason[:1].upper() + reason[1:]


def score_text(score: VisitScore) -> str:
    """The preview as the shopper reads it."""
    if score.percent is None:
        return _("This visit has no scored answers yet.")
    text = _("Score preview: {percent}  ({earned} of {possible} points)").format(
        percent=f"{score.percent:.1f}%", earned=f"{score.earned:g}", possible=f"{score.possible:g}"
    )
    if score.zeroed:
        text += "\n" + _("A critical question failed: the visit scores zero.")
    elif score.flagged:
        text += "\n" + _("A critical question failed: the visit will be flagged for review.")
    return text


class ReviewScreen(AppScreen):
    """Last step of a visit."""

    score = StringProperty("")
    summary = StringProperty("")
    message = StringProperty("")
    submitted = BooleanProperty(False)
    """The visit was just finished: the screen shows the confirmation, then goes back to the list."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="review", **kwargs)
        self.visit_id: str | None = None
        self.preview: VisitScore | None = None
        self.issues: list[Issue] = []

    def load(self, visit_id: str) -> None:
        self.visit_id, self.message, self.submitted = visit_id, "", False
        self.reload()

    def reload(self) -> None:
        """Recompute issues and, where the organisation shows it, the score from what is saved."""
        if self.visit_id is None or self.submitted:
            return
        shop = self.shop
        self.issues = shop.drafts.issues(self.visit_id)
        shown = shop.account.phone_settings.show_score_preview
        self.preview = shop.drafts.score_preview(self.visit_id) if shown else None
        self.score = score_text(self.preview) if self.preview is not None else ""
        box = self.ids.issues
        box.clear_widgets()
        if not self.issues:
            self.summary = _("Every required question is answered. Submit to send it with the next sync.")
            return
        self.summary = count_text(
            len(self.issues),
            "{n} thing to fix before you can submit. Tap it to go there.",
            "{n} things to fix before you can submit. Tap one to go there.",
        )
        visit = shop.drafts.visit(self.visit_id)
        checklist = shop.pulled.checklist(visit.template_version_id)
        for issue in self.issues:
            label = plain(issue.message)
            if issue.question and checklist.has_question(issue.question):
                section = checklist.section_of(issue.question).title
                label = f"{section}: {checklist.question(issue.question).text}\n> {label}"
            button = Factory.TouchButton(text=label, shorten=False, halign="left")
            button.bind(texture_size=lambda b, size: setattr(b, "height", max(dp(52), size[1] + dp(20))))
            button.bind(on_release=lambda *_, key=issue.question: self.jump(key))
            box.add_widget(button)

    def jump(self, key: str | None) -> None:
        self.manager.current = "visit"
        if key:
            self.manager.get_screen("visit").focus_question(key)

    def back(self) -> None:
        """Back to the visit to change answers; once submitted, back to the list (the visit is frozen)."""
        if self.submitted:
            self.to_list()
            return
        self.manager.current = "visit"

    def submit(self) -> None:
        """Submit: after the confirmation, back to the list; else ask first (with the photos still to upload)."""
        if self.submitted:
            self.to_list()
            return
        self.reload()
        if self.issues:
            self.message = _("Not submitted yet: fix the items listed above.")
            return
        waiting = sum(1 for photo in self.shop.drafts.photos(self.visit_id) if not photo.uploaded)
        confirm(_("Submit visit"), submit_question(waiting), _("Submit"), self.finish, no_label=_("Not yet"))

    def finish(self) -> None:
        """Validate and freeze the visit into the outbox, with finish time and position from the facades."""
        app = self.app
        result = self.shop.drafts.finish_visit(
            self.visit_id, location=app.devices.gps.last, finished_at=app.devices.clock.now()
        )
        if not result.ok:
            self.reload()
            self.message = _("Not submitted yet: fix the items listed above.")
            return
        app.devices.gps.stop()
        app.resume.set(visit_id=None, section=None, last_submitted=self.visit_id)
        app.refresh_status()
        app.syncer.visit_submitted()
        # -- a visit was finished: one place for what follows a successful finish --
        self.show_submitted()

    def show_submitted(self) -> None:
        """The clear Sent state: what happens to the visit now, then the list by itself (or on a tap)."""
        self.submitted = True
        self.ids.issues.clear_widgets()
        self.score, self.message = "", ""
        self.summary = submitted_text(self.app.syncer.online == "online")
        Clock.schedule_once(lambda dt: self.to_list(), BACK_TO_LIST_S)

    def to_list(self) -> None:
        """Leave the confirmation for the list (once, whether by the timer or the button)."""
        if self.submitted and self.manager.current == "review":
            self.app.go("assignments")
