"""An admin sets up a region in Chromium: creates it, adds a branch, imports two by CSV, and creates its manager."""

from __future__ import annotations

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

SHOTS = "/tmp/fieldaudit-org"


def test_an_admin_builds_a_region_with_branches_and_a_manager(page, live_server, make, tmp_path):
    admin = make.user("admin", name="Ada Admin")
    sign_in(page, live_server, admin.email, PASSWORD)

    page.click("nav.sections >> text=Regions")
    page.click("text=New region")
    page.fill("#f-code", "nor")
    page.fill("#f-name", "North Coast")
    page.click("button[type=submit] >> text=Create region")
    assert page.locator("h1").inner_text().startswith("North Coast")

    page.click("text=New branch")
    page.fill("#f-code", "N-001")
    page.fill("#f-name", "Harbour Street")
    page.fill("#f-address", "1 Harbour Street, Bristol")
    page.fill("#f-latitude", "95")  # a typo first: the form says which field, keeping what was typed
    page.fill("#f-longitude", "-2.5967")
    page.click("button[type=submit] >> text=Create branch")
    assert page.locator("#latitude-error").is_visible()
    assert page.input_value("#f-name") == "Harbour Street"
    page.screenshot(path=f"{SHOTS}-branch-form-error.png", full_page=True)
    page.fill("#f-latitude", "51.4505")
    page.click("button[type=submit] >> text=Create branch")
    assert page.get_by_role("cell", name="Harbour Street", exact=True).is_visible()

    csv_file = tmp_path / "branches.csv"
    csv_file.write_text(
        "\ufeffcode,name,address,latitude,longitude\n"
        'N-002,Quay Side,"2 Quay Road, Bristol",51.4490,-2.5980\n'
        "N-003,Old Market,3 Old Market St,51.4560,-2.5830\n",
        encoding="utf-8",
    )
    bad_file = tmp_path / "bad.csv"
    bad_file.write_text(
        "code,name,address,latitude,longitude\nN-001,Taken,,,\nN-009,Far Away,,123,0\n", encoding="utf-8"
    )
    page.click("text=Import CSV")
    page.set_input_files("input[type=file]", str(bad_file))
    page.click("button[type=submit] >> text=Preview")
    assert page.get_by_text("Latitude must be between -90 and 90").is_visible()
    assert page.locator("button", has_text="Import").count() == 0  # nothing to confirm while a row is wrong
    page.screenshot(path=f"{SHOTS}-preview-errors.png", full_page=True)
    page.click("text=Upload another file")
    page.set_input_files("input[type=file]", str(csv_file))
    page.click("button[type=submit] >> text=Preview")
    assert page.locator("table.preview tbody tr").count() == 2
    page.screenshot(path=f"{SHOTS}-preview.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}-preview-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("text=Import 2 branches")
    assert page.locator(".flash.success").inner_text() == "Imported 2 branches."
    assert page.locator("table.sortable tbody tr").count() == 3
    page.click("th >> text=Name")  # sortable by name: Harbour, Old Market, Quay Side
    names = page.locator("table.sortable tbody tr td:nth-child(2)").all_inner_texts()
    assert names == ["Harbour Street", "Old Market", "Quay Side"]
    page.screenshot(path=f"{SHOTS}-branches.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}-branches-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.click("nav.sections >> text=Users")
    page.click("text=New user")
    page.fill("#f-email", "nora@example.test")
    page.fill("#f-name", "Nora Manager")
    page.select_option("#f-role", "manager")
    page.fill("#f-password", "a long enough password")
    page.check('label.check:has-text("NOR · North Coast") input')
    page.click("button[type=submit] >> text=Create user")
    row = page.locator("tr", has_text="Nora Manager")
    assert "manager" in row.inner_text() and "NOR" in row.inner_text()
    page.screenshot(path=f"{SHOTS}-users.png", full_page=True)
    page.click("text=Nora Manager")
    assert page.is_checked('label.check:has-text("NOR · North Coast") input')
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}-user-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=f"{SHOTS}-user.png", full_page=True)

    page.click("nav.sections >> text=Activity")
    assert page.get_by_text("Created manager nora@example.test").is_visible()
    assert page.get_by_text("Imported 2 branches into NOR: 2 created, 0 updated").is_visible()
    page.screenshot(path=f"{SHOTS}-activity.png", full_page=True)
