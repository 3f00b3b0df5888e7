"""Facts read from French text (issue 16): what visitors write, and what it must be read as."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from knowledge.reading import (
    DEPARTEMENTS, NO, UNKNOWN, YES, Precision, in_figures, mentions, read_departement, read_duration, read_email,
    read_period, read_phone, read_yes_no,
)

ON = date(2026, 12, 2)
E, GE, LE, ABOUT, RANGE, VAGUE, INVALID = (
    Precision.EXACT, Precision.AT_LEAST, Precision.AT_MOST, Precision.ABOUT, Precision.RANGE, Precision.VAGUE,
    Precision.INVALID,
)

# (text, months or the lower bound, upper bound of a range, precision)
DURATIONS = [
    # the rows of issue 16
    ("dix-huit mois", 18, None, E),
    ("vingt-cinq ans", 300, None, E),
    ("trente-deux mois", 32, None, E),
    ("presque 2 ans", 24, None, LE),
    ("bientôt 2 ans", 24, None, LE),
    # January 2024 to December 2026 is 35 months (the issue's « 23 » would be January 2025).
    ("depuis janvier 2024", 35, None, ABOUT),
    ("depuis janvier 2025", 23, None, ABOUT),
    ("3 ans dont 1 an en CDD", 36, None, E),
    ("entre 2 et 3 ans", 24, 36, RANGE),
    ("de 3 à 5 ans", 36, 60, RANGE),
    # figures
    ("18 mois", 18, None, E),
    ("18mois", 18, None, E),
    ("18 MOIS", 18, None, E),
    ("18m", 18, None, E),
    ("3ans", 36, None, E),
    ("3 ans.", 36, None, E),
    ("2 ans et 3 mois", 27, None, E),
    ("2ans3mois", 27, None, E),
    ("1 an et 6 mois", 18, None, E),
    ("1an1/2", 18, None, E),
    ("1 an ½", 18, None, E),
    ("2,5 ans", 30, None, E),
    ("2.5 ans", 30, None, E),
    ("10 ans", 120, None, E),
    ("0 mois", 0, None, E),
    ("2 semaines", 0.5, None, E),
    ("6 mois", 6, None, E),
    ("depuis 3 ans", 36, None, E),
    ("je suis aide-soignante depuis 6 ans en EHPAD", 72, None, E),
    ("j'ai 12 ans d'expérience dans le métier", 144, None, E),
    ("ça fait 4 ans", 48, None, E),
    ("4 ans en cdi", 48, None, E),
    # numbers in words, spoken forms
    ("un an et demi", 18, None, E),
    ("Un An Et Demi", 18, None, E),
    ("deux ans", 24, None, E),
    ("six mois", 6, None, E),
    ("Six Mois", 6, None, E),
    ("vingt ans d'expérience", 240, None, E),
    ("vingt et un mois", 21, None, E),
    ("quarante-huit mois", 48, None, E),
    ("dix huit mois", 18, None, E),
    ("trois ans et demi", 42, None, E),
    ("deux ans et six mois", 30, None, E),
    ("un an", 12, None, E),
    ("une année", 12, None, E),
    ("onze mois", 11, None, E),
    ("quinze ans", 180, None, E),
    ("soixante mois", 60, None, E),
    ("une dizaine d'années", 120, None, ABOUT),
    ("une quinzaine d'années", 180, None, ABOUT),
    ("six mois et quelques", 6, None, GE),
    ("deux ans et des poussières", 24, None, GE),
    ("5 ans passés", 60, None, GE),
    # typos and missing accents
    ("dixhuit mois", 18, None, E),
    ("trante ans", 360, None, E),
    ("3 annes", 36, None, E),
    ("3 annés", 36, None, E),
    ("3 anées", 36, None, E),
    ("2 annee", 24, None, E),
    ("6 moi", 6, None, E),
    ("8 mios", 8, None, E),
    ("bientot 2 ans", 24, None, LE),
    ("presque deux ans", 24, None, LE),
    ("depuis fevrier 2020", 82, None, ABOUT),
    ("depuis février 2020", 82, None, ABOUT),
    ("deu ans", 24, None, E),
    # qualifiers
    ("plus de 5 ans", 60, None, GE),
    ("plus d'un an", 12, None, GE),
    ("au moins deux ans", 24, None, GE),
    ("au moins 3 ans", 36, None, GE),
    ("3 ans minimum", 36, None, GE),
    ("3 ans au moins", 36, None, GE),
    ("2 ans et plus", 24, None, GE),
    ("moins d'un an", 12, None, LE),
    ("moins de 6 mois", 6, None, LE),
    ("pas encore 1 an", 12, None, LE),
    ("quasiment 3 ans", 36, None, LE),
    ("à peine 1 an", 12, None, LE),
    ("3 ans maximum", 36, None, LE),
    ("2 ans max", 24, None, LE),
    ("environ 4 ans", 48, None, ABOUT),
    ("4 ans environ", 48, None, ABOUT),
    ("à peu près 5 ans", 60, None, ABOUT),
    ("a peu pres 5 ans", 60, None, ABOUT),
    ("autour de 2 ans", 24, None, ABOUT),
    ("près de 10 ans", 120, None, ABOUT),
    ("env 3 ans", 36, None, ABOUT),
    # ranges
    ("2-3 ans", 24, 36, RANGE),
    ("2 - 3 ans", 24, 36, RANGE),
    ("2 ou 3 ans", 24, 36, RANGE),
    ("deux ou trois ans", 24, 36, RANGE),
    ("entre deux et trois ans", 24, 36, RANGE),
    ("entre 1 an et 18 mois", 12, 18, RANGE),
    ("de 6 mois à 1 an", 6, 12, RANGE),
    ("3 à 5 ans", 36, 60, RANGE),
    ("entre 5 et 3 ans", 36, 60, RANGE),
    # dates
    ("depuis 2019", 95, None, ABOUT),
    ("depuis mars 2021", 69, None, ABOUT),
    ("depuis 03/2021", 69, None, ABOUT),
    ("de 2019 à 2023", 48, None, ABOUT),
    ("2019-2023", 48, None, ABOUT),
    ("de mars 2020 à mars 2023", 36, None, ABOUT),
    # « dont » : a part of the whole
    ("5 ans dont 2 en intérim", 60, None, E),
    ("10 ans d'expérience dont 3 ans comme chef d'équipe", 120, None, E),
    ("4 ans y compris 1 an d'apprentissage", 48, None, E),
    # an age is not experience
    ("j'ai 35 ans et 3 ans d'expérience", 36, None, E),
    ("âgée de 40 ans, 12 ans comme aide-soignante", 144, None, E),
    ("j'ai 3 ans d'expérience", 36, None, E),
]

VAGUE_OR_INVALID = [
    ("quelques mois", VAGUE),
    ("quelques années", VAGUE),
    ("plusieurs années", VAGUE),
    ("plusieurs annees", VAGUE),
    ("pas mal de temps mais quelques années", VAGUE),
    ("longtemps", INVALID),
    ("-3 ans", INVALID),
    ("1000 ans", INVALID),
    ("99 ans", INVALID),
    ("mille ans", INVALID),
    ("😀😀😀", INVALID),
    ("3 years", INVALID),
    ("", INVALID),
    ("   ", INVALID),
    ("depuis 2031", INVALID),
    ("depuis 1900", INVALID),
    ("de 2023 à 2019", INVALID),
    ("ans", INVALID),
    ("blabla", INVALID),
    ("je ne sais pas", INVALID),
    ("9" * 10_000, INVALID),
    ("9" * 10_000 + " ans", INVALID),
    ("\u200f\u202e3 ans", None),  # RTL marks around a figure: read or refused, never an error
    ("ans " * 3000, INVALID),
    ("\x00\x01", INVALID),
]


@pytest.mark.parametrize("text, months, high, precision", DURATIONS, ids=[row[0][:40] for row in DURATIONS])
def test_durations_as_people_write_them(text, months, high, precision):
    reading = read_duration(text, ON)
    assert (reading.months, reading.high, reading.precision) == (months, high, precision), reading
    assert reading.reason and reading.usable


@pytest.mark.parametrize("text, precision", VAGUE_OR_INVALID, ids=[repr(row[0][:20]) for row in VAGUE_OR_INVALID])
def test_vague_hostile_or_absurd_durations_are_refused_with_a_reason(text, precision):
    reading = read_duration(text, ON)
    if precision is None:
        assert reading.precision in Precision
        return
    assert reading.precision == precision and reading.months is None and not reading.usable and reading.reason


@pytest.mark.parametrize("text, said", [
    ("dix-huit mois", "18 mois (1 an et demi)"),
    ("vingt-cinq ans", "25 ans"),
    ("trente-deux mois", "32 mois (2 ans et 8 mois)"),
    ("un an", "1 an"),
    ("six mois", "6 mois"),
    ("2 semaines", "2 semaines"),
    ("presque 2 ans", "au plus 2 ans"),
    ("plus de 5 ans", "au moins 5 ans"),
    ("environ 4 ans", "environ 4 ans"),
    ("entre 2 et 3 ans", "entre 2 et 3 ans"),
    ("de 6 mois à 1 an", "entre 6 et 12 mois"),
    ("blabla", "durée non comprise"),
])
def test_a_duration_is_said_back_in_figures(text, said):
    assert read_duration(text, ON).said() == said


@pytest.mark.parametrize("months, said", [(18, "18 mois (1 an et demi)"), (300, "25 ans"), (12, "1 an"), (0, "0 mois"),
                                          (27, "27 mois (2 ans et 3 mois)")])
def test_in_figures(months, said):
    assert in_figures(months) == said


# --- dates and periods ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, start, end, precision, said", [
    ("depuis mars 2021", date(2021, 3, 1), None, E, "depuis mars 2021"),
    ("depuis 2019", date(2019, 1, 1), None, ABOUT, "depuis 2019"),
    ("de 2019 à 2023", date(2019, 1, 1), date(2023, 12, 1), ABOUT, "de 2019 à 2023"),
    ("de janvier 2020 à juin 2022", date(2020, 1, 1), date(2022, 6, 1), E, "de janvier 2020 à juin 2022"),
    ("depuis sept 2018", date(2018, 9, 1), None, E, "depuis septembre 2018"),
    ("depuis aout 2022", date(2022, 8, 1), None, E, "depuis août 2022"),
    ("depuis 11/2023", date(2023, 11, 1), None, E, "depuis novembre 2023"),
    ("en 2020", date(2020, 1, 1), date(2020, 12, 1), ABOUT, "de 2020 à 2020"),
])
def test_periods(text, start, end, precision, said):
    period = read_period(text, ON)
    assert (period.start, period.end, period.precision) == (start, end, precision)
    assert period.said() == said and period.reason


@pytest.mark.parametrize("text", ["depuis 2031", "depuis décembre 2027", "de 2023 à 2019", "depuis 1900", "hier", "",
                                  "depuis 13/2020"])
def test_impossible_periods_are_refused(text):
    period = read_period(text, ON)
    assert period.precision == INVALID and period.start is None and period.reason


# --- départements and postcodes ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, departement, postcode", [
    ("69", "69", None), ("01", "01", None), ("1", "01", None), ("9", "09", None), ("75", "75", None),
    ("95", "95", None), ("2A", "2A", None), ("2a", "2A", None), ("2B", "2B", None), ("2 b", "2B", None),
    ("971", "971", None), ("972", "972", None), ("973", "973", None), ("974", "974", None), ("975", "975", None),
    ("976", "976", None), ("69003", "69", "69003"), ("75011", "75", "75011"), ("01000", "01", "01000"),
    ("20000", "2A", "20000"), ("20090", "2A", "20090"), ("20200", "2B", "20200"), ("20600", "2B", "20600"),
    ("97411", "974", "97411"), ("97200", "972", "97200"), ("97600", "976", "97600"), ("97100", "971", "97100"),
    ("j'habite dans le 13", "13", None), ("je suis dans le 93 !", "93", None), ("Lyon 69003", "69", "69003"),
    ("mon code postal est 33000", "33", "33000"), ("département 974 (La Réunion)", "974", None),
    ("75 et 75011", "75", None),
])
def test_departements_and_postcodes(text, departement, postcode):
    place = read_departement(text)
    assert (place.departement, place.postcode) == (departement, postcode), place
    if departement:
        assert place.precision == E and departement in DEPARTEMENTS and place.reason


@pytest.mark.parametrize("text, precision", [
    ("20", VAGUE), ("75 ou 92", VAGUE), ("96", INVALID), ("99", INVALID), ("977", INVALID), ("98000", INVALID),
    ("00000", INVALID), ("97800", INVALID), ("1234567", INVALID), ("Paris", INVALID), ("", INVALID), ("0", INVALID),
    ("😀", INVALID), ("9" * 10_000, INVALID),
])
def test_unknown_departements_are_refused_with_a_reason(text, precision):
    place = read_departement(text)
    assert place.departement is None and place.precision == precision and place.reason


def test_a_departement_is_said_with_its_postcode():
    assert read_departement("69003").said() == "département 69 (code postal 69003)"
    assert read_departement("2a").said() == "département 2A"


# --- phone numbers ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, number, said", [
    ("06 12 34 56 78", "+33612345678", "06 12 34 56 78"),
    ("0612345678", "+33612345678", "06 12 34 56 78"),
    ("06.12.34.56.78", "+33612345678", "06 12 34 56 78"),
    ("06-12-34-56-78", "+33612345678", "06 12 34 56 78"),
    ("+33 6 12 34 56 78", "+33612345678", "06 12 34 56 78"),
    ("+33612345678", "+33612345678", "06 12 34 56 78"),
    ("0033 6 12 34 56 78", "+33612345678", "06 12 34 56 78"),
    ("01 23 45 67 89", "+33123456789", "01 23 45 67 89"),
    ("mon numéro : 07 81 23 45 67, merci", "+33781234567", "07 81 23 45 67"),
    ("+44 20 7946 0958", "+442079460958", "+44 20 7946 0958"),
    ("+32 470 12 34 56", "+32470123456", "+32 470 12 34 56"),
    ("+262 692 12 34 56", "+262692123456", "0692 12 34 56"),
])
def test_phone_numbers(text, number, said):
    phone = read_phone(text)
    assert phone.number == number and phone.precision == E and phone.said() == said and phone.reason


@pytest.mark.parametrize("text", ["12345", "06 12 34", "00 00 00 00 00", "123456789012345", "pas de téléphone", "",
                                  "9" * 10_000, "📞📞", "06 12 34 56 78 90 12 34 56"[:5]])
def test_invalid_phone_numbers_are_refused(text):
    phone = read_phone(text)
    assert phone.number is None and phone.precision == INVALID and phone.reason


# --- emails ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, address, precision", [
    ("prenom.nom@exemple.fr", "prenom.nom@exemple.fr", E),
    ("Prenom.Nom@Exemple.FR", "Prenom.Nom@exemple.fr", E),
    ("mon mail : jean-marc_dupont+cqp@orange.fr.", "jean-marc_dupont+cqp@orange.fr", E),
    ("<marie@free.fr>", "marie@free.fr", E),
    ("marie@sous.domaine.gouv.fr", "marie@sous.domaine.gouv.fr", E),
    ("jean@gmail.con", "jean@gmail.con", VAGUE),
    ("jean@gmial.com", "jean@gmial.com", VAGUE),
    ("jean@hotmial.fr", "jean@hotmial.fr", VAGUE),
])
def test_emails(text, address, precision):
    email = read_email(text)
    assert (email.address, email.precision) == (address, precision) and email.reason


@pytest.mark.parametrize("text", ["jean", "jean@", "@exemple.fr", "jean@exemple", "jean@@exemple.fr", "jean@exemple.f",
                                  "jean..nom@exemple.fr", "jean@-exemple.fr", "jean @ exemple.fr", "", "😀@😀.fr",
                                  "a" * 70 + "@exemple.fr", "jean@exemple.fr" + "r" * 30])
def test_invalid_emails_are_refused(text):
    email = read_email(text)
    assert email.address is None and email.precision == INVALID and email.reason


# --- yes, no, unknown ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("oui", YES), ("Oui !", YES), ("ouais", YES), ("OK", YES), ("d'accord", YES), ("bien sûr", YES), ("bien sur", YES),
    ("tout à fait", YES), ("exactement", YES), ("oui merci", YES), ("yes", YES), ("si", YES), ("ok 👍", YES),
    ("aucun problème", YES), ("volontiers", YES),
    ("non", NO), ("Non.", NO), ("non merci", NO), ("nan", NO), ("pas du tout", NO), ("jamais", NO),
    ("pas d'accord", NO), ("pas vraiment", NO), ("pas exactement", NO), ("absolument pas", NO), ("pas encore", NO),
    ("je ne sais pas", UNKNOWN), ("je sais pas", UNKNOWN), ("sais pas", UNKNOWN), ("jsp", UNKNOWN),
    ("aucune idée", UNKNOWN), ("peut-être", UNKNOWN), ("je ne suis pas sûr", UNKNOWN), ("j'en sais rien", UNKNOWN),
    ("Je Ne Sais Pas", UNKNOWN),
])
def test_yes_no_unknown(text, value):
    answer = read_yes_no(text)
    assert answer.value == value and answer.precision == E and answer.reason


@pytest.mark.parametrize("text, precision", [
    ("plus d'informations", INVALID), ("informations", INVALID), ("nonobstant", INVALID), ("ouistiti", INVALID),
    ("si je peux", INVALID), ("okapi", INVALID), ("pourquoi", INVALID), ("annonce", INVALID), ("", INVALID),
    ("😀", INVALID), ("oui enfin non", VAGUE), ("\u200foui non", VAGUE),
])
def test_near_misses_are_not_yes_or_no(text, precision):
    answer = read_yes_no(text)
    assert answer.value is None and answer.precision == precision and answer.reason


@pytest.mark.parametrize("text, keywords, found", [
    ("plus d'informations", ["formation"], False),
    ("je cherche une formation", ["formation"], True),
    ("FORMATION", ["formation"], True),
    ("la reformation du dossier", ["formation"], False),
    ("un cqp", ["cqp"], True),
    ("cqpi", ["cqp"], False),
    ("code postal 69003", ["code postal"], True),
    ("codes postaux", ["code postal"], False),
    ("mon télephone", ["téléphone"], True),
    ("", ["formation"], False),
])
def test_keywords_match_whole_words_never_substrings(text, keywords, found):
    assert mentions(text, keywords) == found


# --- any input ----------------------------------------------------------------------------------------

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(["18", "mois", "ans", "dix", "huit", "-", "de", "à", "entre", "et", "dont", "depuis",
                              "2019", "janvier", "presque", "plus", "½", "1/2", "demi", "quelques", "@", ".", "+33",
                              "06", " ", "\u200f", "😀", "2A", "20200", "oui", "non", "pas"]), max_size=15).map(" ".join),
)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(HOSTILE)
def test_no_input_raises_and_every_reading_is_in_range(text):
    duration = read_duration(text, ON)
    assert duration.precision in Precision and duration.reason and isinstance(duration.said(), str)
    if duration.months is not None:
        assert 0 <= duration.months <= 720
        assert duration.high is None or duration.months <= duration.high <= 720
    assert duration.usable == (duration.months is not None and duration.precision not in (VAGUE, INVALID))
    place = read_departement(text)
    assert place.departement is None or place.departement in DEPARTEMENTS
    phone = read_phone(text)
    assert phone.number is None or (phone.number.startswith("+") and phone.number[1:].isdigit())
    email = read_email(text)
    assert email.address is None or email.address.count("@") == 1
    assert read_yes_no(text).value in (YES, NO, UNKNOWN, None)
    period = read_period(text, ON)
    assert period.start is None or period.start <= ON
