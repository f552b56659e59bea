"""User text prints literally in every report: markup-looking text, entities, RTL and CJK scripts, emoji, huge comments."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest

from reports.branch import build_branch_report
from reports.data import CriticalFailure, PhotoThumb, QuestionRow, ReportHeader, SectionRow
from reports.region import build_region_report
from reports.visit import build_visit_report
from tests.reports.samples import photo, sample_branch, sample_region

from .factories import NOW, bare_visit
from .pdfcheck import body, contains, pages, squash

MARKUP = [
    "<img src=x>",
    "<font size=500>big</font>",
    "&amp;",
    "Fish & chips",
    "line<br/>break",
    "\"double\" and 'single' quotes",
    "<b>not bold</b> <a href='javascript:x'>link</a>",
    "a < b > c &lt;",
]
ARABIC = "الموظف كان لطيفا جدا"
HEBREW = "שלום עולם"
CJK = "店員は親切でした 中文评论 한국어 댓글"
LONG = "START " + "The queue was long and nobody explained the delay. " * 100 + "END"


def rtl_printed(text: str, phrase: str) -> bool:
    """Whether every word of a right-to-left phrase is in the text (in either character order: extractors differ)."""
    flat = squash(text)
    return all(squash(w) in flat or squash(w)[::-1] in flat for w in phrase.split())


def hostile_visit(extra: str) -> object:
    """A visit whose every text field carries `extra`."""
    header = ReportHeader(
        title=f"Visit {extra}", subtitle=extra, generated_at=NOW, organisation=extra, filters={extra: extra}
    )
    return bare_visit(
        header=header,
        branch_name=extra,
        branch_code=extra,
        region_name=extra,
        shopper=extra,
        template_title=extra,
        status=extra,
        score=50.0,
        flagged=True,
        review_note=extra,
        visit_id=extra,
        critical_failures=[CriticalFailure(question_text=extra, section_title=extra, comment=extra)],
        sections=[SectionRow(title=extra, percent=50.0, earned=1, possible=2)],
        questions=[
            QuestionRow(
                section_title=extra,
                text=extra,
                answer_text=extra,
                comment=extra,
                status="scored",
                earned=1,
                possible=2,
                critical=True,
                photos=[PhotoThumb(image=photo(1, 200, 100), caption=extra)],
            )
        ],
    )


@pytest.mark.parametrize("text", MARKUP)
def test_markup_looking_text_prints_literally_in_every_visit_field(text):
    printed = "\n".join(pages(build_visit_report(hostile_visit(text))))
    assert squash(printed).count(squash(text)) >= 12
    assert "big</font>" not in text or contains(printed, "<font size=500>")


def test_arabic_and_hebrew_print_in_every_visit_field_and_the_pdf_builds():
    for phrase in (ARABIC, HEBREW):
        printed = "\n".join(pages(build_visit_report(hostile_visit(phrase))))
        assert rtl_printed(printed, phrase)


def test_arabic_is_shaped_into_joined_letter_forms():
    printed = "\n".join(pages(build_visit_report(hostile_visit(ARABIC))))
    forms = {unicodedata.name(ch).split()[-2] for ch in printed if "ARABIC LETTER" in unicodedata.name(ch, "")}
    assert {"INITIAL", "MEDIAL", "FINAL"} <= forms


def test_cjk_text_prints_in_every_visit_field():
    printed = "\n".join(pages(build_visit_report(hostile_visit(CJK))))
    assert contains(printed, CJK)


def test_emoji_do_not_break_the_report_and_the_text_around_them_prints():
    printed = "\n".join(pages(build_visit_report(hostile_visit("Great service 😀👍🏽 ok"))))
    assert contains(printed, "Great service")


def test_a_5000_character_comment_and_answer_wrap_over_pages_and_print_whole():
    assert len(LONG) > 5000
    data = bare_visit(
        questions=[QuestionRow(section_title="S", text="Tell us", answer_text=LONG, comment=LONG, status="unscored")]
    )
    pdf = build_visit_report(data)
    assert len(pages(pdf)) >= 2
    assert squash(body(pdf)).count(squash(LONG)) == 2


def test_a_5000_character_word_without_spaces_is_broken_to_fit():
    word = "x" * 5000
    data = bare_visit(
        questions=[QuestionRow(section_title="S", text=word, answer_text=word, comment=word, status="unscored")]
    )
    assert squash(body(build_visit_report(data))).count("x") == 3 * len(word)


def test_hostile_branch_names_print_literally_in_league_tables_and_branch_reports():
    names = ["<img src=x>", "A&B", ARABIC, CJK]
    region = sample_region(4)
    league = [dataclasses.replace(row, branch_name=name) for row, name in zip(region.league, names)]
    printed = "\n".join(pages(build_region_report(dataclasses.replace(region, league=league))))
    assert contains(printed, "<img src=x>") and contains(printed, "A&B") and contains(printed, CJK)
    assert rtl_printed(printed, ARABIC)
    branch = dataclasses.replace(sample_branch(), branch_name="<font size=500>X</font>", region_name=HEBREW)
    printed = "\n".join(pages(build_branch_report(branch)))
    assert contains(printed, "<font size=500>X</font>") and rtl_printed(printed, HEBREW)
