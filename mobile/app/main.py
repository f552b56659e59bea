"""FieldauditApp: owns the store, the signed-in account, the devices and the background sync; screens stay thin."""

from __future__ import annotations

import logging
import os
import platform
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from mobile.devices import Devices, default_devices
from mobile.store import UNSENT_STATES, Account, LocalStore
from mobile.sync import SyncResult, sign_out
from mobile.sync.autosync import Schedule, Trigger

from .dates import moment
from .i18n import _, device_language, use_language
from .resume import ResumeState
from .screens import SCREENS
from .syncing import SyncController
from .theme import Theme

KV_DIR = Path(__file__).with_name("kv")
KV_FILES = (
    "styles.kv",
    "signin.kv",
    "assignments.kv",
    "visit.kv",
    "visit_end.kv",
    "review.kv",
    "sent.kv",
    "settings.kv",
)
TICK_SECONDS = 1.0
"""How often the automatic-sync schedule, the network and battery hints and the header's "2 min ago" are checked."""
log = logging.getLogger("fieldaudit.app")


def autosync_schedule() -> Schedule:
    """The automatic-sync intervals (FIELDAUDIT_AUTOSYNC_*_SECONDS override them); a bad value keeps the defaults."""
    try:
        return Schedule.from_env(os.environ)
    except ValueError as error:
        log.warning("ignoring the automatic sync setting: %s", error)
        return Schedule()


class FieldauditApp(App):
    """The shopper's app; everything a screen shows comes from here: kv binds ``app.shop`` (the signed-in account's
    store, None when signed out), ``app.syncer`` (the SyncController's state) and the status badges."""

    title = "Fieldaudit"
    account_name = StringProperty("")
    pending = NumericProperty(0)
    last_sync = StringProperty("never")
    shop = ObjectProperty(None, allownone=True)
    syncer = ObjectProperty(None, allownone=True)
    theme = ObjectProperty(None)
    """The colours every kv rule binds to (mobile/app/theme.py); the shopper picks light or dark in Settings."""

    def __init__(
        self,
        data_dir: Path | str | None = None,
        server: str | None = None,
        devices: Devices | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self._data_dir = Path(data_dir) if data_dir else None
        self.default_server = server or ""
        self.devices = devices
        self.store: LocalStore | None = None
        self.account_id: int | None = None
        self.theme = Theme()

    # -- start-up ------------------------------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        if self._data_dir is None:
            from kivy.utils import platform as kivy_platform

            from .paths import default_data_dir

            self._data_dir = Path(self.user_data_dir) if kivy_platform == "android" else default_data_dir()
        return self._data_dir

    def build(self) -> ScreenManager:
        self.resume = ResumeState(self.data_dir)
        use_language(self.resume.get("language") or device_language())  # before any screen exists: kv texts
        for name in KV_FILES:
            Builder.load_file(str(KV_DIR / name))
        self.devices = self.devices or default_devices()
        self.store = LocalStore(self.data_dir)
        self.theme.use(self.resume.get("theme") or "light")
        self.syncer = SyncController(self.store, self.devices, autosync_schedule())
        self.syncer.bind(on_finished=self._synced)
        self.manager = ScreenManager(transition=NoTransition())
        self._add_screens()
        self.route_at_start()
        from kivy.core.window import Window

        Window.bind(on_keyboard=self._on_key)
        Window.clearcolor = self.theme.background
        self.theme.bind(background=lambda _theme, colour: setattr(Window, "clearcolor", colour))
        Window.softinput_mode = "below_target"  # the keyboard pushes the screen up: the field typed in stays visible
        return self.manager

    def _on_key(self, _window: object, key: int, *_args: object) -> bool:
        """Android back (Escape on desktop): one step back instead of closing the app mid-visit."""
        if key != 27:
            return False
        current = self.manager.current
        if current == "review":
            self.manager.get_screen("review").back()
            return True
        if current in ("visit", "sent", "settings"):
            self.go("assignments")
            return True
        return False

    def route_at_start(self) -> None:
        """Go back where the shopper was: the open visit and section, else the list, else sign in."""
        account = self._remembered_account()
        if account is None or account.needs_login:
            self.show_sign_in(expired=account is not None and account.token_problem is not None)
            return
        self.use_account(account.id)
        visit_id = self.resume.get("visit_id")
        if visit_id:
            try:
                if self.shop.drafts.visit(visit_id).editable:
                    self.open_visit(visit_id, self.resume.get("section", 0))
                    return
            except Exception:  # noqa: BLE001 - a vanished visit just means: start at the list
                pass
            self.resume.set(visit_id=None, section=None)
        self.go("assignments")

    def _opened_store(self) -> LocalStore:
        """The phone's store: build() opens it before anything asks for it."""
        assert self.store is not None, "build() opens the store first"
        return self.store

    def _remembered_account(self) -> Account | None:
        accounts = self._opened_store().accounts()
        wanted = self.resume.get("account_id")
        for account in accounts:
            if account.id == wanted:
                return account
        return accounts[0] if accounts else None

    # -- account -------------------------------------------------------------------------------------------------
    def use_account(self, account_id: int) -> None:
        """Make an account the signed-in one (after sign-in or at start)."""
        self.account_id = self.syncer.account_id = account_id
        self.shop = self._opened_store().for_account(account_id)
        account = self.shop.account
        self.account_name = account.name or account.email
        self.resume.set(account_id=account_id, server=account.server_url, email=account.email)
        self.refresh_status()

    @property
    def device_name(self) -> str:
        return f"Fieldaudit on {platform.node() or 'a phone'}"

    def unsent_count(self) -> int:
        """Visits the server does not fully hold yet (drafts included)."""
        if self.shop is None:
            return 0
        return sum(n for state, n in self.shop.drafts.state_counts().items() if state in UNSENT_STATES)

    def refresh_status(self) -> None:
        """Update the badges: visits waiting to sync and the last successful sync."""
        if self.shop is None:
            return
        counts = self.shop.drafts.state_counts()
        self.pending = sum(n for state, n in counts.items() if state in UNSENT_STATES and state != "draft")
        when = self.shop.account.last_sync_at
        self.last_sync = moment(when) if when else _("never")
        self.syncer.refresh_counts()

    def _add_screens(self) -> None:
        for screen_class in SCREENS:
            self.manager.add_widget(screen_class())

    def use_language(self, code: str | None) -> None:
        """Show the app in another language now (None: the phone's) and keep the choice: the screens are made again,
        since kv texts are translated when a screen is built."""
        self.resume.set(language=code)
        use_language(code or device_language())
        current = self.manager.current
        self.manager.clear_widgets()
        self._add_screens()
        self.manager.current = current

    def use_theme(self, name: str) -> None:
        """Switch light/dark now (every screen follows its kv bindings) and keep the choice for the next start."""
        self.theme.use(name)
        self.resume.set(theme=self.theme.name)

    # -- navigation ----------------------------------------------------------------------------------------------
    def go(self, name: str) -> None:
        """Show a screen (it reloads its data on entering)."""
        if name != "visit" and name != "review":
            self.resume.set(visit_id=None, section=None)
        self.manager.current = name

    def show_sign_in(self, message: str = "", expired: bool = False) -> None:
        screen = self.manager.get_screen("signin")
        screen.prefill(
            self.resume.get("server") or self.default_server,
            self.resume.get("email") or "",
            message
            or (_("Your session has expired. Sign in again; nothing on this phone is lost.") if expired else ""),
        )
        self.manager.current = "signin"

    def open_visit(self, visit_id: str, section: int = 0) -> None:
        """Open a draft at a section and remember it (a killed app comes back here)."""
        self.resume.set(visit_id=visit_id, section=section)
        self.manager.get_screen("visit").load(visit_id, section)
        self.manager.current = "visit"

    def open_review(self, visit_id: str) -> None:
        self.manager.get_screen("review").load(visit_id)
        self.manager.current = "review"

    def sign_out(self, message: str) -> None:
        """Forget the signed-in account here (its data stays on the phone) and show sign in."""
        assert self.account_id is not None, "sign out is offered only while signed in"
        self.syncer.cancel()
        sign_out(self._opened_store(), self.account_id)
        self.shop, self.account_id = None, None
        self.syncer.account_id = None
        self.resume.set(visit_id=None, section=None)
        self.show_sign_in(message)

    def _synced(self, _syncer: SyncController, result: SyncResult) -> None:
        """After every sync: badges, then sign in if the token was refused, else reload what is on screen."""
        self.refresh_status()
        if result.needs_login:
            self.show_sign_in(self.syncer.message)
            return
        screen = self.manager.current_screen
        if hasattr(screen, "reload"):
            screen.reload()

    def on_start(self) -> None:
        """Sync once at start (if signed in), then keep ticking the automatic-sync schedule."""
        self.syncer.trigger(Trigger.START)
        Clock.schedule_interval(lambda dt: self.syncer.tick(), TICK_SECONDS)

    def on_pause(self) -> bool:
        return True

    def on_resume(self) -> None:
        """Back in the foreground: sync now (the shopper may have been in a shop without signal)."""
        self.refresh_status()
        self.syncer.trigger(Trigger.RESUME)

    def on_stop(self) -> None:
        if getattr(self, "syncer", None) is not None:
            self.syncer.stop()
        if self.devices is not None:
            self.devices.gps.stop()
