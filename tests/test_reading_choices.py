"""The keyword lists that left bot/actions/ (route, dossier fields, « aucune expérience »,
catalog words), each tried on the words it means and on near-misses that only contain them."""
from __future__ import annotations

import pytest

from knowledge.catalog import search
from knowledge.reading import Precision, read_experience, read_field, read_route, read_status


@pytest.mark.parametrize("text, route", [
    ("la formation", "formation"), ("Formation", "formation"), ("je veux me former", "formation"),
    ("par une formation en alternance", "formation"), ("la VAE", "vae"), ("vae", "vae"), ("par la V.A.E", "vae"),
    ("validation des acquis de l'expérience", "vae"), ("valider mon expérience", "vae"),
    # Near-misses: the route's letters inside another word, or both routes named.
    ("plus d'informations", None), ("des informations svp", None), ("transformation", None), ("déformation", None),
    ("je ne sais pas", None), ("vaec", None), ("la VAE ou la formation ?", None), ("", None),
])
def test_route_named_on_whole_words(text, route):
    assert read_route(text).value == route


def test_two_routes_named_is_vague_with_the_reason():
    found = read_route("VAE ou formation")
    assert found.precision == Precision.VAGUE and "vae" in found.reason


@pytest.mark.parametrize("text, field", [
    ("corriger mon numéro", "contact"), ("mon e-mail", "contact"), ("le téléphone", "contact"), ("tél", "contact"),
    ("le département", "departement"), ("j'habite ailleurs", "departement"), ("mon code postal", "departement"),
    ("le projet", "project"), ("mes dispos", "availability"), ("quand", "availability"),
    ("les horaires", "availability"),
    # Near-misses: « tel » in « hôtel », « quand » vs « quant », « projet » in « projeter »...
    ("l'hôtel", None), ("quant à moi", None), ("projeter", None), ("telle chose", None), ("mailing", None),
    ("disposition", None), ("corriger", None), ("le téléphone et le projet", None),
])
def test_field_to_correct_named_on_whole_words(text, field):
    assert read_field(text).value == field


@pytest.mark.parametrize("text", ["aucune", "Aucun", "rien", "zéro", "0", "pas d'expérience", "jamais", "sans expérience"])
def test_no_experience_is_read_as_none_at_all(text):
    reading = read_experience(text)
    assert reading.months == 0 and reading.precision == Precision.EXACT


@pytest.mark.parametrize("text", ["aucune idée", "rien de spécial", "jamais su", "je ne sais pas"])
def test_no_experience_words_in_a_longer_answer_are_not_zero(text):
    assert read_experience(text).months != 0


@pytest.mark.parametrize("text, named", [
    ("CQP tourier", True), ("le cqpm soudeur", True), ("un certificat", True), ("les certifications", True),
    ("RNCP34172", True), ("rs 5432", True), ("CQP-tourier", True),
    ("acqpuis", False), ("certificateur", False), ("rs", False), ("bonjour", False), ("", False),
])
def test_catalog_words_on_whole_words(text, named):
    assert search.names_a_certification(text) is named


@pytest.mark.parametrize("text, blocs", [
    ("tous les blocs", True), ("le bloc 3", True), ("blocs de compétences", True),
    ("bloquer", False), ("débloqué", False), ("la fiche", False),
])
def test_asking_for_every_bloc(text, blocs):
    assert search.asks_for_blocs(text) is blocs


@pytest.mark.parametrize("text, status", [
    ("je suis intérimaire", "salarie"), ("en CDD", "salarie"), ("jsuis en cdi", "salarie"), ("salariée", "salarie"),
    ("au chômage", "demandeur_emploi"), ("au chomage depuis 3 mois", "demandeur_emploi"),
    ("inscrite à France Travail", "demandeur_emploi"), ("auto-entrepreneur", "independant"),
    ("je suis à mon compte", "independant"), ("fonctionnaire", "agent_public"),
    ("agente territoriale", "agent_public"), ("bénévole dans une association", "benevole"),
    ("étudiante", "jeune"), ("cadre", "cadre"),
    # Near-misses: a status's letters inside another word, two statuses, or none.
    ("cadrer mon projet", None), ("intérimat", None), ("Je suis cadre salarié", None),
    ("encadrement", None), ("je ne sais pas", None), ("plus d'informations", None), ("", None),
])
def test_status_named_on_whole_words(text, status):
    assert read_status(text).value == status


def test_every_status_of_the_profile_has_its_words_and_no_other():
    import knowledge
    from knowledge.reading import STATUS_WORDS

    assert set(STATUS_WORDS) == set(knowledge.base().statuses)
