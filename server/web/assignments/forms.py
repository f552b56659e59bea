"""Reading the assignment forms: ids to visible objects, dates, and field errors in one dict."""

from __future__ import annotations

from datetime import date

from server.extensions import db
from server.models import Role, User


class FormErrors(dict):
    """field -> [messages], filled while a form is read."""

    def add(self, field: str, message: str) -> None:
        """Record one problem with a field."""
        self.setdefault(field, []).append(message)


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 10 else None


def pick(kind, form, field: str, errors: FormErrors, label: str):
    """The row of `kind` named by form[field], or an error for that field."""
    key = _int(form.get(field))
    found = db.session.get(kind, key) if key else None
    if found is None:
        errors.add(field, f"Choose a {label}.")
    return found


def shopper(text: str | None) -> User | None:
    """An active shopper by id, or None."""
    key = _int(text)
    user = db.session.get(User, key) if key else None
    return user if user is not None and user.role is Role.SHOPPER else None


def due_window(form, errors: FormErrors) -> tuple[date | None, date | None]:
    """The due_from / due_to dates, both required, in order."""
    days: list[date | None] = []
    for field in ("due_from", "due_to"):
        try:
            days.append(date.fromisoformat(form.get(field, "")))
        except ValueError:
            errors.add(field, "Enter a date (YYYY-MM-DD).")
            days.append(None)
    if days[0] and days[1] and days[1] < days[0]:
        errors.add("due_to", "The window must end on or after its first day.")
    return days[0], days[1]
