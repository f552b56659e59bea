"""While demo accounts can sign in, every web page an admin opens says so and how to remove them; nobody else sees it."""

from __future__ import annotations

from server.services.accounts.demo_accounts import remove_demo_accounts
from tests.server.auth_helpers import new_client, web_login

BANNER = "Demo accounts are active."


def demo_user(make, role: str):
    user = make.user(role)
    user.demo = True
    make.session.commit()
    return user


def test_admins_see_the_banner_on_every_page_while_demo_accounts_can_sign_in(app, session, make):
    demo_user(make, "shopper")
    admin = make.user("admin")
    browser = new_client(app)
    assert web_login(browser, admin.email).status_code == 302
    for path in ("/", "/dashboard/", "/admin/users", "/admin/activity", "/builder/"):
        page = browser.get(path)
        assert page.status_code == 200, path
        assert BANNER in page.text and "fieldaudit remove-demo-accounts" in page.text, path

    remove_demo_accounts(session)
    session.commit()
    assert BANNER not in browser.get("/").text


def test_managers_shoppers_and_the_sign_in_page_never_show_it(app, make):
    demo_user(make, "admin")
    manager, shopper = make.user("manager", regions=[make.region()]), make.user("shopper")
    assert BANNER not in new_client(app).get("/login").text
    for user in (manager, shopper):
        browser = new_client(app)
        web_login(browser, user.email)
        page = browser.get("/")
        assert page.status_code == 200 and user.name in page.text and BANNER not in page.text
