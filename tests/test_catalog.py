"""The catalog: import of the official export (real sample files and their quirks, malformed
files), the shipped default, search quality on real queries, branches, and the decisions that
use a fiche."""
from __future__ import annotations

import shutil
import sqlite3
import zipfile
from datetime import date
from pathlib import Path
from typing import Tuple

import pytest

from knowledge import rules
from knowledge.catalog import Catalog, ExportError, Registration, build, export
from knowledge.catalog import DEFAULT as SHIPPED
from knowledge.catalog.build import build as build_catalog
from knowledge.model import Outcome

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "knowledge" / "catalog" / "sample_export"
FIXTURE = ROOT / "tests" / "data" / "rncp_fixture_2024_02_22"
TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Catalog:
    path = tmp_path_factory.mktemp("catalog") / "catalog.sqlite"
    build_catalog(SAMPLE, path)
    return Catalog(path)


def table_dump(path: Path):
    with sqlite3.connect(path) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(connection.execute(f"SELECT * FROM {t}").fetchall()) for t in tables if t != "meta"}


# --- the loader on the real files -------------------------------------------------------------

def test_sample_export_is_read_unchanged(sample):
    assert len(sample) == 91
    tourier = sample.get("RS6117")
    assert tourier.title == "CQP Tourier" and tourier.is_cqp
    assert tourier.certifiers == ("CONFEDE. NATIONALE BOULANGERS PATISSIERS", "INSTITUT NATIONAL BOULANGERIE PATISSERIE")
    assert "Par expérience" in tourier.access_routes
    assert tourier.end_date == date(2025, 9, 29) and tourier.active_flag is True
    assert sample.get("RNCP19468").replaced_by == ("RS6117",)


def test_quirks_are_cleaned(sample, tmp_path):
    # Trailing space in a title, doubled apostrophes in ROME labels, TAB before SIRETs.
    assert sample.get("RNCP20621").title == "CQP Maître d’hôtel"
    with sqlite3.connect(sample.path) as connection:
        labels = [r[0] for r in connection.execute("SELECT label FROM rome WHERE number = 'RNCP28232'")]
    assert "Conduite d'équipement d'usinage" in labels
    rows = export.parse("export_fiches_CSV_Certificateurs_sample.csv",
                        (SAMPLE / "export_fiches_CSV_Certificateurs_sample.csv").read_bytes(),
                        ("Numero_Fiche", "Siret_Certificateur", "Nom_Certificateur"))
    assert rows and all(r.values["Siret_Certificateur"].isdigit() for r in rows)
    assert b"\r\n" in (SAMPLE / "export_fiches_CSV_Standard_sample.csv").read_bytes()


def test_line_breaks_inside_values(tmp_path):
    source = (SAMPLE / "export_fiches_CSV_Blocs_De_Compétences_sample.csv").read_bytes()
    broken = source.replace(b'"La r\xc3\xa9alisation d\'une modification"', b'"La r\xc3\xa9alisation\r\nd\'une modification"')
    assert broken != source
    rows = export.parse("blocs.csv", broken, ("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle"))
    assert "La réalisation d'une modification" in [r.values["Bloc_Competences_Libelle"] for r in rows]
    after = [r for r in rows if r.values["Bloc_Competences_Code"] == "RNCP26596BC03"][0]
    assert after.line == 5  # the line where that row starts, counted in the file


def test_official_zip_with_dated_names(tmp_path):
    archive = tmp_path / "export-fiches-csv-2024-02-22.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in FIXTURE.iterdir():
            zipped.write(file, f"export-fiches-csv-2024-02-22/{file.name}")
    counts = build_catalog(archive, tmp_path / "c.sqlite")
    catalog = Catalog(tmp_path / "c.sqlite")
    assert counts["fiches"] == 9 and catalog.meta["export_date"] == "2024-02-22"
    blockchain = catalog.get("RS5000")
    assert blockchain is not None and not blockchain.is_cqp  # kept, but not offered as a CQP
    assert catalog.get("RNCP19468").is_cqp
    assert [m.certification.number for m in catalog.search("blockchain", TODAY).matches] == []


def test_shipped_default_is_the_sample_import(sample):
    assert table_dump(SHIPPED) == table_dump(sample.path), "run `make catalog-default` after changing the import"


# --- malformed files: a clear error naming file and line, the catalog untouched ------------------

def broken_export(tmp_path: Path, name: str, content: bytes) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(FIXTURE, folder)
    target = next(f for f in folder.iterdir() if f.name.startswith(name))
    target.write_bytes(content)
    return folder


STANDARD = "export_fiches_CSV_Standard_"


@pytest.mark.parametrize("content, line, words", [
    (b"", 1, "vide"),
    ('"Id_Fiche","Numero_Fiche","Intitule"\r\n"1","RNCP1","X"\r\n'.encode(), 1, "séparateur"),
    ('"Id_Fiche";"Numero_Fiche"\r\n"1";"RNCP1"\r\n'.encode(), 1, "Intitule"),
    ((FIXTURE / "export_fiches_CSV_Standard_2024_02_22.csv").read_bytes().replace("Exploiter".encode(), "Exploiter é".encode("latin-1")), 8, "UTF-8"),
    ((FIXTURE / "export_fiches_CSV_Standard_2024_02_22.csv").read_bytes() + b'"9";"RNCP9";"Trop court"\r\n', 11, "valeurs"),
    ((FIXTURE / "export_fiches_CSV_Standard_2024_02_22.csv").read_bytes().replace(b'"RS5000"', b'"XX5000"'), 8, "numéro"),
    ((FIXTURE / "export_fiches_CSV_Standard_2024_02_22.csv").read_bytes().replace(b'"24/05/2024"', b'"2024-05-24"'), 8, "JJ/MM/AAAA"),
])
def test_malformed_standard_file_is_refused(tmp_path, content, line, words):
    target = tmp_path / "catalog.sqlite"
    build_catalog(FIXTURE, target)
    before = target.read_bytes()
    with pytest.raises(ExportError) as error:
        build_catalog(broken_export(tmp_path, STANDARD, content), target)
    assert error.value.file.startswith(STANDARD) and error.value.line == line
    assert words in str(error.value) and f"ligne {line}" in str(error.value)
    assert target.read_bytes() == before
    assert not [f for f in tmp_path.iterdir() if f.name.startswith(".catalog-")]


def test_missing_standard_file_or_not_an_export(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(FIXTURE, folder)
    next(f for f in folder.iterdir() if f.name.startswith(STANDARD)).unlink()
    with pytest.raises(ExportError, match="Standard"):
        build_catalog(folder, tmp_path / "c.sqlite")
    (tmp_path / "notes.zip").write_bytes(b"pas un zip")
    with pytest.raises(ExportError, match="zip"):
        build_catalog(tmp_path / "notes.zip", tmp_path / "c.sqlite")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExportError, match="export France compétences"):
        build_catalog(tmp_path / "empty", tmp_path / "c.sqlite")
    assert not (tmp_path / "c.sqlite").exists()


def test_cli_reports_a_refused_import(tmp_path, capsys):
    from knowledge.catalog.__main__ import main

    assert main(["import", str(tmp_path / "nowhere"), "--db", str(tmp_path / "c.sqlite")]) == 1
    assert "n'a pas changé" in capsys.readouterr().err
    assert main(["import", str(FIXTURE), "--db", str(tmp_path / "c.sqlite")]) == 0


# --- search quality on real queries ------------------------------------------------------------

CLEAR = [
    ("CQP Tourier", "RS6117"),  # the RNCP fiche it replaced is the same CQP
    ("cqp tourrier", "RS6117"),
    ("RNCP34172", "RNCP34172"),
    ("rncp 34172", "RNCP34172"),
    ("RS6117", "RS6117"),
    ("36996", "RNCP36996"),
    ("je cherche un CQP de soudeur", "RNCP34172"),
    ("soudeuse", "RNCP34172"),
    ("quels sont les blocs du CQPM soudeur industriel ?", "RNCP34172"),
    ("CQPI vendeur", "RNCP18229"),
    ("le cqp maitre d'hotel est il au rncp", "RNCP20621"),
    ("concepteur 3D bijouterie", "RNCP37820"),
    ("CQP moniteur de roler", "RNCP37517"),
    ("scieur carotteur", "RNCP39642"),
    ("chaudronnier naval", "RNCP35885"),
    ("gardien concierge", "RNCP36023"),
    ("agent logistique alimentaire", "RNCP36996"),
    ("tuyauteur", "RNCP34180"),
    ("cqp électrobobinier", "RNCP36451"),
    ("technicien en industrialisation", "RNCP40557"),  # it replaced RNCP34575, the same CQP
]
AMBIGUOUS = [
    ("technicien de maintenance", {"RNCP35282", "RNCP36138"}),
    ("vendeur", {"RNCP18229", "RNCP32115", "RNCP37410"}),
]
NOT_FOUND = ["CQP APS", "RNCP99999999", "RS1", "pizzaiolo", "", "   ", "🙂", "x" * 5000]


@pytest.mark.parametrize("query, expected", CLEAR)
def test_search_finds_the_fiche_meant(sample, query, expected):
    result = sample.search(query, TODAY)
    assert result.best is not None and result.best.number == expected, [m.certification.number for m in result.matches]
    assert sample.clear(result)


@pytest.mark.parametrize("query, expected", AMBIGUOUS)
def test_search_asks_which_one_when_several_fit(sample, query, expected):
    result = sample.search(query, TODAY)
    assert not sample.clear(result)
    assert expected <= {m.certification.number for m in result.matches}


def test_ties_put_the_fiche_in_force_first(sample):
    result = sample.search("vendeur", TODAY)
    states = [m.certification.registration(TODAY) for m in result.matches]
    assert states == sorted(states, key=lambda s: s is not Registration.ACTIVE)


@pytest.mark.parametrize("query", NOT_FOUND)
def test_search_finds_nothing_for_what_is_not_there(sample, query):
    result = sample.search(query, TODAY)
    assert not sample.clear(result) or result.best is None


# --- branches ------------------------------------------------------------------------------

def test_branches_and_pages(sample):
    branches = {b.id: b for b in sample.branches()}
    assert branches["metallurgie"].cqp_count == 72 and branches["sport"].cqp_count == 2
    assert sample.find_branch("quels CQP dans la métallurgie ?").id == "metallurgie"
    assert sample.find_branch("les cqp du sport").id == "sport"
    assert sample.find_branch("en boulangerie").id == "boulangerie"
    assert sample.find_branch("la pêche au gros") is None
    first, total = sample.in_branch("metallurgie", 0, 5)
    second, _ = sample.in_branch("metallurgie", 5, 5)
    assert total == 72 and len(first) == 5 and not {c.number for c in first} & {c.number for c in second}
    last, _ = sample.in_branch("metallurgie", 70, 5)
    assert len(last) == 2


# --- decisions that use the fiche --------------------------------------------------------------

def profile(catalog: Catalog, number: str, on: date, **facts) -> rules.Profile:
    fiche = catalog.get(number)
    return rules.Profile(certification=fiche, successors=tuple(catalog.successors(fiche)),
                         related_rncp=tuple(catalog.related_rncp(fiche, on)), **facts)


def test_an_active_rncp_fiche_answers_the_registration(sample):
    decision = rules.vae(profile(sample, "RNCP37820", TODAY), TODAY)
    assert [m.name for m in decision.missing] == ["experience_months"]
    decision = rules.vae(profile(sample, "RNCP37820", TODAY, experience_months=24), TODAY)
    assert decision.outcome is Outcome.ELIGIBLE
    assert any("RNCP37820" in r and "19 juillet 2028" in r for r in decision.reasons)
    assert any(s.url == "https://www.francecompetences.fr/recherche/rncp/37820/" for s in decision.sources)


def test_an_expired_fiche_says_so_with_its_date(sample):
    for check in (rules.vae, rules.cpf):
        decision = check(profile(sample, "RS6117", TODAY, status="salarie", experience_months=12), TODAY)
        assert decision.outcome is Outcome.NOT_ELIGIBLE and not decision.missing
        assert any("29 septembre 2025" in r for r in decision.reasons)
    old = rules.cpf(profile(sample, "RNCP19468", TODAY, status="salarie"), TODAY)
    assert any("RS6117" in a for a in old.alternatives)
    assert sample.get("RS6117").registration(date(2025, 9, 29)) is Registration.ACTIVE
    assert sample.get("RS6117").registration(date(2025, 9, 30)) is Registration.EXPIRED


def test_rs_by_experience_is_not_vae(sample):
    day = date(2025, 1, 1)  # RS6117 was still registered
    decision = rules.vae(profile(sample, "RS6117", day, experience_months=60), day)
    assert decision.outcome is Outcome.NOT_ELIGIBLE
    assert any("Par expérience" in r and "pas la VAE au sens de la loi" in r for r in decision.reasons)
    assert decision.check_with == rules.CHECK_CERTIFIER


def test_a_fiche_without_state_is_to_check(sample):
    decision = rules.cpf(profile(sample, "RNCP34172", TODAY, status="demandeur_emploi"), TODAY)
    assert decision.outcome is Outcome.TO_CHECK and decision.check_with == rules.CHECK_FRANCE_COMPETENCES
    assert sample.get("RNCP34172").registration(TODAY) is Registration.UNKNOWN


def test_vae_not_listed_among_access_routes(sample):
    from dataclasses import replace

    fiche = replace(sample.get("RNCP37820"), access_routes=("Après un parcours de formation continue",))
    decision = rules.vae(rules.Profile(certification=fiche, experience_months=24), TODAY)
    assert decision.outcome is Outcome.NOT_ELIGIBLE and any("Par expérience" in r for r in decision.reasons)


# --- regressions found by bench/catalog_bench.py -----------------------------------------------

def test_initials_match_only_a_whole_query(sample):
    result = sample.search("chaudronnier ami", TODAY)
    assert result.best is None or result.best.number != "RNCP36737"


def test_branch_words_match_word_starts_only():
    from knowledge.catalog import detect

    assert detect.branch_of([], ["Transports routiers et activités auxiliaires du transport"])[0] == "transport_logistique"
    assert detect.branch_of([], ["Industries chimiques"])[0] == "chimie"
    assert detect.branch_of(["UNION DES INDUSTRIES ET DES METIERS DE LA METALLURGIE - UIMM"], [])[0] == "metallurgie"


def test_a_school_is_not_a_branch_body():
    from knowledge.catalog import detect

    assert not detect.is_cqp("Ingénieur diplômé de l'ESTP", "", "Enregistrement sur demande", ["ECOLE SPECIALE DES TRAVAUX PUBLICS"])
    assert detect.is_cqp("Opérateur de production", "", "Enregistrement sur demande", ["FEDERATION DE LA PLASTURGIE ET DES COMPOSITES"])
    assert not detect.is_cqp("Opérateur de production", "", "Enregistrement de droit", ["FEDERATION DE LA PLASTURGIE ET DES COMPOSITES"])


def test_a_ccn_in_the_second_column_gives_the_branch(sample):
    assert sample.get("RNCP23705").branch.id == "evenement"


# --- the fast paths give what the plain computation gives (bench/scaling_bench.py) -------------

def rank_by_scoring_every_key(index, query: str, limit: int):
    """FuzzyIndex.rank as it was before its prefilter: every key scored by rapidfuzz."""
    from rapidfuzz import fuzz, process

    from knowledge.catalog.search import CUTOFF, STRONG

    best = {number: 100.0 for number in index._initials.get(query, [])}
    passes = ((query, index._keys, fuzz.token_set_ratio), (query.replace(" ", ""), [k.replace(" ", "") for k in index._keys], fuzz.ratio))
    for text, keys, scorer in passes:
        for _, score, position in process.extract(text, keys, scorer=scorer, processor=None, limit=limit * 4, score_cutoff=CUTOFF):
            best[index._numbers[position]] = max(score, best.get(index._numbers[position], 0.0))
        if best and max(best.values()) >= STRONG:
            break
    return sorted(best.items(), key=lambda item: -item[1])[:limit]


def test_ranking_is_that_of_scoring_every_key(sample):
    from knowledge.catalog.search import query_of

    with sqlite3.connect(sample.path) as connection:
        titles = [row[0] for row in connection.execute("SELECT title FROM fiche WHERE is_cqp = 1 ORDER BY number")]
    connection.close()
    typos = [t[:3] + t[4:] for t in titles] + [t.replace("e", "a", 1) for t in titles] + [" ".join(t.split()[1:3]) for t in titles]
    queries = [q for q, _ in CLEAR + AMBIGUOUS] + NOT_FOUND + titles + typos + ["agent", "technicien maintenance", "soudeur soudeur"]
    for query in map(query_of, queries):
        for limit in (5, 10):
            assert sample._index.rank(query, limit) == rank_by_scoring_every_key(sample._index, query, limit), query


RELATED_BY_JOIN = """
    WITH candidate AS (SELECT DISTINCT s.number FROM rome r JOIN rome s ON s.code = r.code WHERE r.number = ?)
    SELECT f.number FROM candidate JOIN fiche f ON f.number = candidate.number
    WHERE f.number LIKE 'RNCP%' AND f.number != ?
      AND (f.active_flag IS NULL OR f.active_flag = 1)
      AND (f.end_date >= ? OR (f.end_date IS NULL AND f.active_flag = 1))
    ORDER BY f.is_cqp DESC, f.serial DESC, f.number DESC LIMIT ?"""


def numbers_of(catalog: Catalog) -> list:
    with sqlite3.connect(catalog.path) as connection:
        numbers = [row[0] for row in connection.execute("SELECT number FROM fiche ORDER BY number")]
    connection.close()
    return numbers


def related_by_join_differences(catalog: Catalog) -> Tuple[int, list]:
    """(related fiches found, differences from the plain join) for every fiche, a few days and limits."""
    found, differences = 0, []
    with sqlite3.connect(catalog.path) as connection:
        for number in numbers_of(catalog):
            fiche = catalog.get(number)
            for day in (TODAY, date(2020, 1, 1), date(2015, 1, 1), date(2035, 1, 1)):
                for limit in (1, 3, 5):
                    expected = [row[0] for row in connection.execute(RELATED_BY_JOIN, (number, number, day.isoformat(), limit))]
                    got = [c.number for c in catalog.related_rncp(fiche, day, limit)]
                    found += len(expected)
                    differences += [(number, day, limit, got, expected)] if got != expected else []
    connection.close()
    return found, differences


def test_related_rncp_is_the_plain_join(sample, tmp_path):
    # The sample, then a copy where every fiche is in force and shares one more job, so that
    # related_rncp has to pick the best few of many for a code.
    folder = tmp_path / "export"
    shutil.copytree(SAMPLE, folder)
    standard = folder / "export_fiches_CSV_Standard_sample.csv"
    standard.write_bytes(standard.read_bytes().replace(b'"INACTIVE"', b'"ACTIVE"'))
    rome = next(folder.glob("export_fiches_CSV_Rome_*"))
    shared_job = "".join(f'"{number}";"K9999";"Métier partagé"\r\n' for number in numbers_of(sample))
    rome.write_bytes(rome.read_bytes() + shared_job.encode())
    build_catalog(folder, tmp_path / "shared.sqlite")
    for catalog, least in ((sample, 1), (Catalog(tmp_path / "shared.sqlite"), 500)):
        found, differences = related_by_join_differences(catalog)
        assert not differences and found >= least, differences[:3]


def test_a_catalog_of_an_older_format_is_refused(tmp_path):
    from knowledge.catalog import CatalogError

    path = tmp_path / "old.sqlite"
    build_catalog(SAMPLE, path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")
    connection.close()
    with pytest.raises(CatalogError, match="make catalog"):
        Catalog(path)


def test_an_import_of_an_older_format_gives_way_to_the_shipped_catalog(tmp_path, monkeypatch):
    import knowledge.catalog as catalogs

    path = tmp_path / "catalog.sqlite"
    build_catalog(SAMPLE, path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")
    connection.close()
    monkeypatch.delenv(catalogs.CATALOG_ENV, raising=False)
    monkeypatch.setattr(catalogs, "IMPORTED", path)
    monkeypatch.setattr(catalogs, "_opened", None)
    assert catalogs.catalog().path == catalogs.DEFAULT  # the bot keeps answering
