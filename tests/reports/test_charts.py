"""Charts are reportlab Drawings that render to PDF and to SVG with the same values and literal labels."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reportlab.graphics.shapes import Group, String

from reports.charts import for_pdf, heatmap, histogram, section_bars, to_svg, trend_line
from reports.data import HeatmapRow, TrendPoint
from reports.typography import CJK, SANS

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(drawing) -> list[str]:
    """The text of every <text> element of the drawing's SVG (which must be well-formed XML)."""
    root = ET.fromstring(to_svg(drawing, inline=True))
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def pdf_strings(drawing) -> list[String]:
    """Every String of a drawing after for_pdf, however deep."""
    out, todo = [], [for_pdf(drawing)]
    while todo:
        node = todo.pop()
        if isinstance(node, Group):
            todo.extend(node.contents)
        elif isinstance(node, String):
            out.append(node)
    return out


def test_the_section_bar_chart_svg_shows_every_title_and_percent():
    texts = svg_texts(section_bars(["Arrival", "Service", "Notes"], [66.67, 100.0, None], 480))
    assert {"Arrival", "Service", "Notes", "66.7%", "100.0%", "no data"} <= set(texts)


def test_the_section_bar_chart_compares_with_the_region_when_given():
    texts = svg_texts(section_bars(["Arrival"], [70.0], 480, compare=[82.26], legend=("Branch", "Region")))
    assert {"70.0%", "82.3%", "Branch", "Region"} <= set(texts)


def test_the_trend_chart_svg_labels_each_period_and_score_and_leaves_gaps_for_empty_periods():
    points = [
        TrendPoint(label="Jan", score=71.5, visits=3),
        TrendPoint(label="Feb", score=None, visits=0),
        TrendPoint(label="Mar", score=80.0, visits=2),
    ]
    texts = svg_texts(trend_line(points, 480))
    assert {"Jan", "Feb", "Mar", "71.5%", "80.0%"} <= set(texts)


def test_the_histogram_counts_scores_in_ten_point_bands_with_100_in_the_top_band():
    drawing = histogram([5, 55, 58, 91, 100.0], 480)
    texts = svg_texts(drawing)
    assert texts.count("2") >= 2 and "1" in texts
    bars = [r for r in drawing.contents if type(r).__name__ == "Rect"]
    assert len(bars) == 10


def test_the_heat_map_svg_prints_every_cell_value_and_row_label():
    rows = [
        HeatmapRow(label="B001 Leeds", percents=[81.26, None]),
        HeatmapRow(label="B002 York", percents=[40.0, 99.9]),
    ]
    texts = svg_texts(heatmap(["Arrival", "Service"], rows, 480))
    assert {"B001 Leeds", "B002 York", "81.3", "—", "40.0", "99.9", "Arrival", "Service"} <= set(texts)


def test_charts_with_no_data_render_a_message_instead_of_failing():
    assert "No sections to chart." in svg_texts(section_bars([], [], 480))
    assert "No scored visits in this period." in svg_texts(trend_line([TrendPoint(label="W1", score=None)], 480))
    assert "No scores to show." in svg_texts(histogram([], 480))
    assert "No section results to show." in svg_texts(heatmap([], [], 480))


def test_markup_in_chart_labels_is_escaped_in_svg_and_reads_back_literally():
    label = "<img src=x> & <b>"
    svg = to_svg(section_bars([label], [50.0], 480))
    assert "<img src=x>" not in svg and "&lt;img src=x&gt; &amp; &lt;b&gt;" in svg
    assert label in svg_texts(section_bars([label], [50.0], 480))


def test_svg_keeps_logical_order_but_the_pdf_drawing_gets_shaped_visual_text_and_cjk_font_runs():
    arabic, mixed = "خدمة", "Service 店員"
    assert arabic in svg_texts(section_bars([arabic], [50.0], 480))
    strings = pdf_strings(section_bars([arabic, mixed], [50.0, 60.0], 480))
    assert not any(s.text == arabic for s in strings)
    assert any(s.fontName == CJK and s.text == "店員" for s in strings)
    assert any(s.fontName == SANS and s.text.startswith("Service") for s in strings)


def test_long_labels_are_cut_with_an_ellipsis_to_fit():
    texts = svg_texts(section_bars(["A very long section title " * 10], [50.0], 480))
    assert any(t.endswith("…") and len(t) < 100 for t in texts)
