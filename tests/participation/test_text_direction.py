"""participation.text: each paragraph and each line of free text in its own direction."""

from participation.text import (
    LRI,
    PDI,
    directed_paragraphs,
    isolate_ltr_text,
    ltr_html,
    strong_direction,
)

ARABIC = "نريد ترجمة المستندات مجاناً."
ENGLISH = "We want documents translated for free."
UKRAINIAN = "Ми хочемо безкоштовний переклад документів."
GREEK = "Θέλουμε δωρεάν μετάφραση εγγράφων."
HEBREW = "אנחנו רוצים תרגום חינם."
PERSIAN = "ما ترجمه رایگان می‌خواهیم."
AMHARIC = "ነፃ ትርጉም እንፈልጋለን።"


def test_strong_direction_follows_the_first_strong_letter():
    assert strong_direction(ARABIC) == "rtl"
    assert strong_direction("2026 — " + ENGLISH) == "ltr"
    assert strong_direction("« " + HEBREW) == "rtl"
    assert strong_direction("12:30 — 5 %") is None
    assert strong_direction("") is None


def test_arabic_first_line_then_latin_cyrillic_greek_lines_each_take_their_own():
    text = "\n".join([ARABIC, ENGLISH, UKRAINIAN, GREEK])
    [(paragraph, lines)] = directed_paragraphs(text)
    assert paragraph == "rtl"
    assert lines == [("rtl", ARABIC), ("ltr", ENGLISH), ("ltr", UKRAINIAN), ("ltr", GREEK)]


def test_five_scripts_line_by_line_in_two_paragraphs():
    text = f"{ENGLISH}\r\n{ARABIC}\r\n{AMHARIC}\r\n\r\n{HEBREW}\n{UKRAINIAN}\n{PERSIAN}\n"
    assert directed_paragraphs(text) == [
        ("ltr", [("ltr", ENGLISH), ("rtl", ARABIC), ("ltr", AMHARIC)]),
        ("rtl", [("rtl", HEBREW), ("ltr", UKRAINIAN), ("rtl", PERSIAN)]),
    ]


def test_neutral_lines_take_their_paragraphs_direction():
    text = f"123 456\n{ARABIC}\n— 5 %\n\n2026-12-02\n\n{ENGLISH}\n!!!"
    assert directed_paragraphs(text) == [
        ("rtl", [("rtl", "123 456"), ("rtl", ARABIC), ("rtl", "— 5 %")]),
        ("ltr", [("ltr", "2026-12-02")]),  # no strong letter at all: the default
        ("ltr", [("ltr", ENGLISH), ("ltr", "!!!")]),
    ]
    assert directed_paragraphs("42", default="rtl") == [("rtl", [("rtl", "42")])]


def test_blank_and_empty_text_has_no_paragraph():
    assert directed_paragraphs("") == []
    assert directed_paragraphs(None) == []
    assert directed_paragraphs(" \n\t\n \n") == []


def test_control_characters_cannot_turn_a_line_or_reach_the_next():
    # An override forcing right to left, an unclosed embedding, an isolate: all dropped, so
    # the English line keeps its own direction and the override reaches nothing after it.
    text = f"\u202e{ENGLISH}\n\u202b{ARABIC}\n\u2067{UKRAINIAN}"
    [(paragraph, lines)] = directed_paragraphs(text)
    assert paragraph == "ltr"
    assert lines == [("ltr", ENGLISH), ("rtl", ARABIC), ("ltr", UKRAINIAN)]
    assert not any(ch in line for _, line in lines for ch in "\u202a\u202b\u202c\u202d\u202e")


def test_a_mixed_script_name_with_controls():
    name = "\u202eAmina \u0623\u0645\u064a\u0646\u0629\u2069 Петренко\x00"
    [(paragraph, [(line_dir, line)])] = directed_paragraphs(name)
    assert paragraph == line_dir == "ltr" and line.startswith("Amina ")
    assert "\u202e" not in line and "\u2069" not in line


def test_identifiers_are_isolated_left_to_right():
    assert isolate_ltr_text("C-AWD-2026-5JMB") == f"{LRI}C-AWD-2026-5JMB{PDI}"
    assert isolate_ltr_text("\u202eX-1") == f"{LRI}X-1{PDI}"
    assert isolate_ltr_text("") == "" and isolate_ltr_text(None) == ""
    assert ltr_html("C-1<b>") == '<bdi dir="ltr">C-1&lt;b&gt;</bdi>'
    assert ltr_html("C-1", marks=True) == f'<bdi dir="ltr">{LRI}C-1{PDI}</bdi>'
