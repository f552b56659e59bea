"""The driver's actions: each presses or types into real widgets, then waits for a condition (polled by Clock)."""

from __future__ import annotations

import json
import time
import traceback
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.label import Label

from tests.mobile.ui.gestures import DeviceActions

TIMEOUT = 30.0


def press(widget) -> None:
    """A tap: on_press then on_release, with the button's own state handling (toggle buttons toggle)."""
    widget.trigger_action(duration=0)


class Runner(DeviceActions):
    """Runs steps in order on the main thread; results are written after every step (so a SIGKILL keeps them)."""

    def __init__(self, app, steps: list, out: Path, started: float) -> None:
        self.app, self.steps, self.out, self.started = app, steps, out, started
        self.results: dict[str, Any] = {"records": {}, "done": []}
        self.index, self.waiting, self.deadline = 0, None, 0.0

    def write(self) -> None:
        self.out.write_text(json.dumps(self.results, indent=1, default=str))

    def begin(self) -> None:
        self.results["startup_s"] = time.perf_counter() - self.started
        Clock.schedule_interval(self._tick, 0.02)

    def _tick(self, dt: float) -> bool | None:
        try:
            if self.waiting is not None:
                if not self.waiting():
                    if time.monotonic() > self.deadline:
                        raise TimeoutError(f"step {self.steps[self.index - 1]} timed out")
                    return None
                self.waiting = None
            if self.index >= len(self.steps):
                self.app.stop()
                return False
            name, args = self.steps[self.index][0], (self.steps[self.index][1:] or [{}])[0]
            self.index += 1
            self.waiting = getattr(self, "do_" + name)(**args)
            self.deadline = time.monotonic() + TIMEOUT
            self.results["done"].append(name)
            self.write()
        except Exception:  # noqa: BLE001 - report the failure to the test and end the app
            self.results["error"] = traceback.format_exc()
            self.write()
            self.app.stop()
            return False
        return None

    # -- helpers -------------------------------------------------------------------------------------------------
    def screen(self, name: str | None = None):
        manager = self.app.manager
        return manager.get_screen(name) if name else manager.current_screen

    def card(self, key: str):
        return self.screen("visit").cards[key]

    # -- actions -------------------------------------------------------------------------------------------------
    def do_sign_in(self, server: str, email: str, password: str):
        ids = self.screen("signin").ids
        ids.server.text, ids.email.text, ids.password.text = server, email, password
        press(ids.submit)
        return lambda: not self.screen("signin").busy

    def do_sign_in_code(self, code: str):
        """Type the authenticator code into the field the sign-in screen showed, and sign in again."""
        ids = self.screen("signin").ids
        ids.code.text = code
        press(ids.submit)
        return lambda: not self.screen("signin").busy

    def do_scan_code(self):
        """Tap "Sign in with a code": the fake scanner reads the driver's --scan text, and the sign-in runs."""
        press(self.screen("signin").ids.scan_code)
        return lambda: not self.screen("signin").busy

    def do_paste_code(self, link: str = "", server: str = "", code: str = ""):
        """The desktop scanner for real: tap "Sign in with a code", type into its popup, tap its Sign in."""
        from kivy.uix.button import Button
        from kivy.uix.popup import Popup
        from kivy.uix.textinput import TextInput

        from mobile.devices.desktop import PasteScanner

        self.app.devices.scanner = PasteScanner()
        press(self.screen("signin").ids.scan_code)
        popup = next(w for w in Window.children if isinstance(w, Popup))
        fields = [w for w in popup.walk(restrict=True) if isinstance(w, TextInput)]
        for field, text in zip(fields, (link, server, code), strict=True):
            field.text = text
        press(next(w for w in popup.walk(restrict=True) if isinstance(w, Button) and w.text == "Sign in"))
        return lambda: not self.screen("signin").busy and popup.parent is None

    def do_wait_screen(self, name: str):
        return lambda: self.app.manager.current == name

    def do_wait_sync(self):
        return lambda: not self.app.syncer.running and self.app.syncer.finished_runs > 0

    def do_sync(self):
        runs = self.app.syncer.finished_runs
        press(self.screen("assignments").ids.sync_button)
        return lambda: self.app.syncer.finished_runs > runs

    def do_open_assignment(self, index: int = 0, anyway: bool = True):
        """Tap an assignment row's button; a visit outside its due dates asks first: ``anyway`` taps Start anyway,
        else the step ends with the question open."""
        from mobile.app.screens.assignments import AssignmentRow

        listing = self.screen("assignments").ids.scroller  # a RecycleView: find the row showing that item
        wanted = [d for d in listing.data if d.get("viewclass") == "AssignmentRow"][index]
        row = next(
            w
            for w in self.screen("assignments").ids.rows.children
            if isinstance(w, AssignmentRow)
            and (w.assignment_id, w.visit_id) == (wanted["assignment_id"], wanted["visit_id"])
        )
        button = [c for c in row.children if hasattr(c, "trigger_action")][0]
        press(button)

        def opened() -> bool:
            asked = _confirmation()
            if asked is not None and anyway:
                press(asked.yes)
            return self.app.manager.current == "visit" or (asked is not None and not anyway)

        return opened

    def do_answer(self, key: str, value: Any):
        card = self.card(key)
        kind = card.question.type
        if kind == "photo":
            press(card.input.capture_button)
            return lambda: not card.input.busy  # the photo is stored in a thread (downscaling takes a moment)
        if kind in ("yes_no", "choice", "scale"):
            press(card.input.buttons[value])
        else:
            card.input.field.text = str(value)
        return None

    def do_answer_section(self, answers: dict[str, Any]):
        """Answer every shown question of the current section that the dict knows, frame after frame, as
        visible_if reveals more (a shopper sees the new card appear, then answers it)."""
        given: set[str] = set()
        pending: list[Any] = []  # answers still being stored (photos)

        def step() -> bool:
            pending[:] = [done for done in pending if not done()]
            if pending:
                return False
            fresh = [k for k in self.screen("visit").cards if k in answers and k not in given]
            for key in fresh:
                given.add(key)
                done = self.do_answer(key, answers[key])
                if done is not None:
                    pending.append(done)
            state["idle"] = 0 if fresh else state["idle"] + 1
            return state["idle"] >= 3 and not pending

        state = {"idle": 0}
        return step

    def do_shortcut(self, key: str):
        """Tap the Today / Now button of a date or time question."""
        input_row = self.card(key).input
        press([w for w in input_row.children if hasattr(w, "trigger_action")][0])

    def do_na(self, key: str):
        press(self.card(key).na)

    def do_comment(self, key: str, text: str):
        self.card(key).comment.text = text

    def do_press(self, screen: str, id: str):
        press(self.screen(screen).ids[id])

    def do_next(self):
        press(self.screen("visit").ids.next)

    def do_previous(self):
        press(self.screen("visit").ids.previous)

    def do_tap_issue(self, index: int = 0):
        buttons = list(reversed(self.screen("review").ids.issues.children))
        press(buttons[index])

    def do_press_text(self, text: str):
        """Tap the first visible button (current screen or open popup) whose label starts with ``text``."""
        roots = list(Window.children)
        for root in roots:
            for widget in root.walk():
                if hasattr(widget, "trigger_action") and str(getattr(widget, "text", "")).startswith(text):
                    press(widget)
                    return None
        raise LookupError(f"no button {text!r}")

    def do_confirm(self, answer: str = "yes"):
        """Answer the open confirmation popup (``yes`` or ``no``) and wait until it has closed."""
        asked = _confirmation()
        if asked is None:
            raise LookupError("no confirmation is open")
        press(asked.yes if answer == "yes" else asked.no)
        return lambda: _confirmation() is None

    def do_submit(self):
        """Submit on the review screen and confirm: ends on the Submitted state (before the list comes back)."""
        press(self.screen("review").ids.submit)
        asked = _confirmation()
        if asked is None:
            raise LookupError("Submit did not ask for confirmation")
        press(asked.yes)
        return lambda: self.screen("review").submitted or self.app.manager.current == "assignments"

    def do_fill_visit(self, answers: dict[str, Any]):
        """Answer every section in turn (answer_section, then Next) until the review screen shows."""
        state: dict[str, Any] = {"wait": self.do_answer_section(answers)}

        def step() -> bool:
            if self.app.manager.current == "review":
                return True
            if state["wait"]():
                self.do_next()
                state["wait"] = self.do_answer_section(answers)
            return False

        return step

    def do_apply_changes(self, changes: list, cursor: str):
        """What a sync's pull does to the lists, without a server: store a changes page, then reload the home screen."""
        self.app.shop.pulled.apply_changes(changes, cursor)
        self.screen("assignments").reload()

    def do_go(self, name: str):
        self.app.go(name)

    def _popup(self):
        """The open popup (the top-most one)."""
        from kivy.uix.popup import Popup

        return next(w for w in Window.children if isinstance(w, Popup))

    def do_popup_press(self, text: str):
        """Tap the button of the open popup labelled exactly ``text``; waits until the popup has closed (its dismiss
        animation done), or half a second when it stays open (a toggle, a refused choice)."""
        popup = self._popup()
        button = next(w for w in popup.walk() if hasattr(w, "trigger_action") and getattr(w, "text", None) == text)
        press(button)
        settled = time.monotonic() + 0.5
        return lambda: popup.parent is None or time.monotonic() > settled

    def do_popup_comment(self, text: str):
        """Type into the open popup's comment field."""
        self._popup().ids.comment.text = text

    def do_record_ending(self, name: str):
        """Store what ending a visit shows under ``name``: the Visits list's statuses, the visit screen's buttons,
        the open popup's title and message."""
        from kivy.uix.popup import Popup

        data: dict[str, Any] = {"screen": self.app.manager.current, "visit_id": self.screen("visit").visit_id}
        listing = self.screen("assignments").ids.scroller.data
        data["statuses"] = [(i["title"], i["status"]) for i in listing if i.get("viewclass") == "AssignmentRow"]
        end_row = self.screen("visit").ids.end_row
        data["discard_shown"] = end_row.ids.discard.opacity == 1 and not end_row.ids.discard.disabled
        popups = [w for w in Window.children if isinstance(w, Popup)]
        data["popup"] = popups[0].title if popups else None
        data["popup_error"] = getattr(popups[0], "error", "") if popups else ""
        if self.app.manager.current == "sent":
            data["texts"] = [item["text"] for item in self.screen("sent").ids.visits.data]
        self.results["records"][name] = data

    def do_record_words(self, name: str):
        """Store every text drawn on the current screen (labels and buttons), the language and the theme."""
        from mobile.app.i18n import current_language

        screen = self.screen(self.app.manager.current)
        words = [w.text for w in screen.walk() if isinstance(w, Label) and w.text and w.opacity > 0]
        self.results["records"][name] = {
            "screen": self.app.manager.current,
            "words": words,
            "language": current_language(),
            "theme": self.app.theme.name,
            "background": list(self.app.theme.background),
        }

    def do_record(self, name: str):
        """Store what the shopper sees now under ``name``."""
        app, visit = self.app, self.screen("visit")
        review = self.screen("review")
        data = {
            "wall": time.time(),
            "screen": app.manager.current,
            "online": app.syncer.online,
            "pending": app.pending,
            "sync_message": app.syncer.message,
            "last_sync": app.last_sync,
        }
        if app.manager.current == "visit":
            data.update(
                visit_id=visit.visit_id,
                section=visit.section_index,
                title=visit.section_title,
                progress=visit.progress_text,
                cards=list(visit.cards),
                answers={
                    k: {"value": a.value, "na": a.na, "comment": a.comment}
                    for k, a in app.shop.drafts.answers(visit.visit_id).items()
                },
                shown={k: _shown(c) for k, c in visit.cards.items()},
                hints={k: c.hint.text for k, c in visit.cards.items() if c.hint.text},
            )
        if app.manager.current == "visit":
            data.update(
                review_note=visit.review_note,
                highlighted=sorted(k for k, c in visit.cards.items() if c.highlighted),
                visit_title=[visit.visit_title, visit.branch_code, visit.checklist_title],
            )
        if app.manager.current == "review":
            data["submitted"] = review.submitted
            data.update(
                visit_id=review.visit_id,
                score_text=review.score,
                summary=review.summary,
                issues=[i.question for i in review.issues],
                preview=None if review.preview is None else review.preview.percent,
            )
        if app.manager.current == "assignments":
            data["rows"] = [
                item["title"]
                for item in self.screen("assignments").ids.scroller.data
                if item.get("viewclass") == "AssignmentRow"
            ]
            drawn = sorted(self.screen("assignments").ids.rows.children, key=lambda w: -w.y)  # top first
            # each drawn row's height and its content's (a reused RecycleView row must keep no stale height)
            data["sizes"] = [(type(w).__name__, round(w.height), round(w.natural_height())) for w in drawn]
            data["drawn"] = [(type(w).__name__, getattr(w, "title", "") or getattr(w, "text", "")) for w in drawn]
        if app.manager.current == "assignments":
            data["groups"] = [
                item.get("text") or item.get("title")
                for item in self.screen("assignments").ids.scroller.data
                if item.get("viewclass") in ("ListHeading", "CorrectionRow")
            ]
            data["corrections"] = [
                {k: item[k] for k in ("visit_id", "title", "checklist", "note", "action")}
                for item in self.screen("assignments").ids.scroller.data
                if item.get("viewclass") == "CorrectionRow"
            ]
            data["checklists"] = [
                item["checklist"]
                for item in self.screen("assignments").ids.scroller.data
                if item.get("viewclass") == "AssignmentRow"
            ]
        if app.manager.current == "sent":
            data["texts"] = [item["text"] for item in self.screen("sent").ids.visits.data]  # every card's text
        if app.manager.current == "signin":
            data["message"] = self.screen("signin").message
            data["needs_code"] = self.screen("signin").needs_code
        data["markup"] = [
            _drawn(w) for w in self.screen(app.manager.current).walk() if isinstance(w, Label) and w.markup
        ]
        data["popup"] = [w.title for w in Window.children if hasattr(w, "title")]
        asked = _confirmation()
        if asked is not None:
            data["question"] = {
                "title": asked.title,
                "text": asked.content.children[-1].text,
                "yes": asked.yes.text,
                "no": asked.no.text,
                "heights": [asked.yes.height, asked.no.height],
            }
        data["unsent"] = app.unsent_count() if app.shop is not None else None
        if app.syncer.last_result is not None:
            data["sync_ok"] = app.syncer.last_result.ok
        self.results["records"][name] = data

    def do_set_network(self, connected: bool | None = True, metered: bool | None = False):
        """Flip the fake network's hints (signal lost or back, metered or not) as the phone would report them."""
        network = self.app.devices.network
        network.is_connected, network.is_metered = connected, metered

    def do_set_power(self, low: bool | None = None, charging: bool | None = None):
        """Flip the fake battery's hints (low, charging); the app reads the battery every 30 s (POWER_EVERY)."""
        power = self.app.devices.power
        power.is_low, power.is_charging = low, charging

    def do_wait_pending(self, count: int, seconds: float = 20.0):
        """Wait, without touching anything, until ``count`` visits wait to sync and no sync runs (up to ``seconds``)."""
        until = time.monotonic() + seconds

        def settled() -> bool:
            if not self.app.syncer.running and self.app.pending == count:
                return True
            if time.monotonic() > until:
                raise TimeoutError(f"still {self.app.pending} visits waiting after {seconds} s")
            return False

        return settled

    def do_wait_auto_runs(self, count: int, seconds: float = 20.0):
        """Wait, without touching anything, until ``count`` automatic syncs have finished (up to ``seconds``)."""
        until = time.monotonic() + seconds
        syncer = self.app.syncer

        def done() -> bool:
            if syncer.auto_runs >= count and not syncer.running:
                return True
            if time.monotonic() > until:
                raise TimeoutError(f"{syncer.auto_runs} automatic syncs after {seconds} s, not {count}")
            return False

        return done

    def do_record_sync(self, name: str):
        """Store the sync state the header shows now: its line and badge, what waits, how many runs (and automatic)."""
        syncer = self.app.syncer
        result = syncer.last_result
        self.results["records"][name] = {
            "wall": time.time(),
            "status": syncer.status,
            "badge": syncer.badge,
            "settings_status": self.screen("settings").ids.sync_status.text,
            "drawn_status": self.screen("assignments").ids.status.text,
            "drawn_badge": self.screen("assignments").ids.online.text,
            "pending": self.app.pending,
            "running": syncer.running,
            "finished_runs": syncer.finished_runs,
            "auto_runs": syncer.auto_runs,
            "online": syncer.online,
            "sync_ok": None if result is None else result.ok,
            "offline": None if result is None else result.offline,
        }


def _confirmation():
    """The open mobile.app.confirm popup, if any."""
    from mobile.app.confirm import Confirmation

    return next((w for w in Window.children if isinstance(w, Confirmation) and not w.answered), None)


def _drawn(label) -> dict[str, Any]:
    """What a markup label draws once Kivy has parsed its markup: the words, refs, colours, sizes, bold."""
    label.texture_update()
    words = [word for line in label._label._cached_lines for word in line.words]
    return {
        "words": "".join(word.text for word in words),
        "refs": sorted(label.refs),
        "colors": sorted({tuple(word.options["color"]) for word in words}),
        "sizes": sorted({word.options["font_size"] for word in words}),
        "bold": "".join(word.text for word in words if word.options["bold"]),
    }


def _shown(card) -> Any:
    """What a question card shows: toggled option, typed text or photo count."""
    widget = card.input
    if hasattr(widget, "buttons"):
        return next((v for v, b in widget.buttons.items() if b.state == "down"), None)
    if hasattr(widget, "field"):
        return widget.field.text
    return len(widget.gallery.children)
