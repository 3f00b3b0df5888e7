"""The source policy: amounts, deadlines and legal conditions rest on a law, a decree or a
public administration page, and some hosts are never shown to visitors."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Iterable, List, Sequence, Tuple

import pytest
import yaml

import knowledge
from knowledge import cep, faq
from knowledge.model import Source, Version
from knowledge.source_policy import KINDS, OFFICIAL, refusal
from knowledge.store import PLACEHOLDER, KnowledgeError, load

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "knowledge" / "data"
REFUSED_HOSTS = yaml.safe_load((DATA / "sources.yml").read_text(encoding="utf-8")).get("refused_hosts") or {}


# --- Which hosts are refused -------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://www-preprod.editions-tissot.fr/guide/faq/cpf",
    "https://staging.example.gouv.fr/page",
    "https://recette.moncompteformation.gouv.fr/aide",
    "https://travail-emploi.gouv.fr./le-conseil-en-evolution-professionnelle-cep",
    "https://www.service-public.fr/particuliers/vosdroits/F32457?lang=en",
    "https://www.insee.fr/en/metadonnees/definition/c2141",
    "https://press-gpt.olfp.net/le-reste-a-charge-cpf-revalorise",
])
def test_pages_never_shown_to_visitors_are_refused_with_a_reason(url):
    assert refusal(url, REFUSED_HOSTS)


@pytest.mark.parametrize("url", [
    "https://www.legifrance.gouv.fr/codes/section_lc/LEGITEXT000006072050/LEGISCTA000006178221/",
    "https://code.travail.gouv.fr/code-du-travail/l6323-2",
    "https://www.service-public.fr/particuliers/vosdroits/F32457?lang=fr",
    "https://www.francecompetences.fr/recherche/rncp/41814",
])
def test_ordinary_french_pages_are_accepted(url):
    assert refusal(url, REFUSED_HOSTS) is None


def test_an_aggregator_is_refused_on_its_listed_host_only():
    assert "olfp.net" not in REFUSED_HOSTS  # the listed host is the aggregator, not its parent site
    assert refusal("https://press-gpt.olfp.net/x", REFUSED_HOSTS)
    assert refusal("https://press-gpt.olfp.net/x") is None  # without the list, only built-in rules apply


def test_every_kind_has_a_french_label_and_official_kinds_are_law_and_administration():
    assert OFFICIAL == {"law", "administration"}
    assert set(KINDS) == {"law", "administration", "operator", "branch", "press", "professional"}
    assert all(label and label[0].islower() for label in KINDS.values())


def test_every_source_loaded_has_a_known_kind_and_may_be_shown():
    for source in knowledge.base().sources.values():
        assert source.kind in KINDS, source.id
        assert refusal(source, REFUSED_HOSTS) is None, source.id


# --- The loader refuses them -------------------------------------------------------------

def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _edit_source(data: Path, source_id: str, **changes) -> None:
    path = data / "sources.yml"
    body = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            body["sources"][source_id].pop(key, None)
        else:
            body["sources"][source_id][key] = value
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("changes, says", [
    ({"kind": None}, "kind"),
    ({"kind": "blog"}, "kind"),
    ({"url": "https://press-gpt.olfp.net/le-reste-a-charge-cpf"}, "press-gpt.olfp.net"),
    ({"url": "https://www-preprod.editions-tissot.fr/guide/faq/cpf"}, "pré-production"),
    ({"url": "https://travail-emploi.gouv.fr./le-cep"}, "point"),
    ({"url": "https://www.service-public.fr/particuliers/vosdroits/F32457?lang=en"}, "français"),
])
def test_the_loader_refuses_a_source_naming_it(tmp_path, changes, says):
    data = _copy_data(tmp_path)
    _edit_source(data, "legifrance-l6411", **changes)
    with pytest.raises(KnowledgeError, match="legifrance-l6411") as raised:
        load(data)
    assert says in str(raised.value)


# --- Amounts, deadlines and legal conditions cite an official source ---------------------

def _value_ids(text: str) -> List[str]:
    return [argument for name, argument in PLACEHOLDER.findall(text) if name == "value"]


def _states_a_figure(text: str) -> bool:
    """A text with a dated value or a digit states an amount, a deadline or a legal condition."""
    return bool(_value_ids(text)) or bool(re.search(r"\d", PLACEHOLDER.sub("", text)))


def _cited(text: str, sources: Sequence[Source]) -> Tuple[Source, ...]:
    """A version's own sources, plus those of every value period its text uses."""
    values = knowledge.base().values
    used = [s for v in _value_ids(text) for p in values[v].periods for s in p.sources]
    return tuple(sources) + tuple(used)


def _in_scope() -> Iterable[Tuple[str, Tuple[Source, ...]]]:
    kb = knowledge.base()
    for value in kb.values.values():
        for period in value.periods:
            yield f"values.yml › {value.id} › à partir du {period.start}", period.sources
    for reason in kb.reasons.values():
        yield f"decisions.yml › {reason.id}", _cited(reason.text, reason.sources)
    for option in kb.financing:
        yield f"financing.yml › {option.id}", _cited(option.text, option.sources)
    for operator in cep.operators()[0]:
        yield f"cep.yml › {operator.id}", operator.sources

    def versions(where: str, found: Sequence[Version]):
        for version in found:
            if _states_a_figure(version.text):
                yield f"{where} › version du {version.start}", _cited(version.text, version.sources)

    for topic in kb.topics.values():
        yield from versions(f"topics/{topic.id}.yml", topic.versions)
    for entry in faq.entries().values():
        yield from versions(f"faq/{entry.topic}.yml › {entry.id}", entry.versions)


# Facts that state no amount, deadline or legal condition: out of the rule's scope.
NOT_A_RULE = {
    "decisions.yml › alternative_training": "dit seulement qu'on peut préparer le CQP par la formation",
    "decisions.yml › vae_transitions_pro": "n'affirme rien : renvoie à Transitions Pro, financement non vérifié",
    "financing.yml › self": "dit seulement qu'on peut payer soi-même",
    "topics/capabilities.yml": "« 4 étapes » décrit la visite guidée de l'assistant, pas une règle",
}


def _out_of_scope(where: str) -> bool:
    """Listed as is, or a version of a listed topic or entry (whatever its dates)."""
    return any(where == key or where.startswith(key + " › ") for key in NOT_A_RULE)

# Facts for which no official page was found yet (searched in 2026): each is listed in the
# editors' report and must be sourced or reworded « à vérifier auprès de … ». The test fails
# when one of them gets an official source, so that it leaves this list.
AWAITING_OFFICIAL_SOURCE = {
    "values.yml › cpf_participation_forfaitaire › à partir du 2026-01-01":
        "103,20 € (arrêté du 30/12/2025) : texte de l'arrêté ou page Mon Compte Formation à citer",
    "values.yml › cpf_plafond_rs › à partir du 2026-02-26": "décret n° 2026-127 non lu",
    "values.yml › cpf_plafond_bilan › à partir du 2026-02-26": "décret n° 2026-127 non lu",
    "values.yml › cpf_plafond_permis › à partir du 2026-02-26": "décret n° 2026-127 non lu",
    "decisions.yml › cpf_rs_cap": "plafond RS : décret n° 2026-127 non lu",
    "values.yml › vae_duree_prevue_max › à partir du 2024-01-01":
        "« environ 12 mois » est une estimation de la presse : à vérifier auprès du certificateur",
    "decisions.yml › cpf_participation_public": "CPF des agents publics en heures : à vérifier auprès de l'employeur public",
}


def _unofficial() -> List[str]:
    return [
        where for where, sources in _in_scope()
        if not _out_of_scope(where) and not any(s.kind in OFFICIAL for s in sources)
    ]


def test_amounts_deadlines_and_legal_conditions_cite_a_law_decree_or_administration_page():
    missing = [w for w in _unofficial() if w not in AWAITING_OFFICIAL_SOURCE]
    assert not missing, (
        "Ces faits citent seulement des sources non officielles (ajoutez un texte de loi, un décret "
        "ou une page d'administration, ou dites « à vérifier auprès de … ») :\n" + "\n".join(missing)
    )


def test_facts_awaiting_an_official_source_leave_the_list_once_sourced():
    still = set(_unofficial())
    sourced = sorted(w for w in AWAITING_OFFICIAL_SOURCE if w not in still)
    assert not sourced, f"Retirez-les de AWAITING_OFFICIAL_SOURCE : {sourced}"


def test_facts_out_of_scope_still_exist():
    where = [w for w, _ in _in_scope()]
    stale = [key for key in NOT_A_RULE if not any(w == key or w.startswith(key + " › ") for w in where)]
    assert not stale, f"Retirez-les de NOT_A_RULE : {stale}"


def test_the_scope_covers_every_kind_of_fact():
    where = [w for w, _ in _in_scope()]
    for prefix in ("values.yml", "decisions.yml", "financing.yml", "cep.yml", "topics/", "faq/"):
        assert any(w.startswith(prefix) for w in where), prefix


def test_an_answer_shows_an_official_source_first_when_it_has_one():
    """A visitor sees one or two sources: the text the rule comes from, not a commentary on it
    (the sources of the amounts it states come first, see tests/test_freshness.py)."""
    import knowledge
    from knowledge import faq, source_policy

    for entry_id in faq.entries():
        version = faq.entry(entry_id).version_on(knowledge.today())
        if version is None or "{value:" in version.text:
            continue
        reply = faq.answer(entry_id)
        if any(source_policy.is_official(s.kind) for s in reply.sources):
            assert source_policy.is_official(reply.sources[0].kind), entry_id
