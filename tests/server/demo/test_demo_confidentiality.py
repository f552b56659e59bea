"""The demo at first start: the settings at their defaults, and a demo manager meeting shoppers only as pseudonyms."""

from __future__ import annotations

from sqlalchemy import select

from server.demo import DEMO_PASSWORD, load_demo
from server.models import Branch, Region, User, Visit
from tests.server.auth_helpers import new_client, web_login


def test_a_demo_manager_sees_pseudonyms_and_the_demo_admin_the_default_settings(app, session):
    load_demo(session, months=1)
    admin = new_client(app)
    web_login(admin, "admin@demo.fieldaudit.org", DEMO_PASSWORD)
    settings = admin.get("/admin/settings").text
    assert (
        'name="shopper_pseudonyms" value="1" checked' in settings and 'name="show_score_preview" value="1">' in settings
    )

    manager = new_client(app)
    web_login(manager, "manager.london@demo.fieldaudit.org", DEMO_PASSWORD)
    london = session.scalar(select(Region).where(Region.code == "LON"))
    branch = session.scalars(select(Branch).where(Branch.region_id == london.id).order_by(Branch.code)).first()
    page = manager.get(f"/dashboard/branches/{branch.id}").text
    shoppers = session.scalars(
        select(User).where(User.id.in_(select(Visit.shopper_id).where(Visit.branch_id == branch.id)))
    ).all()
    assert shoppers and all(f"Shopper {s.pseudonym}" in page and s.name not in page for s in shoppers)
    names = [u.name for u in session.scalars(select(User).where(User.role == "shopper"))]
    assert not any(name in page for name in names)
    assert not any(name in manager.get(f"/dashboard/regions/{london.id}/visits.csv").text for name in names)
