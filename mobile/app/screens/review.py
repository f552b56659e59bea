"""Review and submit: missing answers (tap to jump there), the score preview from shared.scoring, then the outbox.

The preview shows only where the organisation allows it (PhoneSettings.show_score_preview, off for a mystery
shop: a shopper should not know the score they are giving)."""

from __future__ import annotations

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import StringProperty

from shared.errors import Issue
from shared.scoring import VisitScore

from .base import AppScreen


def plain(message: str) -> str:
    """The part of a shared validation message a shopper needs ("is required but has no answer" -> Not answered)."""
    reason = message.rsplit("): ", 1)[-1]
    if "required but has no answer" in reason:
        return "Not answered yet"
    if "neither a value nor N/A" in reason:
        return "Has a comment but no answer: answer it (or N/A), or clear the comment"
    return reason[:1].upper() + reason[1:]


def score_text(score: VisitScore) -> str:
    """The preview as the shopper reads it."""
    if score.percent is None:
        return "This visit has no scored answers yet."
    text = f"Score preview: {score.percent:.1f}%  ({score.earned:g} of {score.possible:g} points)"
    if score.zeroed:
        text += "\nA critical question failed: the visit scores zero."
    elif score.flagged:
        text += "\nA critical question failed: the visit will be flagged for review."
    return text


class ReviewScreen(AppScreen):
    """Last step of a visit."""

    score = StringProperty("")
    summary = StringProperty("")
    message = StringProperty("")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="review", **kwargs)
        self.visit_id: str | None = None
        self.preview: VisitScore | None = None
        self.issues: list[Issue] = []

    def load(self, visit_id: str) -> None:
        self.visit_id, self.message = visit_id, ""
        self.reload()

    def reload(self) -> None:
        """Recompute issues and, where the organisation shows it, the score from what is saved."""
        if self.visit_id is None:
            return
        shop = self.shop
        self.issues = shop.drafts.issues(self.visit_id)
        shown = shop.account.phone_settings.show_score_preview
        self.preview = shop.drafts.score_preview(self.visit_id) if shown else None
        self.score = score_text(self.preview) if self.preview is not None else ""
        box = self.ids.issues
        box.clear_widgets()
        if not self.issues:
            self.summary = "Every required question is answered. Submit to send it with the next sync."
            return
        self.summary = f"{len(self.issues)} thing(s) to fix before you can submit. Tap one to go there."
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
        self.manager.current = "visit"

    def submit(self) -> None:
        """Validate and freeze the visit into the outbox, with finish time and position from the facades."""
        app = self.app
        result = self.shop.drafts.finish_visit(
            self.visit_id, location=app.devices.gps.last, finished_at=app.devices.clock.now()
        )
        if not result.ok:
            self.reload()
            self.message = "Not submitted yet: fix the items listed above."
            return
        app.devices.gps.stop()
        app.resume.set(visit_id=None, section=None, last_submitted=self.visit_id)
        app.go("assignments")
        app.refresh_status()
        app.syncer.visit_submitted()
