"""Ending a visit early from the visit screen: discard a draft never sent, or send it as "could not complete" with a
reason; the row with both buttons and their two popups (kv/visit_end.kv)."""

from __future__ import annotations

from collections.abc import Callable

from kivy.factory import Factory
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.popup import Popup

from mobile.store import FinishResult
from shared.visit import NOT_COMPLETED_REASONS, OUTCOME_COMMENT_LIMIT

from .i18n import _


def reason_text(reason: str | None) -> str:
    """A not-completed reason as the shopper reads it, in their language."""
    texts = {
        "shop_closed": _("Shop closed"),
        "refused_entry": _("Refused entry"),
        "branch_not_found": _("Branch not found or moved"),
        "unsafe": _("Unsafe to visit"),
        "other": _("Other"),
    }
    return texts.get(reason or "", reason or "")


def outcome_problem(reason: str | None, comment: str) -> str:
    """Why the chosen reason and comment cannot be sent yet (empty when they can)."""
    if reason not in NOT_COMPLETED_REASONS:
        return _("Choose why the visit could not be completed.")
    if reason == "other" and not comment.strip():
        return _("Say what happened: a comment is required for Other.")
    if len(comment) > OUTCOME_COMMENT_LIMIT:
        return _("The comment is too long: at most {limit} characters.").format(limit=OUTCOME_COMMENT_LIMIT)
    return ""


class VisitEndRow(BoxLayout):
    """ "Discard visit" (only for a draft never sent) and "Could not complete", below the questions."""

    discardable = BooleanProperty(False)


class DiscardPopup(Popup):
    """Asks before deleting a draft: Cancel keeps it, Discard deletes it from the phone."""

    def __init__(self, on_confirm: Callable[[], None], **kwargs: object) -> None:
        self.on_confirm = on_confirm
        super().__init__(**kwargs)

    def confirm(self) -> None:
        self.dismiss()
        self.on_confirm()


class NotCompletedPopup(Popup):
    """A reason (large toggle buttons) and a comment; confirming sends the visit as not completed."""

    error = StringProperty("")

    def __init__(self, on_confirm: Callable[[str, str], FinishResult], **kwargs: object) -> None:
        self.on_confirm = on_confirm
        super().__init__(**kwargs)
        self.reason: str | None = None
        self.toggles = {}
        for reason in NOT_COMPLETED_REASONS:
            toggle = Factory.ReasonToggle(text=reason_text(reason), group=f"not-completed-{id(self)}")
            toggle.bind(on_release=lambda button, chosen=reason: self.choose(chosen, button.state == "down"))
            self.toggles[reason] = toggle
            self.ids.reasons.add_widget(toggle)

    def choose(self, reason: str, chosen: bool) -> None:
        self.reason = reason if chosen else None
        self.error = ""

    def confirm(self) -> None:
        """Check the choice here (a readable message), then let the screen finish the visit."""
        comment = self.ids.comment.text
        self.error = outcome_problem(self.reason, comment)
        if self.error or self.reason is None:
            return
        result = self.on_confirm(self.reason, comment.strip())
        if result.ok:
            self.dismiss()
        else:
            self.error = "; ".join(issue.message for issue in result.issues)
