"""`fieldaudit reports render`: many PDFs in one go, clear messages and a non-zero exit when something is wrong."""

from __future__ import annotations

import pytest

import server.services.reports.files as report_files
from tests.server.scores.api_world import build


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def api(session, make):
    return build(session, make)


def render(runner, *args):
    return runner.invoke(args=["reports", "render", *args])


def test_a_region_and_its_branches_are_rendered_into_the_folder(runner, api, tmp_path):
    result = render(
        runner,
        "--region",
        api.region.code.lower(),
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--out",
        str(tmp_path / "out"),
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [f"branch-{code}-2026-03-01-2026-03-31.pdf" for code in ("A", "B", "V")] + [
        f"region-{api.region.code}-2026-03-01-2026-03-31.pdf"
    ]
    assert all((tmp_path / "out" / name).read_bytes().startswith(b"%PDF") for name in names)
    assert "Wrote 4 of 4 reports" in result.output


def test_all_regions_without_branch_reports(runner, api, tmp_path):
    result = render(runner, "--all", "--no-branches", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("region-*.pdf"))) == 2


@pytest.mark.parametrize(
    "args,message",
    [
        (["--region", "NOPE"], "no region with code 'NOPE'"),
        ([], "Give --region CODE (repeatable) or --all"),
        (["--all", "--from", "2026-04-01", "--to", "2026-03-01"], "must be on or before 'to'"),
        (["--all", "--from", "March"], "Invalid value for '--from'"),
        (["--all", "--template-id", "4242"], "there is no checklist template 4242"),
    ],
)
def test_bad_options_are_refused_with_a_clear_message(runner, api, tmp_path, args, message):
    result = render(runner, *args, "--out", str(tmp_path / "out"))
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_an_unwritable_folder_is_a_clear_error(runner, api, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = render(runner, "--all", "--out", str(blocker / "out"))
    assert result.exit_code == 1 and "out: cannot create" in result.output


def test_a_report_that_fails_is_named_and_the_rest_are_still_written(runner, api, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr(report_files, "region_pdf", broken)
    result = render(runner, "--region", api.region.code, "--out", str(tmp_path))
    assert result.exit_code == 1
    assert f"failed: region {api.region.code}: RuntimeError: font missing" in result.output
    assert "1 report(s) could not be rendered." in result.output
    assert len(list(tmp_path.glob("branch-*.pdf"))) == 3


def _branch_text(folder, code: str) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    [path] = folder.glob(f"branch-{code}-*.pdf")
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(path.read_bytes())).pages)


def test_branch_reports_show_shoppers_as_managers_see_them_unless_names_are_asked_for(runner, api, tmp_path, session):
    shopper = api.visit.shopper  # Sam Shopper made every visit of the world
    period = ["--from", "2026-03-01", "--to", "2026-03-31", "--region", api.region.code]
    assert render(runner, *period, "--out", str(tmp_path / "handout")).exit_code == 0
    handout = _branch_text(tmp_path / "handout", "A")
    assert f"Shopper {shopper.pseudonym}" in handout and shopper.name not in handout
    assert render(runner, *period, "--shopper-names", "--out", str(tmp_path / "named")).exit_code == 0
    assert shopper.name in _branch_text(tmp_path / "named", "A")
