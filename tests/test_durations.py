"""The French duration parser: how people write their experience, and what they should not."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from knowledge.durations import Precision, in_words, parse

ON = date(2026, 11, 26)


@pytest.mark.parametrize(
    "text, months, precision",
    [
        ("18 mois", 18, Precision.EXACT),
        ("un an et demi", 18, Precision.EXACT),
        ("2 ans et 3 mois", 27, Precision.EXACT),
        ("six mois", 6, Precision.EXACT),
        ("Six Mois", 6, Precision.EXACT),
        ("3ans", 36, Precision.EXACT),
        ("1an1/2", 18, Precision.EXACT),
        ("2,5 ans", 30, Precision.EXACT),
        ("10 ans", 120, Precision.EXACT),
        ("depuis 3 ans", 36, Precision.EXACT),
        ("je suis aide-soignante depuis 6 ans en EHPAD", 72, Precision.EXACT),
        ("vingt ans d'expérience", 240, Precision.EXACT),
        ("plus de 5 ans", 60, Precision.AT_LEAST),
        ("au moins deux ans", 24, Precision.AT_LEAST),
        ("moins d'un an", 12, Precision.AT_MOST),
        ("environ 4 ans", 48, Precision.ABOUT),
        ("une dizaine d'années", 120, Precision.ABOUT),
        ("depuis 2019", 94, Precision.ABOUT),
        ("2 semaines", 0.5, Precision.EXACT),
    ],
)
def test_durations_as_people_write_them(text, months, precision):
    duration = parse(text, ON)
    assert duration.months == months and duration.precision == precision and duration.usable


@pytest.mark.parametrize("text", ["quelques mois", "plusieurs années", "pas mal de temps mais quelques années"])
def test_vague_durations_ask_for_a_figure(text):
    duration = parse(text, ON)
    assert duration.precision == Precision.VAGUE and not duration.usable and duration.problem


@pytest.mark.parametrize(
    "text", ["-3 ans", "1000 ans", "😀😀😀", "3 years", "", "   ", "depuis 2031", "ans", "blabla"]
)
def test_hostile_or_absurd_input_is_refused_with_a_reason(text):
    duration = parse(text, ON)
    assert duration.precision == Precision.INVALID and not duration.usable and duration.problem


@pytest.mark.parametrize("text, low, high", [("de 3 à 5 ans", 36, 60), ("entre 2 et 3 ans", 24, 36), ("2-3 ans", 24, 36)])
def test_a_range_is_neither_summed_nor_taken_for_a_figure(text, low, high):
    duration = parse(text, ON)
    assert (duration.months, duration.high, duration.precision) == (low, high, Precision.RANGE)
    assert not duration.usable and "fourchette" in duration.problem


@pytest.mark.parametrize(
    "text, months, precision",
    [
        ("dix-huit mois", 18, Precision.EXACT),
        ("vingt-cinq ans", 300, Precision.EXACT),
        ("trente-deux mois", 32, Precision.EXACT),
        ("presque 2 ans", 24, Precision.AT_MOST),
        ("bientôt 2 ans", 24, Precision.AT_MOST),
        ("depuis janvier 2024", 34, Precision.ABOUT),
        ("3 ans dont 1 an en CDD", 36, Precision.EXACT),
    ],
)
def test_the_misreadings_of_issue_16(text, months, precision):
    duration = parse(text, ON)
    assert (duration.months, duration.precision) == (months, precision) and duration.usable


@settings(max_examples=300, derandomize=True)
@given(st.text(max_size=200))
def test_any_text_gives_a_defined_result(text):
    duration = parse(text, ON)
    assert duration.precision in Precision
    assert duration.usable == (duration.months is not None and 0 <= duration.months <= 720
                               and duration.precision != Precision.RANGE)


@pytest.mark.parametrize("months, words", [(18, "1 an et 6 mois"), (24, "2 ans"), (6, "6 mois"), (0, "0 mois")])
def test_in_words(months, words):
    assert in_words(months) == words
