"""The sign-in form (Flask-WTF, so it carries and checks its CSRF token)."""

from __future__ import annotations

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from server.form_text import TextCheckedForm


class LoginForm(TextCheckedForm):
    """Email and password; lengths bounded so hostile input is refused before any lookup."""

    email = EmailField(
        "Email",
        validators=[DataRequired("Enter your email."), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
