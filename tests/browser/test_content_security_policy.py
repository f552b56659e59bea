"""Every main page of the demo in Chromium under the real Content-Security-Policy: no violation, no script error,
and the scripts that need to run (confirmations, live validation, sorting, preview conditions) still do."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.demo import DEMO_PASSWORD, load_demo
from server.models import Branch, Photo, Role, Template, User, Visit, WebhookEndpoint
from server.services.checklists.versions import new_draft_from
from tests.browser.conftest import sign_in

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " " + (e.sample || ""));
});
"""


@pytest.fixture
def demo(session):
    """The demo organisation plus a draft checklist; the ids the page list needs (a region of the manager's)."""
    load_demo(session)

    def first(role: Role) -> User:
        return session.scalars(select(User).where(User.role == role).order_by(User.email)).first()

    template = session.scalars(select(Template)).first()
    published = template.latest_published()
    draft = new_draft_from(session, published)
    session.commit()
    manager = first(Role.MANAGER)
    region = manager.regions[0]
    visit = session.scalar(
        select(Visit)
        .join(Photo, Photo.visit_id == Visit.id)
        .join(Branch, Branch.id == Visit.branch_id)
        .where(Branch.region_id == region.id)
        .limit(1)
    )
    section = draft.definition["sections"][0]
    return {
        "admin": first(Role.ADMIN),
        "manager": manager,
        "shopper": first(Role.SHOPPER),
        "shopper_id": first(Role.SHOPPER).id,
        "region": region.id,
        "branch": visit.branch_id,
        "visit": visit.id,
        "template": template.id,
        "published": published.id,
        "draft": draft.id,
        "section": section["key"],
        "question": section["questions"][0]["key"],
        "webhook": session.scalar(select(WebhookEndpoint.id)),  # the demo's example endpoint
    }


def admin_pages(d: dict) -> list[str]:
    return [
        "/",
        "/dashboard/",
        f"/dashboard/branches/{d['branch']}",
        f"/visits/{d['visit']}",
        "/review/",
        f"/review/visits/{d['visit']}",
        "/assignments/",
        "/builder/",
        f"/builder/versions/{d['published']}",
        f"/builder/versions/{d['draft']}",
        f"/builder/versions/{d['draft']}/sections/{d['section']}/questions/new",
        f"/builder/versions/{d['draft']}/questions/{d['question']}",
        f"/builder/versions/{d['published']}/preview",
        f"/builder/templates/{d['template']}/history",
        "/builder/import",
        "/admin/regions",
        "/admin/regions/new",
        f"/admin/regions/{d['region']}/branches",
        f"/admin/regions/{d['region']}/edit",
        f"/admin/branches/{d['branch']}/edit",
        f"/admin/regions/{d['region']}/branches/import",
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{d['shopper_id']}",
        "/admin/activity",
        "/admin/webhooks/",
        "/admin/webhooks/new",
        f"/admin/webhooks/{d['webhook']}",
        f"/admin/webhooks/{d['webhook']}/edit",
        "/no-such-page",
    ]


class Watched:
    """A browser tab that records CSP violations, console errors and uncaught script errors."""

    def __init__(self, page):
        self.page, self.problems = page, []
        page.context.add_init_script(WATCH)
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type == "error" and "404" not in m.text
                else None
            ),
        )
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def visit(self, base: str, path: str) -> None:
        response = self.page.goto(base + path)
        self.page.wait_for_load_state("networkidle")
        assert response.status == (404 if path == "/no-such-page" else 200), (path, response.status)
        self.check(path)

    def check(self, where: str) -> None:
        found = self.page.evaluate("window.__violations") + self.problems
        self.problems.clear()
        assert not found, f"{where}: {found}"


@pytest.mark.parametrize("width", [1280, 390])
def test_every_admin_page_loads_without_a_csp_violation(page, live_server, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    tab = Watched(page)
    tab.visit(live_server, "/login")
    sign_in(page, live_server, demo["admin"].email, DEMO_PASSWORD)
    for path in admin_pages(demo):
        tab.visit(live_server, path)


def test_managers_and_shoppers_pages_load_without_a_csp_violation(browser, live_server, demo):
    for role, paths in (
        ("manager", ["/", "/dashboard/", f"/dashboard/branches/{demo['branch']}", f"/visits/{demo['visit']}"]),
        ("shopper", ["/"]),
    ):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        tab = Watched(page)
        sign_in(page, live_server, demo[role].email, DEMO_PASSWORD)
        for path in paths:
            tab.visit(live_server, path)
        context.close()


def test_the_page_scripts_still_run_under_the_policy(page, live_server, demo):
    tab = Watched(page)
    sign_in(page, live_server, demo["admin"].email, DEMO_PASSWORD)

    tab.visit(live_server, "/assignments/")  # confirm.js asks before cancelling; dismissing sends nothing
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("#assignments button.danger").first.click()
    page.wait_for_timeout(300)
    assert asked == ["Cancel this assignment?"] and page.url.endswith("/assignments/")
    page.locator("#assignments thead th").nth(1).click()  # sortable.js
    page.locator("#assignments thead th").nth(1).click()
    assert page.locator("#assignments thead th").nth(1).get_attribute("aria-sort") == "descending"
    tab.check("assignments: confirm and sort")

    tab.visit(live_server, f"/builder/versions/{demo['draft']}/questions/{demo['question']}")
    with page.expect_response(lambda r: r.url.endswith("/validate")) as answer:  # builder.js live validation
        page.fill("#f-key", "Not A Key!")
    assert answer.value.status == 200
    page.locator(".field-error.b-js").first.wait_for()
    tab.check("builder: live validation")

    tab.visit(live_server, f"/builder/versions/{demo['published']}/preview")
    assert page.locator("fieldset.pq").first.is_visible()
    tab.check("builder: preview conditions")
