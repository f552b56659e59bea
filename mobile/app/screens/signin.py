"""Sign in: server address, email, password (and the authenticator code when the server asks for it), or the
one-time code an admin shows as a QR code; the sign-in runs in a thread so the screen never freezes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from mobile.sync import (
    AddressError,
    AuthError,
    ClientError,
    Enrolment,
    EnrolmentLinkError,
    NetworkError,
    ServerError,
    TlsError,
    normalise_server_url,
    parse_enrolment_link,
    sign_in,
    sign_in_with_code,
)

from ..i18n import _
from .base import AppScreen


def address_problem(error: AddressError) -> str:
    """What is wrong with the typed server address, in the shopper's language."""
    texts = {
        "empty": _("Enter the server address."),
        "spaces": _("Server address: it cannot contain spaces."),
        "scheme": _("Server address: it must start with https:// (or http:// on your local network)."),
        "credentials": _("Server address: it cannot contain a user name or password."),
        "query": _("Server address: it cannot contain ? or #."),
        "host": _("Server address: that is not a valid server name."),
        "port": _("Server address: the port must be a number from 1 to 65535."),
    }
    return texts.get(error.problem, _("Server address: {problem}").format(problem=error.message))


def link_problem(error: EnrolmentLinkError) -> str:
    """What is wrong with the scanned or typed sign-in code, in the shopper's language."""
    texts = {
        "empty": _("Nothing was scanned. Try again, or type the server address and the code."),
        "not_a_link": _("That is not a Fieldaudit sign-in code. Scan the QR code on your coordinator's screen."),
        "no_server": _("The sign-in code has no server address. Ask your coordinator for a new one."),
        "no_code": _("Code: enter the sign-in code your coordinator shows (like ABCD-EFGH-JKMN-PQRS)."),
        "bad_code": _("Code: it should be letters and digits only, like ABCD-EFGH-JKMN-PQRS."),
    }
    return texts.get(error.problem, error.message)


CODE_REFUSALS: dict[str, Callable[[], str]] = {
    "code_unknown": lambda: _("That sign-in code is not known. Check it, or ask your coordinator for a new one."),
    "code_used": lambda: _("That sign-in code was used already. Ask your coordinator for a new one."),
    "code_expired": lambda: _("That sign-in code has expired. Ask your coordinator for a new one."),
    "code_replaced": lambda: _("That sign-in code was replaced by a newer one. Scan the newest one."),
}


def explain(error: Exception, server: str) -> str:
    """A sign-in failure in words that say what to do."""
    if isinstance(error, AuthError):
        if error.reason in CODE_REFUSALS:
            return CODE_REFUSALS[error.reason]()
        if error.reason == "inactive":
            return _("This account has been deactivated. Ask your coordinator.")
        if error.reason == "otp_required":
            return _("Your account uses an authenticator app: enter the 6-digit code it shows (or a recovery code).")
        if error.reason == "otp_invalid":
            return _("That code is not right, or was used already. Wait for the next code and try again.")
        return _("Wrong email or password. Check them and try again.")
    if isinstance(error, TlsError):
        if error.reason == "not_https":
            return _(
                "This server does not speak https; type http:// before the address if it is on your local network."
            )
        if error.reason == "certificate":
            return _("The server's certificate could not be verified. Check the address, or ask your coordinator.")
        return _("No secure connection to {server} could be made. Check the address and try again.").format(
            server=server
        )
    if isinstance(error, NetworkError):
        return _("Cannot reach the server at {server}. Check the address and your connection, then try again.").format(
            server=server
        )
    if isinstance(error, ServerError):
        return _("The server had a problem. Try again in a few minutes.")
    if isinstance(error, ClientError):
        return _("The server refused the sign-in: {message}").format(message=error.message)
    if isinstance(error, AddressError):
        return address_problem(error)
    if isinstance(error, EnrolmentLinkError):
        return link_problem(error)
    if isinstance(error, ValueError):
        return _("That server address does not look right: {problem}").format(problem=error)
    return _("Sign-in failed: {problem}").format(problem=error)


def scan_labels() -> dict[str, str]:
    """The scanner popup's texts (SCAN_LABELS' keys), translated: the device facades sit below the app's translations."""
    return {
        "title": _("Sign in with a code"),
        "link": _("Sign-in link (paste it here)"),
        "or": _("Or type what your coordinator's screen shows:"),
        "server": _("Server address"),
        "code": _("Code"),
        "cancel": _("Cancel"),
        "use": _("Sign in"),
        "camera_app": _("Or scan the QR code with your phone's camera app: it opens Fieldaudit with the code."),
    }


class SignInScreen(AppScreen):
    """The first screen, and where an expired session comes back to."""

    message = StringProperty("")
    busy = BooleanProperty(False)
    needs_code = BooleanProperty(False)
    """The server said this account has a second factor: the code field is shown."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="signin", **kwargs)

    def on_enter(self, *args: object) -> None:
        """Take a sign-in link the phone opened the app with, and any that arrives while this screen shows."""
        scanner = self.app.devices.scanner
        scanner.listener = self.scanned
        Clock.schedule_once(lambda dt: self._take_pending(scanner))  # after the app has filled the fields in

    def _take_pending(self, scanner: Any) -> None:
        link = scanner.pending() if self.manager is not None and self.manager.current == self.name else None
        if link is not None:
            self.scanned(link)

    def on_leave(self, *args: object) -> None:
        self.app.devices.scanner.listener = None

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
            self.message = _("Enter the server address, your email and your password.")
            return
        if self.needs_code and not code:
            self.message = _("Enter the code from your authenticator app.")
            return
        try:
            url = normalise_server_url(server)
        except AddressError as error:
            self.message = address_problem(error)
            return
        if self.busy:
            return
        self.ids.server.text = url  # the shopper sees the address the app uses (https:// added)
        self.busy, self.message = True, _("Signing in...")
        app = self.app
        threading.Thread(target=self._work, args=(app, url, email, password, code or None), daemon=True).start()

    def scan_code(self) -> None:
        """Open the scanner (the paste popup on desktop); the scanned link signs in."""
        if not self.busy:
            self.app.devices.scanner.scan(self.scanned, scan_labels())

    def scanned(self, text: str | None) -> None:
        """A scanned (or pasted) sign-in link: check it, then sign in with its code. None: cancelled."""
        if text is None or self.busy:
            return
        try:
            enrolment = parse_enrolment_link(text)
        except (EnrolmentLinkError, AddressError) as error:
            self.message = explain(error, "")
            return
        self.ids.server.text = enrolment.server
        self.busy, self.message = True, _("Signing in...")
        threading.Thread(target=self._enrol, args=(self.app, enrolment), daemon=True).start()

    def _enrol(self, app: Any, enrolment: Enrolment) -> None:
        try:
            account = sign_in_with_code(app.store, enrolment, app.device_name)
        except Exception as error:  # noqa: BLE001 - every failure becomes a message on the screen
            self._report(error, enrolment.server)
            return
        Clock.schedule_once(lambda dt: self._signed_in(app, account.id))

    def _work(self, app: Any, server: str, email: str, password: str, code: str | None) -> None:
        try:
            account = sign_in(app.store, server, email, password, app.device_name, otp=code)
        except Exception as error:  # noqa: BLE001 - every failure becomes a message on the screen
            self._report(error, server)
            return
        Clock.schedule_once(lambda dt: self._signed_in(app, account.id))

    def _report(self, error: Exception, server: str) -> None:
        text = explain(error, server)
        wants_code = isinstance(error, AuthError) and error.reason in ("otp_required", "otp_invalid")
        unreachable = isinstance(error, NetworkError) and not isinstance(error, TlsError)
        Clock.schedule_once(lambda dt: self._failed(text, wants_code, unreachable))

    def _failed(self, text: str, wants_code: bool = False, unreachable: bool = False) -> None:
        self.busy, self.message = False, text
        if wants_code:
            self.needs_code = True
            self.ids.code.text = ""
            self.ids.code.focus = True
        self.app.syncer.online = "offline" if unreachable else "online"

    def _signed_in(self, app: Any, account_id: int) -> None:
        self.busy, self.message, self.needs_code = False, "", False
        self.ids.password.text = self.ids.code.text = ""
        app.syncer.online = "online"
        app.use_account(account_id)
        app.go("assignments")
        app.syncer.start()
