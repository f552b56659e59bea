"""The visit: one section at a time with progress; answers save as given and visible_if applies live. A correction
shows the reviewer's note pinned above the questions, and the questions it names highlighted."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.utils import escape_markup

from mobile.store import AccountStore, FinishResult, LocalVisit
from shared.checklist import Checklist
from shared.visibility import visible_questions
from shared.visit import Answer

from ..correction import is_correction, named_questions
from ..i18n import _, ngettext
from ..inputs import make_input
from ..questions import QuestionCard
from ..visit_end import DiscardPopup, NotCompletedPopup
from .base import AppScreen


def answered_keys(shop: AccountStore, visit_id: str) -> set[str]:
    """Questions with a value, an N/A or (photo questions) at least one photo."""
    keys = {k for k, a in shop.drafts.answers(visit_id).items() if a.na or a.value not in (None, "")}
    return keys | {p.question for p in shop.drafts.photos(visit_id)}


class VisitScreen(AppScreen):
    """Shows the current section's visible questions; Previous / Next / Review at the bottom."""

    section_index = NumericProperty(0)
    section_count = NumericProperty(1)
    section_title = StringProperty("")
    visit_title = StringProperty("")
    """The branch's name (the top bar shortens it at its end; the code beside it is never cut)."""
    branch_code = StringProperty("")
    checklist_title = StringProperty("")
    review_note = StringProperty("")
    """Markup (escaped): the reviewer's note while this visit is a correction, pinned above every section."""
    progress_text = StringProperty("")
    progress = NumericProperty(0)
    discardable = BooleanProperty(False)
    """A draft never sent: "Discard visit" shows (a correction cannot be discarded, the server holds the visit)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="visit", **kwargs)
        self.visit_id: str | None = None
        self.checklist: Checklist | None = None
        self.cards: dict[str, QuestionCard] = {}
        self._visible: frozenset[str] = frozenset()
        self.named: frozenset[str] = frozenset()
        """The questions the reviewer's note names (highlighted on their cards)."""

    def load(self, visit_id: str, section: int = 0) -> None:
        """Open a draft at a section (clamped to the checklist)."""
        self.app.devices.gps.start()
        visit = self.shop.drafts.visit(visit_id)
        self.visit_id, self.checklist = visit_id, self.shop.pulled.checklist(visit.template_version_id)
        try:
            branch = self.shop.pulled.branch(visit.branch_id)
            self.visit_title, self.branch_code = branch.name, branch.code
        except Exception:  # noqa: BLE001 - a withdrawn branch still lets the visit be finished
            self.visit_title, self.branch_code = _("Branch {id}").format(id=visit.branch_id), ""
        self.checklist_title = self.checklist.title
        note = self._correction_note(visit)
        self.named = named_questions(note, self.checklist)
        self.review_note = _("Reviewer's note: {note}").format(note=escape_markup(note)) if note else ""
        self.discardable = visit.discardable
        self.section_count = len(self.checklist.sections)
        self.show_section(section)

    @staticmethod
    def _correction_note(visit: LocalVisit) -> str:
        """The reviewer's note of a visit being corrected; empty for a first revision."""
        if not is_correction(visit) or visit.server is None:
            return ""
        return visit.server.review_note.strip()

    def reload(self) -> None:
        if self.visit_id is not None and self.manager.current == "visit":
            self._update_progress()

    def _loaded(self) -> tuple[str, Checklist]:
        """The open visit's id and checklist; everything but load() runs on a loaded visit."""
        assert self.visit_id is not None and self.checklist is not None, "no visit is loaded"
        return self.visit_id, self.checklist

    def show_section(self, index: int) -> None:
        """Build the section's cards; remember the place so a killed app comes back here."""
        app, shop = self.app, self.shop
        visit_id, checklist = self._loaded()
        index = max(0, min(int(index), self.section_count - 1))
        self.section_index = index
        app.resume.set(visit_id=visit_id, section=index)
        section = checklist.sections[index]
        self.section_title = section.title
        answers = shop.drafts.answers(visit_id)
        visit = shop.drafts.visit(visit_id)
        errors = visit.field_errors
        if visit.location is None and app.devices.gps.last is not None:
            shop.drafts.set_location(visit_id, app.devices.gps.last)  # the first fix arrived after the start
        self._visible = self._compute_visible()
        box = self.ids.questions
        box.clear_widgets()
        self.cards = {}
        for question in section.questions:
            if question.key not in self._visible:
                continue
            card = QuestionCard(
                shop,
                visit_id,
                question,
                answers.get(question.key),
                self._saved,
                [m for path, msgs in errors.items() if question.key in path for m in msgs],
                make_input=make_input,
            )
            card.highlighted = question.key in self.named
            self.cards[question.key] = card
            box.add_widget(card)
        self.ids.scroller.scroll_y = 1
        self._update_progress()

    def _compute_visible(self) -> frozenset[str]:
        shop = self.shop
        visit_id, checklist = self._loaded()
        answers = {k: Answer(k, a.value, a.na, a.comment) for k, a in shop.drafts.answers(visit_id).items()}
        return visible_questions(checklist, answers)

    def _saved(self, key: str) -> None:
        """After every save: re-apply visible_if (rebuild the section if it changed) and update progress."""
        visible = self._compute_visible()
        if visible != self._visible:
            self._visible = visible
            _visit_id, checklist = self._loaded()
            section_keys = {q.key for q in checklist.sections[self.section_index].questions}
            if (visible & section_keys) != set(self.cards):
                Clock.schedule_once(lambda dt: self._rebuild_keeping_scroll())
        self._update_progress()

    def _rebuild_keeping_scroll(self) -> None:
        scroll = self.ids.scroller.scroll_y
        self.show_section(self.section_index)
        self.ids.scroller.scroll_y = scroll

    def _update_progress(self) -> None:
        shop = self.shop
        visit_id, _checklist = self._loaded()
        visible = self._visible
        done = len(answered_keys(shop, visit_id) & visible)
        self.progress = 100 * done / len(visible) if visible else 100
        section = _("Section {number} of {count}").format(number=self.section_index + 1, count=self.section_count)
        answered = ngettext("{done} of {n} question answered", "{done} of {n} questions answered", len(visible))
        self.progress_text = f"{section}  ·  {answered.format(done=done, n=len(visible))}"

    def focus_question(self, key: str) -> None:
        """Jump to a question (from the review list): its section, scrolled into view."""
        _visit_id, checklist = self._loaded()
        self.show_section(checklist.sections.index(checklist.section_of(key)))
        card = self.cards.get(key)
        if card is not None:
            Clock.schedule_once(lambda dt: self.ids.scroller.scroll_to(card, padding=20, animate=False), 0.05)

    def next(self) -> None:
        if self.section_index + 1 < self.section_count:
            self.show_section(self.section_index + 1)
        else:
            self.review()

    def previous(self) -> None:
        self.show_section(self.section_index - 1)

    def review(self) -> None:
        self.app.open_review(self.visit_id)

    def leave(self) -> None:
        self.app.go("assignments")

    def ask_discard(self) -> None:
        """Confirm first: a discarded draft is gone from the phone and never sent."""
        DiscardPopup(on_confirm=self.discard).open()

    def discard(self) -> None:
        """Delete the draft with its photos; its assignment shows "Not started" again."""
        app = self.app
        self.shop.drafts.discard_visit(self._loaded()[0])
        self.visit_id = None
        app.devices.gps.stop()
        app.resume.set(visit_id=None, section=None)
        app.go("assignments")
        app.refresh_status()

    def ask_not_completed(self) -> None:
        """Choose why the visit could not be completed, then send it so."""
        NotCompletedPopup(on_confirm=self.finish_not_completed).open()

    def finish_not_completed(self, reason: str, comment: str) -> FinishResult:
        """Queue the visit as not completed (times and GPS kept, answers and photos deleted) and sync."""
        app = self.app
        visit_id = self._loaded()[0]
        result = self.shop.drafts.finish_not_completed(
            visit_id, reason, comment, location=app.devices.gps.last, finished_at=app.devices.clock.now()
        )
        if result.ok:
            self.visit_id = None
            app.devices.gps.stop()
            app.resume.set(visit_id=None, section=None, last_submitted=visit_id)
            app.go("assignments")
            app.refresh_status()
            app.syncer.start()
        return result
