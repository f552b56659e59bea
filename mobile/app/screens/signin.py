"""Sign in: server address, email, password (and the authenticator code when the server asks for it); the
login runs in a thread so the screen never freezes."""

from __future__ import annotations

import threading
from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from mobile.sync import AuthError, ClientError, NetworkError, ServerError, sign_in

from .base import AppScreen


def explain(error: Exception, server: str) -> str:
    """A sign-in failure in words that say what to do."""
    if isinstance(error, AuthError):
        if error.reason == "inactive":
            return "This account has been deactivated. Ask your coordinator."
        if error.reason == "otp_required":
            return "Your account uses an authenticator app: enter the 6-digit code it shows (or a recovery code)."
        if error.reason == "otp_invalid":
            return "That code is not right, or was used already. Wait for the next code and try again."
        return "Wrong email or password. Check them and try again."
    if isinstance(error, NetworkError):
        return f"Cannot reach the server at {server}. Check the address and your connection, then try again."
    if isinstance(error, ServerError):
        return "The server had a problem. Try again in a few minutes."
    if isinstance(error, ClientError):
        return f"The server refused the sign-in: {error.message}"
    if isinstance(error, ValueError):
        return f"That server address does not look right: {error}"
    return f"Sign-in failed: {error}"


class SignInScreen(AppScreen):
    """The first screen, and where an expired session comes back to."""

    message = StringProperty("")
    busy = BooleanProperty(False)
    needs_code = BooleanProperty(False)
    """The server said this account has a second factor: the code field is shown."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="signin", **kwargs)

    def prefill(self, server: str, email: str, message: str = "") -> None:
        self.ids.server.text = server or self.ids.server.text
        self.ids.email.text = email or self.ids.email.text
        self.ids.password.text = ""
        self.ids.code.text = ""
        self.message = message

    def submit(self) -> None:
        server, email = self.ids.server.text.strip(), self.ids.email.text.strip()
        password = self.ids.password.text
        code = self.ids.code.text.strip() if self.needs_code else ""
        if not server or not email or not password:
            self.message = "Enter the server address, your email and your password."
            return
        if self.needs_code and not code:
            self.message = "Enter the code from your authenticator app."
            return
        if self.busy:
            return
        self.busy, self.message = True, "Signing in..."
        app = self.app
        threading.Thread(target=self._work, args=(app, server, email, password, code or None), daemon=True).start()

    def _work(self, app: Any, server: str, email: str, password: str, code: str | None) -> None:
        try:
            account = sign_in(app.store, server, email, password, app.device_name, otp=code)
        except Exception as error:  # noqa: BLE001 - every failure becomes a message on the screen
            text = explain(error, server)
            wants_code = isinstance(error, AuthError) and error.reason in ("otp_required", "otp_invalid")
            Clock.schedule_once(lambda dt: self._failed(text, wants_code))
            return
        Clock.schedule_once(lambda dt: self._signed_in(app, account.id))

    def _failed(self, text: str, wants_code: bool = False) -> None:
        self.busy, self.message = False, text
        if wants_code:
            self.needs_code = True
            self.ids.code.text = ""
            self.ids.code.focus = True
        self.app.syncer.online = "offline" if text.startswith("Cannot reach") else "online"

    def _signed_in(self, app: Any, account_id: int) -> None:
        self.busy, self.message, self.needs_code = False, "", False
        self.ids.password.text = self.ids.code.text = ""
        app.syncer.online = "online"
        app.use_account(account_id)
        app.go("assignments")
        app.syncer.start()
