"""User text becomes safe Paragraph markup: escaped, cleaned of control characters, CJK in its font, RTL reordered."""

from __future__ import annotations

from reportlab.platypus import Paragraph

from reports.text import clean, has_rtl, markup, para, runs, visual, wrap_lines
from reports.typography import CJK, SANS, SANS_BOLD, Styles


def test_markup_escapes_every_character_reportlab_would_parse():
    assert markup('<img src="x"> & &amp; <br/>') == "&lt;img src=&quot;x&quot;&gt; &amp; &amp;amp; &lt;br/&gt;"


def test_newlines_become_line_breaks_and_tabs_spaces():
    assert markup("one\r\ntwo\rthree\tfour") == "one<br/>two<br/>three four"


def test_control_characters_and_noncharacters_are_dropped_so_the_parser_never_sees_them():
    assert clean("a\x00b\x07c\x1bd\ufffee\U0010ffff") == "abcde"
    assert clean(None) == "" and clean(42) == "42"


def test_cjk_runs_are_wrapped_in_the_cjk_font_and_everything_else_stays_in_dejavu():
    assert runs("Service 店員 ok") == [(SANS, "Service "), (CJK, "店員 "), (SANS, "ok")]
    assert runs("Ünïcödé Привет Ελλάδα שלום مرحبا", bold=True) == [(SANS_BOLD, "Ünïcödé Привет Ελλάδα שלום مرحبا")]
    assert markup("a店b") == 'a<font name="DroidSansFallback">店</font>b'


def test_arabic_is_joined_and_reordered_for_display_and_latin_is_untouched():
    assert has_rtl("مرحبا") and has_rtl("שלום") and not has_rtl("hello 店員")
    shown = visual("مرحبا")
    assert shown != "مرحبا" and all("\ufe70" <= ch <= "\ufeff" for ch in shown)
    assert visual("plain <text>") == "plain <text>"
    assert visual("שלום") == "םולש"


def test_para_picks_a_bidi_paragraph_for_rtl_text_and_a_plain_paragraph_otherwise():
    assert isinstance(para("hello", Styles.body), Paragraph)
    rtl = para("שלום עולם " * 40, Styles.body)
    width, height = rtl.wrap(200, 1000)
    assert width == 200 and height > 3 * Styles.body.leading


def test_wrap_lines_breaks_at_spaces_and_cuts_words_longer_than_the_line():
    lines = wrap_lines("aaaa bbbb " + "c" * 200, 60, 9)
    assert lines[0] == "aaaa bbbb" and all(len(line) < 40 for line in lines)
    assert "".join(lines[1:]) == "c" * 200
