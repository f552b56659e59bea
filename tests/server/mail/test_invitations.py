"""Invitations end to end through the captured e-mail: the admin invites by name, address and role; the link in
the message sets the person's own password once, signs them in, and fails the second time, after expiry and
after a newer invitation."""

from __future__ import annotations

from sqlalchemy import select, update

from server.models import Activity, PasswordToken, User
from server.models.types import utcnow
from tests.server.auth_helpers import csrf_token, new_client, web_login
from tests.server.web.org.conftest import sign_in_as

OWN = "a phrase only I know"
BASE = "http://fieldaudit.test"


def _invite(as_admin, email="nia@example.test", role="shopper", **extra):
    return as_admin.post(
        "/admin/users/new", {"access": "invite", "email": email, "name": "Nia <N>", "role": role, **extra}
    )


def _choose(client, path, password=OWN, confirm=None):
    page = client.get(path)
    assert page.status_code == 200, page.text
    return client.post(
        path, data={"password": password, "confirm": confirm or password, "csrf_token": csrf_token(page.text)}
    )


def _path(received) -> str:
    link = received.link()
    assert link.startswith(BASE + "/password/")
    return link.removeprefix(BASE)


def test_an_invited_user_gets_the_mail_sets_their_password_through_the_link_once_and_is_signed_in(
    app, make, session, smtp_server, drain
):
    admin = make.user("admin", name="Ada Admin")
    as_admin = sign_in_as(new_client(app), admin)
    created = _invite(as_admin)
    assert created.status_code == 302
    drain()
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["nia@example.test"]
    assert mail.subject == "Your invitation to Fieldaudit"
    assert "Ada Admin has made you a Fieldaudit account" in mail.part("plain")
    assert "Hello Nia &lt;N&gt;," in mail.part("html")
    user = session.scalar(select(User).where(User.email == "nia@example.test"))
    assert user.password_hash == "!invited" and not user.must_change_password
    assert "invited, not yet joined" in as_admin.get("/admin/users").text
    assert web_login(new_client(app), "nia@example.test", "").status_code == 200  # no password signs them in

    path = _path(mail)
    client = new_client(app)
    assert "Welcome, Nia &lt;N&gt;" in client.get(path).text
    mismatch = _choose(client, path, OWN, "something else entirely")
    assert mismatch.status_code == 422 and 'id="confirm-error"' in mismatch.text
    weak = _choose(client, path, "short")
    assert weak.status_code == 422 and 'id="password-error"' in weak.text
    joined = _choose(client, path)  # the refused tries did not spend the link
    assert joined.status_code == 302 and joined.headers["Location"] == "/"
    assert client.get("/").status_code == 200

    again = new_client(app).get(path)
    assert again.status_code == 410 and 'id="link-spent"' in again.text
    assert web_login(new_client(app), "nia@example.test", OWN).headers["Location"] == "/"
    assert "invited, not yet joined" not in as_admin.get("/admin/users").text
    actions = set(session.scalars(select(Activity.action).where(Activity.object_id == str(user.id))))
    assert {"invitation_sent", "invitation_accepted", "sign_in"} <= actions


def test_of_two_tabs_with_the_same_link_only_the_first_to_save_sets_the_password(app, make, smtp_server, drain):
    _invite(sign_in_as(new_client(app), make.user("admin")))
    drain()
    path = _path(smtp_server.wait_for(1)[0])
    first, second = new_client(app), new_client(app)
    pages = [tab.get(path) for tab in (first, second)]
    won = first.post(path, data={"password": OWN, "confirm": OWN, "csrf_token": csrf_token(pages[0].text)})
    lost = second.post(
        path,
        data={
            "password": "another long phrase",
            "confirm": "another long phrase",
            "csrf_token": csrf_token(pages[1].text),
        },
    )
    assert won.status_code == 302 and lost.status_code == 410
    assert web_login(new_client(app), "nia@example.test", OWN).headers["Location"] == "/"


def test_an_expired_invitation_no_longer_works(app, make, session, smtp_server, drain):
    _invite(sign_in_as(new_client(app), make.user("admin")))
    drain()
    path = _path(smtp_server.wait_for(1)[0])
    session.execute(update(PasswordToken).values(expires_at=utcnow()))
    session.commit()
    client = new_client(app)
    assert client.get(path).status_code == 410
    response = client.post(path, data={"password": OWN, "confirm": OWN, "csrf_token": "whatever"})
    assert response.status_code in (302, 400, 410)  # no usable form: a CSRF refusal or the spent page
    assert web_login(new_client(app), "nia@example.test", OWN).status_code == 200  # still no password


def test_sending_the_invitation_again_replaces_the_earlier_link(app, make, session, smtp_server, drain):
    as_admin = sign_in_as(new_client(app), make.user("admin"))
    _invite(as_admin)
    drain()
    user = session.scalar(select(User).where(User.email == "nia@example.test"))
    assert 'id="resend-invitation"' in as_admin.get(f"/admin/users/{user.id}").text
    assert as_admin.post(f"/admin/users/{user.id}/invitation").status_code == 302
    drain()
    first, second = smtp_server.wait_for(2)
    assert new_client(app).get(_path(first)).status_code == 410
    assert _choose(new_client(app), _path(second)).status_code == 302
    refused = as_admin.post(f"/admin/users/{user.id}/invitation", follow_redirects=True)
    assert "has joined already" in refused.text


def test_an_invited_admin_goes_on_to_set_up_the_second_factor(app, make, smtp_server, drain):
    _invite(sign_in_as(new_client(app), make.user("admin")), email="new.admin@example.test", role="admin")
    drain()
    response = _choose(new_client(app), _path(smtp_server.wait_for(1)[0]))
    assert response.status_code == 302 and response.headers["Location"] == "/login/enrol"


def test_the_form_names_the_wrong_field_and_still_offers_a_temporary_password(app, make, session, smtp_server):
    as_admin = sign_in_as(new_client(app), make.user("admin"))
    bad = _invite(as_admin, email="not an address")
    assert bad.status_code == 422 and 'id="email-error"' in bad.text
    no_password = as_admin.post(
        "/admin/users/new", {"access": "password", "email": "pat@example.test", "name": "Pat", "role": "shopper"}
    )
    assert no_password.status_code == 422 and 'id="password-error"' in no_password.text
    given = as_admin.post(
        "/admin/users/new",
        {
            "access": "password",
            "email": "pat@example.test",
            "name": "Pat",
            "role": "shopper",
            "password": "given by the admin",
        },
    )
    assert given.status_code == 302
    assert session.scalar(select(User).where(User.email == "pat@example.test")).must_change_password
    forged = as_admin.client.post(
        "/admin/users/new", data={"access": "invite", "email": "eve@example.test", "name": "Eve", "role": "admin"}
    )
    assert forged.status_code in (302, 400)
    assert session.scalar(select(User).where(User.email == "eve@example.test")) is None


def test_an_admin_can_e_mail_a_reset_link_and_filter_the_users_who_have_not_joined(
    app, make, session, smtp_server, drain
):
    as_admin = sign_in_as(new_client(app), make.user("admin"))
    joined = make.user("shopper", email="sam@example.test", name="Sam")
    _invite(as_admin)
    invited = as_admin.get("/admin/users?active=invited").text
    assert "nia@example.test" in invited and "sam@example.test" not in invited
    assert 'id="send-reset-link"' in as_admin.get(f"/admin/users/{joined.id}").text
    assert as_admin.post(f"/admin/users/{joined.id}/reset-link").status_code == 302
    drain()
    reset = next(m for m in smtp_server.wait_for(2) if m.rcpt_tos == ["sam@example.test"])
    assert reset.subject == "Choose a new password for Fieldaudit"
    assert _choose(new_client(app), _path(reset)).headers["Location"] == "/"
    assert web_login(new_client(app), "sam@example.test", OWN).headers["Location"] == "/"
    gone = make.user("shopper", active=False)
    refused = as_admin.post(f"/admin/users/{gone.id}/reset-link", follow_redirects=True)
    assert "is deactivated" in refused.text


def test_the_command_line_invites_too_and_says_what_it_needs(app, session, smtp_server, drain):
    runner = app.test_cli_runner()
    both = runner.invoke(
        args=[
            "create-user",
            "--email",
            "cli@example.test",
            "--name",
            "Cy",
            "--role",
            "shopper",
            "--invite",
            "--password",
            "a long enough password",
        ]
    )
    assert both.exit_code != 0 and "not both" in both.output
    app.config["PUBLIC_URL"] = None
    no_url = runner.invoke(
        args=["create-user", "--email", "cli@example.test", "--name", "Cy", "--role", "shopper", "--invite"]
    )
    assert no_url.exit_code != 0 and "FIELDAUDIT_PUBLIC_URL" in no_url.output
    app.config["PUBLIC_URL"] = BASE
    done = runner.invoke(
        args=["create-user", "--email", "cli@example.test", "--name", "Cy", "--role", "shopper", "--invite"]
    )
    assert done.exit_code == 0, done.output
    assert "Invited shopper cli@example.test" in done.output and "on its way" in done.output
    drain()
    [mail] = smtp_server.wait_for(1)
    assert "Your administrator has made you a Fieldaudit account" in mail.part("plain")
    assert _choose(new_client(app), _path(mail)).headers["Location"] == "/"
    summary = session.scalar(select(Activity.summary).where(Activity.action == "invitation_sent"))
    assert "by the command line" in summary
