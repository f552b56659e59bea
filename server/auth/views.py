"""Web sign-in and sign-out pages."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError

from ..extensions import db
from ..form_text import shows_text_errors
from ..services.accounts import authenticate
from .forms import LoginForm
from .limits import TOO_MANY, login_limits

bp = Blueprint("auth", __name__)

WRONG_CREDENTIALS = "Email or password is incorrect."


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: never an open redirect."""
    if not target or len(target) > 2048 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _render_login(form: LoginForm, error: str | None = None, status: int = 200):
    return render_template("auth/login.html", form=form, error=error,
                           next=safe_next(request.args.get("next"))), status


@bp.route("/login", methods=["GET", "POST"])
@login_limits
@shows_text_errors
def login():
    """Show the form; on valid credentials start a session and go where the user was heading."""
    target = safe_next(request.args.get("next")) or url_for("web.home")
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    if not form.validate_on_submit():
        return _render_login(form)
    user = authenticate(db.session, form.email.data, form.password.data)
    if user is None:
        return _render_login(form, WRONG_CREDENTIALS)
    session.clear()
    session.permanent = True
    login_user(user)
    return redirect(target)


@bp.route("/logout", methods=["POST"])
def logout():
    """End this browser's session (POST with a CSRF token, so no other site can sign you out)."""
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.errorhandler(429)
def too_many_attempts(exc):
    """Stay on the sign-in form and say why, instead of a bare error page."""
    return _render_login(LoginForm(), TOO_MANY, 429)


@bp.errorhandler(CSRFError)
def form_expired(exc):
    """An expired or missing CSRF token: explain and offer the form again."""
    if request.endpoint == "auth.login":
        return _render_login(LoginForm(), "The form expired. Please sign in again.", 400)
    flash("That form expired; nothing was changed. Please try again.", "error")
    return redirect(url_for("web.home"))
