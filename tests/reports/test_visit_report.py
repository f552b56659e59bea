"""The visit report prints what it was given: score, sections, answers, critical failures first, photos small."""

from __future__ import annotations

import dataclasses

from reports.data import CriticalFailure, PhotoThumb, QuestionRow, SectionRow
from reports.visit import build_visit_report
from tests.reports.samples import photo, sample_visit

from .factories import bare_visit
from .pdfcheck import contains, image_streams, images, pages


def test_the_visit_report_prints_the_score_every_section_percent_and_every_answer():
    data = sample_visit()
    text = "\n".join(pages(build_visit_report(data)))
    assert contains(text, f"{data.score:.1f}%")
    for section in data.sections:
        assert contains(text, section.title)
        assert contains(text, f"{section.percent:.1f}%")
    for question in data.questions:
        assert contains(text, question.text)
        if question.answer_text:
            assert contains(text, question.answer_text)


def test_critical_failures_are_listed_on_page_one_and_the_flag_is_stated_in_words():
    data = sample_visit()
    assert data.critical_failures and data.flagged
    first = pages(build_visit_report(data))[0]
    assert contains(first, f"Critical failures ({len(data.critical_failures)})")
    for failure in data.critical_failures:
        assert contains(first, failure.question_text)
    assert contains(first, "Flagged: a critical item failed")


def test_a_zeroed_visit_says_its_score_was_set_to_zero():
    data = dataclasses.replace(sample_visit(), score=0.0, zeroed=True, flagged=False)
    first = pages(build_visit_report(data))[0]
    assert contains(first, "0.0%")
    assert contains(first, "Zeroed: a critical item failed, so the score is set to 0%.")


def test_a_visit_that_could_not_be_scored_says_not_scored_rather_than_zero():
    data = bare_visit(
        sections=[SectionRow(title="Notes", percent=None, earned=0, possible=0)],
        questions=[QuestionRow(section_title="Notes", text="Anything else?", answer_text="No", status="unscored")],
    )
    first = pages(build_visit_report(data))[0]
    assert contains(first, "Not scored")
    assert "0.0%" not in first


def test_a_visit_with_no_sections_no_answers_and_no_photos_still_builds_and_says_so():
    text = "\n".join(pages(build_visit_report(bare_visit())))
    assert contains(text, "This checklist has no sections.")
    assert contains(text, "No answers were recorded.")


def test_every_page_says_page_n_of_m_in_the_footer():
    texts = pages(build_visit_report(sample_visit()))
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text


def test_photo_thumbnails_are_embedded_as_the_given_jpeg_never_decoded_or_shrunk(monkeypatch):
    import reports.images

    source = photo(5, 360, 240)
    monkeypatch.setattr(reports.images, "downscale", None)  # the photo path must not shrink anything
    data = bare_visit(
        questions=[
            QuestionRow(
                section_title="S",
                text="Storefront",
                answer_text="1 photo",
                status="unscored",
                photos=[PhotoThumb(image=source, caption="front")],
            )
        ]
    )
    pdf = build_visit_report(data)
    assert images(pdf) == [(360, 240)]
    assert image_streams(pdf) == [source]  # the JPEG's own bytes are the PDF's image stream (DCTDecode)


def test_drawing_a_photo_thumbnail_never_decodes_its_pixels(monkeypatch):
    from PIL import ImageFile

    source = photo(6, 360, 240)
    data = bare_visit(
        questions=[
            QuestionRow(
                section_title="S",
                text="Storefront",
                answer_text="1 photo",
                status="unscored",
                photos=[PhotoThumb(image=source)],
            )
        ]
    )

    def refuse(self):
        raise AssertionError("a thumbnail's pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    pdf = build_visit_report(data)
    monkeypatch.undo()
    assert image_streams(pdf) == [source]


def test_a_camera_size_photo_is_never_embedded_in_a_report():
    data = bare_visit(
        questions=[
            QuestionRow(
                section_title="S",
                text="Storefront",
                answer_text="1 photo",
                status="unscored",
                photos=[PhotoThumb(image=photo(5, 3000, 2000))],
            )
        ]
    )
    pdf = build_visit_report(data)
    assert images(pdf) == []
    assert contains("\n".join(pages(pdf)), "(photo could not be read)")


def test_a_photo_the_server_could_not_show_prints_why():
    data = bare_visit(
        questions=[
            QuestionRow(
                section_title="S",
                text="Storefront",
                answer_text="1 photo",
                status="unscored",
                photos=[PhotoThumb(image=b"", missing="over the 50 megapixel limit <b>")],
            )
        ]
    )
    assert contains("\n".join(pages(build_visit_report(data))), "(photo not shown: over the 50 megapixel limit <b>)")


def test_an_unreadable_photo_prints_a_placeholder_instead_of_failing_the_report():
    data = bare_visit(
        questions=[
            QuestionRow(
                section_title="S",
                text="Storefront",
                answer_text="1 photo",
                status="unscored",
                photos=[PhotoThumb(image=b"not an image")],
            )
        ]
    )
    assert contains("\n".join(pages(build_visit_report(data))), "(photo could not be read)")


def test_many_critical_failures_with_long_comments_split_across_pages_and_comments_are_cut_short():
    comment = "The manager refused the refund. " * 400
    failures = [
        CriticalFailure(question_text=f"Critical item {n}", section_title="Sales", comment=comment) for n in range(30)
    ]
    texts = pages(build_visit_report(bare_visit(score=0.0, zeroed=True, critical_failures=failures)))
    assert len(texts) >= 2
    assert contains(texts[0], "Critical failures (30)") and contains(texts[0], "Critical item 0")
    assert contains("\n".join(texts), "Critical item 29")


def test_a_visit_that_could_not_be_completed_prints_why_instead_of_an_empty_score_table():
    data = bare_visit(not_completed="Could not complete: Shop closed — Shutters <down> & locked")
    text = "\n".join(pages(build_visit_report(data)))
    assert contains(text, "Could not complete: Shop closed — Shutters <down> & locked")
    assert contains(text, "Not scored: the visit could not be completed.")
    assert "This checklist has no sections." not in text and "No answers were recorded." not in text
