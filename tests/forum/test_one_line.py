"""One-line text: line breaks become a space, invisible controls go, limits count what is stored."""

import pytest
from django import forms

from forum.common.one_line import OneLineField, one_line

CASES = {
    "newline": ("Vitamin D\nand falls", "Vitamin D and falls"),
    "crlf": ("Vitamin D\r\nand falls", "Vitamin D and falls"),
    "blank_lines": ("Vitamin D \r\n\r\n and falls", "Vitamin D and falls"),
    "tab": ("Vitamin D\tand falls", "Vitamin D and falls"),
    "line_separator": ("Vitamin D\u2028and falls", "Vitamin D and falls"),
    "paragraph_separator": ("Vitamin D\u2029and falls", "Vitamin D and falls"),
    "next_line": ("Vitamin D\x85and falls", "Vitamin D and falls"),
    "rtl_override": ("Vitamin D \u202eslaf dna", "Vitamin D slaf dna"),
    "isolates": ("\u2066Vitamin D\u2069 and falls", "Vitamin D and falls"),
    "zero_width_space": ("Vita\u200bmin D", "Vitamin D"),
    "zero_width_joiner_in_ascii": ("a\u200dlice", "alice"),
    "bom": ("\ufeffVitamin D", "Vitamin D"),
    "nul": ("Vitamin\x00 D", "Vitamin D"),
    "c0_and_c1": ("Vitamin\x07\x1b\x9b D", "Vitamin D"),
    "only_invisible": ("\u200b\u202e\x00\n", ""),
}


@pytest.mark.parametrize("typed,stored", CASES.values(), ids=CASES.keys())
def test_one_line(typed, stored):
    assert one_line(typed) == stored


def test_what_writing_systems_need_is_kept():
    for text in ("Ärzte für Ö", "میخواهم", "नमस्ते", "👩\u200d⚕️ doctor", "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
                 "two  spaces kept", "שָׁלוֹם \u200fok"):
        assert one_line(text) == text


class _Form(forms.Form):
    title = OneLineField(max_length=10, min_length=3)


def test_the_form_limits_count_what_is_stored():
    form = _Form({"title": "abcdefghij" + "\u200b" * 5 + "\n"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "abcdefghij"
    form = _Form({"title": "a\u200b\u200b\u200bb"})
    assert not form.is_valid()
    assert "at least 3" in str(form.errors["title"])
