"""`fieldaudit reset-password EMAIL`: a temporary password for a locked-out admin, with tokens and sessions ended."""

from __future__ import annotations

import pytest

from server.models import Activity, ApiToken, User
from server.services.accounts.tokens import issue_token
from tests.server.auth_helpers import new_client, web_login

TEMPORARY = "temporary from the shell"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_a_locked_out_admin_gets_a_temporary_password_from_stdin(app, runner, make, session):
    admin = make.user("admin")
    issue_token(session, admin, "Laptop")
    session.commit()
    browser = new_client(app)
    web_login(browser, admin.email)
    result = runner.invoke(args=["reset-password", admin.email.upper(), "--password-stdin"], input=TEMPORARY + "\n")
    assert result.exit_code == 0, result.output
    assert (
        f"Temporary password set for {admin.email} (admin): 1 phone sign-in revoked and 1 web session ended."
        in result.output
    )
    assert browser.get("/").status_code == 302
    session.expire_all()
    assert session.query(ApiToken).filter(ApiToken.revoked_at.is_(None)).count() == 0
    assert session.get(User, admin.id).must_change_password and session.get(User, admin.id).mfa_enabled
    entry = session.query(Activity).filter_by(action="password_reset").one()
    assert entry.actor_id is None and "fieldaudit reset-password" in entry.summary and TEMPORARY not in entry.summary
    client = new_client(app)
    assert web_login(client, admin.email, TEMPORARY).headers["Location"] == "/login/new-password"


def test_reset_mfa_also_removes_the_second_factor_so_the_admin_enrols_again(app, runner, make, session):
    admin = make.user("admin")
    result = runner.invoke(
        args=["reset-password", admin.email, "--password-stdin", "--reset-mfa"], input=TEMPORARY + "\n"
    )
    assert result.exit_code == 0 and "Second factor removed" in result.output
    session.expire_all()
    assert not session.get(User, admin.id).mfa_enabled
    assert session.query(Activity).filter_by(action="mfa_reset").count() == 1


def test_the_password_is_prompted_for_twice_when_not_piped(runner, make, session):
    user = make.user("manager")
    result = runner.invoke(args=["reset-password", user.email], input=f"{TEMPORARY}\n{TEMPORARY}\n")
    assert result.exit_code == 0 and "Temporary password" in result.output
    assert TEMPORARY not in result.output


@pytest.mark.parametrize(
    "args,stdin,message",
    [
        (
            ["reset-password", "nobody@example.org", "--password-stdin"],
            TEMPORARY + "\n",
            "email: no user has the email 'nobody@example.org'.",
        ),
        (["reset-password", "{email}", "--password-stdin"], "short\n", "password: Password must be at least 12"),
        (["reset-password", "{email}", "--password-stdin"], "", "nothing was read from standard input"),
        (["reset-password"], "", "Missing argument 'EMAIL'"),
    ],
)
def test_bad_input_is_one_clear_line_and_a_non_zero_exit(runner, make, session, args, stdin, message):
    user = make.user("admin")
    before = user.password_hash
    result = runner.invoke(args=[a.replace("{email}", user.email) for a in args], input=stdin)
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output
    session.expire_all()
    assert session.get(User, user.id).password_hash == before and not session.get(User, user.id).must_change_password
