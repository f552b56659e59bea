"""Every report opens with its title, generation time, filters and the logo when one is given."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from reports.visit import build_visit_report
from tests.reports.samples import logo, sample_visit

from .factories import bare_header, bare_visit
from .pdfcheck import contains, images, pages


def test_the_header_prints_title_generation_time_and_filters_in_order():
    header = dataclasses.replace(
        bare_header("Visit report"),
        subtitle="Leeds",
        filters={"Region": "North", "Period": "Q1 2026"},
        generated_at=datetime(2026, 4, 2, 10, 15, tzinfo=timezone(timedelta(hours=2))),
    )
    first = pages(build_visit_report(bare_visit(header=header)))[0]
    assert contains(first, "Visit reportLeeds") and contains(first, "Generated 2026-04-02 10:15 +02:00")
    assert contains(first, "RegionNorthPeriodQ1 2026")


def test_the_logo_is_embedded_downscaled_and_a_broken_logo_is_left_out():
    with_logo = build_visit_report(bare_visit(header=dataclasses.replace(bare_header(), logo_png=logo())))
    assert images(with_logo) == [(400, 140)]
    broken = build_visit_report(bare_visit(header=dataclasses.replace(bare_header(), logo_png=b"\x89PNG broken")))
    assert images(broken) == []


def test_the_sample_visit_report_is_a_sensible_size():
    assert len(build_visit_report(sample_visit())) < 300_000
