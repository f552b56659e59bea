"""SAMPLE data for docs, tests and benchmarks only: a realistic visit, branch and region report input, deterministic."""

from __future__ import annotations

import io
import random
import uuid
from datetime import UTC, date, datetime, timedelta

from PIL import Image, ImageDraw

from reports.adapt import visit_rows
from reports.data import (
    BranchReportData,
    CriticalFailure,
    GeoPoint,
    HeatmapRow,
    LeagueRow,
    PhotoThumb,
    QuestionRate,
    RegionReportData,
    ReportHeader,
    SectionComparison,
    SectionHeatmap,
    TrendPoint,
    VisitReportData,
    VisitSummary,
)
from shared.checklist import Checklist, Option, PassRule, Question, Section
from shared.scoring import score_visit
from shared.visit import Answer, PhotoRef

GENERATED = datetime(2026, 4, 2, 8, 15, tzinfo=UTC)
SECTIONS = ("Convenience: arrival", "Responsiveness", "Cleanliness", "Sales", "Overall impression")
BRANCH_NAMES = (
    "Zürich Bahnhofstrasse",
    "Leeds Briggate",
    "Київ Центр",
    "東京駅前",
    "دبي مول",
    "Lyon Part-Dieu",
    "Γλυφάδα",
    "Tel Aviv Dizengoff",
    "São Paulo Paulista",
    "Kraków Rynek",
    "Seoul 강남",
    "Oslo Sentrum",
)

CHECKLIST = Checklist(
    title="Customer service mystery shop",
    critical_policy="flag",
    sections=(
        Section(
            key="arrival",
            title=SECTIONS[0],
            questions=(
                Question(
                    key="open",
                    text="Was the branch open during the hours posted at the entrance or online?",
                    type="yes_no",
                    required=True,
                    critical=True,
                ),
                Question(key="find", text="Were the entrance, signage and queue easy to find?", type="yes_no"),
                Question(
                    key="wait",
                    text="How many minutes did you wait before a member of staff was free to help you?",
                    type="number",
                    min=0,
                    max=240,
                    pass_rule=PassRule("<=", 3),
                ),
                Question(key="front", text="Take a photo of the storefront.", type="photo", min_photos=1),
            ),
        ),
        Section(
            key="resp",
            title=SECTIONS[1],
            questions=(
                Question(
                    key="greet",
                    text="How warmly were you greeted?",
                    type="scale",
                    min=1,
                    max=5,
                    labels=((1, "Ignored"), (3, "Polite"), (5, "Warm and personal")),
                ),
                Question(
                    key="know",
                    text="How well did the staff member know the product you asked about?",
                    type="choice",
                    options=(
                        Option("expert", "Knew it in depth", 1),
                        Option("ok", "Knew the basics", 0.5),
                        Option("none", "Did not know", 0),
                    ),
                ),
            ),
        ),
        Section(
            key="clean",
            title=SECTIONS[2],
            questions=(
                Question(key="floor", text="Were floors, counters and displays clean and tidy?", type="yes_no"),
                Question(key="toilet", text="Were the customer toilets clean?", type="yes_no", allow_na=True),
            ),
        ),
        Section(
            key="sales",
            title=SECTIONS[3],
            questions=(
                Question(
                    key="offer",
                    text="Did the staff member suggest a product or service that suited your need?",
                    type="yes_no",
                ),
                Question(
                    key="price",
                    text="Was the price charged the price shown on the shelf?",
                    type="yes_no",
                    critical=True,
                ),
                Question(key="receipt", text="Photograph the receipt.", type="photo"),
            ),
        ),
        Section(
            key="overall",
            title=SECTIONS[4],
            questions=(
                Question(key="again", text="Would you come back to this branch?", type="yes_no", weight=2),
                Question(key="notes", text="Anything else the branch manager should know?", type="text"),
            ),
        ),
    ),
)

ANSWERS = (
    Answer("open", "yes"),
    Answer("find", "yes", comment="Clear sign; queue barrier by the door & a ticket machine."),
    Answer("wait", 6, comment="Two staff were on the phone; nobody acknowledged me for six minutes."),
    Answer("greet", 4),
    Answer("know", "ok", comment="الموظف كان لطيفا لكنه لم يعرف تفاصيل الضمان."),
    Answer("floor", "yes"),
    Answer("toilet", na=True),
    Answer("offer", "no", comment="Asked about a travel adapter; was not offered the case or insurance."),
    Answer(
        "price",
        "no",
        comment="Shelf label said 24.90, till charged 29.90. Receipt photographed. 店員は返金してくれました。",
    ),
    Answer("again", "yes"),
    Answer("notes", "Staff friendly overall. Price label issue should be checked <today>."),
)


def photo(seed: int, width: int = 1600, height: int = 1200) -> bytes:
    """A camera-sized JPEG made of coloured shapes (stands in for a shopper's photo)."""
    rnd = random.Random(seed)
    img = Image.new("RGB", (width, height), (rnd.randrange(90, 200), rnd.randrange(90, 200), rnd.randrange(90, 200)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rnd.randrange(width), rnd.randrange(height)
        draw.rectangle(
            [x, y, x + rnd.randrange(80, 600), y + rnd.randrange(60, 400)],
            fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)),
        )
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def logo() -> bytes:
    """A small transparent PNG logo."""
    img = Image.new("RGBA", (400, 140), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle([0, 0, 399, 139], radius=28, fill=(31, 111, 235, 255))
    draw.ellipse([30, 30, 110, 110], fill=(255, 255, 255, 255))
    draw.rectangle([140, 50, 360, 90], fill=(255, 255, 255, 220))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def header(title: str, subtitle: str, **filters: str) -> ReportHeader:
    """A report header with the sample logo and the given filters."""
    return ReportHeader(
        title=title,
        subtitle=subtitle,
        generated_at=GENERATED,
        organisation="Northwind Retail",
        filters={k.replace("_", " ").capitalize(): v for k, v in filters.items()},
        logo_png=logo(),
    )


def sample_visit() -> VisitReportData:
    """A scored, flagged visit with comments in three scripts and three photos."""
    refs = [
        PhotoRef(id=uuid.UUID(int=n), question=key, sha256="0" * 64, size=1, content_type="image/jpeg")
        for n, key in enumerate(("front", "price", "receipt"))
    ]
    score = score_visit(CHECKLIST, ANSWERS, refs)
    thumbs = {
        "front": [PhotoThumb(image=photo(1, 360, 270), caption="Storefront, 09:58")],
        "price": [PhotoThumb(image=photo(2, 360, 270), caption="Shelf label")],
        "receipt": [PhotoThumb(image=photo(3, 270, 360), caption="Receipt")],
    }
    sections, questions, failures = visit_rows(CHECKLIST, score, ANSWERS, thumbs)
    return VisitReportData(
        header=header("Visit report", "Leeds Briggate · 2026-03-14", branch="LDS-014 Leeds Briggate"),
        branch_name="Leeds Briggate",
        branch_code="LDS-014",
        region_name="North",
        visit_date=date(2026, 3, 14),
        shopper="anonymised",
        template_title=CHECKLIST.title,
        version_number=3,
        status="approved",
        score=score.percent,
        flagged=score.flagged,
        zeroed=score.zeroed,
        critical_failures=failures,
        sections=sections,
        questions=questions,
        started_at=datetime(2026, 3, 14, 9, 55, tzinfo=UTC),
        finished_at=datetime(2026, 3, 14, 10, 31, tzinfo=UTC),
        location=GeoPoint(latitude=53.79681, longitude=-1.54273, accuracy_m=8),
        visit_id="3f2c9a4e-5b7d-4c1e-9a60",
    )


def sample_branch(visits: int = 9) -> BranchReportData:
    """A branch with a quarter of weekly visits, one critical failure, sections against the region."""
    rnd = random.Random(7)
    start = date(2026, 1, 1)
    trend = [
        TrendPoint(
            label=f"W{w + 1:02d}", score=None if w == 5 else round(rnd.uniform(62, 92), 1), visits=0 if w == 5 else 1
        )
        for w in range(min(visits + 1, 13))
    ]
    summaries = [
        VisitSummary(
            visit_date=start + timedelta(days=9 * i + 2),
            shopper="anonymised",
            score=round(rnd.uniform(60, 95), 2),
            status="approved",
            flagged=i == 3,
            critical_failures=int(i == 3),
            template_title=CHECKLIST.title,
        )
        for i in range(visits)
    ]
    scores = [v.score for v in summaries]
    mean = round(sum(scores) / len(scores), 2) if scores else None
    return BranchReportData(
        header=header("Branch report", "Leeds Briggate · Q1 2026", region="North", period="2026-01-01 to 2026-03-31"),
        branch_name="Leeds Briggate",
        branch_code="LDS-014",
        region_name="North",
        period_from=start,
        period_to=date(2026, 3, 31),
        score=mean,
        visit_count=visits,
        ci_low=None if mean is None else round(mean - 6.3, 2),
        ci_high=None if mean is None else round(mean + 6.3, 2),
        region_score=78.4,
        rank=4,
        branches_in_region=12,
        trend=trend,
        sections=[
            SectionComparison(
                title=t, branch_percent=round(rnd.uniform(55, 95), 1), region_percent=round(rnd.uniform(65, 90), 1)
            )
            for t in SECTIONS
        ],
        weakest_questions=[
            QuestionRate(
                text=q.text,
                section_title=CHECKLIST.section_of(q.key).title,
                pass_rate=round(r, 1),
                answered=visits,
                critical=q.critical,
            )
            for q, r in zip(
                [CHECKLIST.question(k) for k in ("wait", "offer", "price", "know", "greet")],
                (33.3, 44.4, 88.9, 61.1, 72.2),
            )
        ],
        critical_failures=[
            CriticalFailure(
                question_text=CHECKLIST.question("price").text,
                section_title=SECTIONS[3],
                comment="Shelf 24.90, till 29.90.",
                visit_date=summaries[3].visit_date,
            )
        ]
        if visits > 3
        else [],
        visits=summaries,
    )


def sample_region(branches: int = 24) -> RegionReportData:
    """A region's quarter over `branches` branches: league table with intervals and changes, distribution, heat map,
    weakest questions and the newest critical failures."""
    rnd = random.Random(11)
    rows = []
    for i in range(branches):
        score = round(min(99.0, max(35.0, rnd.gauss(77, 10))), 2)
        half = round(rnd.uniform(3, 12), 2)
        name = BRANCH_NAMES[i % len(BRANCH_NAMES)] + ("" if i < len(BRANCH_NAMES) else f" {i // len(BRANCH_NAMES) + 1}")
        rows.append((score, half, f"B{i + 1:03d}", name, rnd.randrange(2, 14), round(rnd.uniform(-8, 8), 1)))
    rows.sort(key=lambda r: -r[0])
    league = []
    for rank, (score, half, code, name, count, delta) in enumerate(rows, start=1):
        neighbours = [rows[j] for j in (rank - 2, rank) if 0 <= j < len(rows)]
        uncertain = any(abs(score - other[0]) < half + other[1] for other in neighbours)
        league.append(
            LeagueRow(
                rank=rank,
                branch_code=code,
                branch_name=name,
                score=score,
                visits=count,
                change=delta,
                ci_low=round(score - half, 2),
                ci_high=round(min(100, score + half), 2),
                rank_uncertain=uncertain,
                critical_failures=rnd.choice((0, 0, 0, 1, 2)),
            )
        )
    heat = SectionHeatmap(
        section_titles=SECTIONS,
        rows=[
            HeatmapRow(
                label=f"{r.branch_code} {r.branch_name}",
                percents=[None if rnd.random() < 0.04 else round(rnd.uniform(40, 100), 1) for _ in SECTIONS],
            )
            for r in league
        ],
    )
    scores = [r.score for r in league]
    return RegionReportData(
        header=header("Region report", "North · Q1 2026", region="North", period="2026-01-01 to 2026-03-31"),
        region_name="North",
        period_from=date(2026, 1, 1),
        period_to=date(2026, 3, 31),
        score=round(sum(scores) / len(scores), 2) if scores else None,
        visit_count=sum(r.visits for r in league),
        league=league,
        distribution=scores,
        heatmap=heat,
        trend=[
            TrendPoint(label=m, score=s, visits=v)
            for m, s, v in (("Jan", 74.2, 40), ("Feb", 76.9, 38), ("Mar", 78.1, 44))
        ]
        if branches
        else [],
        weakest_questions=[
            QuestionRate(
                text=CHECKLIST.question(k).text,
                section_title=CHECKLIST.section_of(k).title,
                pass_rate=r,
                answered=120,
                critical=CHECKLIST.question(k).critical,
            )
            for k, r in (("wait", 41.7), ("offer", 52.5), ("know", 66.7))
        ]
        if branches
        else [],
        critical_failures=[
            CriticalFailure(
                question_text=CHECKLIST.question("price").text,
                section_title=SECTIONS[3],
                comment=comment,
                visit_date=date(2026, 3, day),
                branch=f"{league[i].branch_code} {league[i].branch_name}",
            )
            for i, day, comment in ((2, 27, "Shelf 24.90, till 29.90."), (5, 12, ""))
            if i < len(league)
        ],
        critical_failure_total=sum(r.critical_failures for r in league),
    )
