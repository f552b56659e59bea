"""The CSV export: the visits behind the league table, UTF-8 with a BOM, and no cell Excel would run as a formula."""

from __future__ import annotations

import csv
import io

from server.services import scores
from server.web.dashboard.csv_export import csv_text, safe_cell
from tests.server.auth_helpers import web_login


def export(client, world, who="nora", region="north", **query):
    web_login(client, world.people[who].email)
    return client.get(f"/dashboard/regions/{world.regions[region].id}/visits.csv", query_string=query)


def test_the_export_is_utf8_csv_with_a_bom_as_a_download(client, world):
    response = export(client, world)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="visits-NOR-')
    assert response.data.startswith("\ufeff".encode("utf-8"))


def test_the_export_has_one_row_per_visit_counted_in_the_league_table(client, session, world):
    rows = list(csv.DictReader(io.StringIO(export(client, world).data.decode("utf-8-sig"))))
    league = scores.region_league(session, world.regions["north"], scores.make_scope(session))
    assert len(rows) == league.visits == 4
    assert {r["branch_code"] for r in rows} == {"N-001", "N-002"}
    failed = next(r for r in rows if r["visit_id"] == str(world.failed.id))
    assert (failed["score_percent"], failed["critical_failures"], failed["zeroed"]) == ("0.0", "1", "yes")


def test_cells_that_start_like_formulas_get_a_quote_and_numbers_stay_numbers():
    assert [safe_cell(v) for v in ("=1+2", "+44 20", "-x", "@SUM(A1)", "\tx", "plain", None)] == [
        "'=1+2",
        "'+44 20",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        "",
    ]
    assert safe_cell(-3.5) == "-3.5" and safe_cell(0) == "0"
    text = csv_text(["name"], [['=HYPERLINK("http://evil")'], ["Zoë, Łódź"]])
    assert text.startswith("\ufeffname\r\n")
    assert list(csv.reader(io.StringIO(text[1:])))[1:] == [['\'=HYPERLINK("http://evil")'], ["Zoë, Łódź"]]


def test_a_hostile_branch_name_is_escaped_in_the_export(client, session, world):
    world.branches["n2"].name = "=cmd|' /C calc'!A0"
    session.commit()
    rows = list(csv.reader(io.StringIO(export(client, world).data.decode("utf-8-sig"))))
    assert "'=cmd|' /C calc'!A0" in [cell for row in rows for cell in row]


def test_the_export_follows_the_period(client, world):
    rows = export(client, world, **{"from": "2000-01-01", "to": "2000-03-31"}).data.decode("utf-8-sig").splitlines()
    assert len(rows) == 1  # the header only
