"""The crowds benchmark runs end to end against the production command on a tiny organisation (no timing asserted)."""

from __future__ import annotations

import re

import pytest

from benchmarks.crowds import main


@pytest.mark.slow
def test_a_tiny_crowds_run_pulls_every_phone_and_reloads_the_dashboard_while_visits_are_approved(capsys):
    main(
        [
            "--visits",
            "200",
            "--branches",
            "5",
            "--shoppers",
            "3",
            "--managers",
            "2",
            "--seconds",
            "1",
            "--incremental",
            "2",
            "--approve-every",
            "0.2",
            "--workers",
            "2",
        ]
    )
    out = capsys.readouterr().out
    assert re.search(r"200 sqlite\s+3 first pulls at once, 2 workers: all done in [\d.]+ s", out)
    assert re.search(r"wait per phone\s+p50 [\d.]+ s", out) and "(3 pages)" in out
    assert re.search(r"dashboard quiet\s+2 managers: [\d.]+ pages/s", out)
    approved = re.search(r"dashboard approving\s+2 managers: [\d.]+ pages/s .*, (\d+) visits approved", out)
    assert approved and int(approved.group(1)) >= 1
