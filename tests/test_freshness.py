"""Content that stays true over time: the « à vérifier » note on old checks, amounts past
their validity, and the editors' freshness report (make freshness)."""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

import knowledge
from bot.actions import render
from knowledge import faq, freshness, rules
from knowledge.store import DATA_DIR, KnowledgeError

TODAY = date(2026, 12, 2)
LATER = (date(2027, 6, 1), date(2028, 6, 1))


@pytest.fixture
def rules_day(monkeypatch):
    def pin(day: date) -> date:
        monkeypatch.setenv(knowledge.RULES_DATE_ENV, day.isoformat())
        return day

    return pin


def test_a_check_is_trusted_for_twelve_months_then_flagged():
    checked = date(2026, 3, 15)
    assert freshness.check_due(checked) == date(2027, 3, 15)
    assert not freshness.is_stale(checked, date(2027, 3, 15))
    assert freshness.is_stale(checked, date(2027, 3, 16))
    assert freshness.check_due(date(2024, 2, 29)) == date(2025, 2, 28)
    assert freshness.note(checked, date(2027, 3, 15)) is None
    text = freshness.note(checked, date(2027, 3, 16))
    assert text.startswith("À vérifier") and "15 mars 2026" in text and "conseiller" in text


def test_no_answer_carries_the_note_today(rules_day):
    rules_day(TODAY)
    for entry_id in faq.entries():
        reply = faq.answer(entry_id)
        assert "À vérifier :" not in render.entry_text(reply), entry_id
    for topic in knowledge.topics():
        assert "À vérifier :" not in render.answer_text(knowledge.answer(topic)), topic


@pytest.mark.parametrize("day", LATER)
def test_an_old_check_is_still_given_with_the_note_and_the_advisor(rules_day, day):
    rules_day(day)
    for entry_id in faq.entries():
        reply = faq.answer(entry_id)
        text = render.entry_text(reply)
        old = freshness.is_stale(reply.last_checked, day)
        assert ("À vérifier :" in text) == old, entry_id
        assert reply.text in text, "the fact itself is still given"
        button = render.advisor_if_stale(reply.last_checked)
        assert (button is not None) == old
        if old:
            assert button == render.topic_button("advisor")
    for topic in knowledge.topics():
        answer = knowledge.answer(topic)
        assert ("À vérifier :" in render.answer_text(answer)) == freshness.is_stale(answer.last_checked, day)


def test_in_2028_every_fact_checked_in_2026_is_flagged(rules_day):
    rules_day(date(2028, 6, 1))
    for entry_id in faq.entries():
        assert "À vérifier :" in render.entry_text(faq.answer(entry_id)), entry_id


@pytest.mark.parametrize("day", LATER)
def test_an_amount_past_its_validity_is_never_said_as_current(rules_day, day):
    rules_day(day)
    value = knowledge.base().values["cpf_participation_forfaitaire"]
    assert value.at(day) is None, "no verified amount for this year yet"
    last = value.last_known_before(day)
    said = knowledge.french.amount(last.value, value.unit, value.decimals)
    reply = faq.answer("cpf_participation")
    assert said in reply.text
    # Said only as the last verified amount, with its end date and « à vérifier ».
    for match in re.finditer(re.escape(said), reply.text):
        assert reply.text[match.end():match.end() + 80].startswith(" (dernier montant vérifié")
    decision = rules.cpf(rules.Profile(status="salarie", registration="rncp"), day)
    joined = " ".join(decision.reasons)
    if said in joined:
        assert "dernier montant vérifié" in joined


def test_an_amount_shows_its_own_source_first():
    """The RS cap must show where it comes from, even where only one or two sources are shown."""
    decision = rules.cpf(rules.Profile(status="salarie", registration="rs"), TODAY)
    cap = knowledge.base().values["cpf_plafond_rs"].at(TODAY)
    line = render.sources_line(decision.sources, limit=3)
    assert any(source.url in line for source in cap.sources)


def test_the_report_lists_what_editors_must_look_at():
    report = freshness.report(TODAY)
    assert report.ok, [f.id for f in report.overdue]
    assert len(report.facts) > 300
    # The 2026 participation ends on 31 December: within 90 days of today.
    assert any(f.id == "cpf_participation_forfaitaire" and f.end == date(2026, 12, 31) for f in report.ending_soon)
    assert any(w.value == "cpf_participation_forfaitaire" for w in report.watches)
    text = freshness.markdown(report)
    for heading in ("## Âge de la dernière vérification", "## À revérifier dans les 90 jours",
                    "## Règles et montants qui prennent fin dans les 90 jours", "## Changements annoncés à surveiller",
                    "## Sources par nature", "## Sources par site", "## Sources jamais citées",
                    "## Faits appuyés sur une seule source non officielle"):
        assert heading in text
    assert "█" in text


def test_the_command_fails_once_a_fact_is_past_twelve_months(rules_day, tmp_path, capsys):
    rules_day(TODAY)
    assert freshness.main(["--out", str(tmp_path / "today.md")]) == 0
    rules_day(date(2028, 6, 1))
    assert freshness.main(["--out", str(tmp_path / "later.md")]) == 1
    assert "code de sortie 1" in capsys.readouterr().out
    assert "## À revérifier maintenant" in (tmp_path / "later.md").read_text(encoding="utf-8")


def test_the_committed_report_is_todays(rules_day):
    """docs/FRESHNESS.md is what `make freshness` writes on the day it was committed."""
    committed = (Path(__file__).resolve().parents[1] / "docs" / "FRESHNESS.md").read_text(encoding="utf-8")
    match = re.search(r"Rapport du (\d+(?:er)?) (\w+) (\d{4})", committed)
    assert match, "the report says its day"
    number, month, year = match.groups()
    day = date(int(year), knowledge.french.MONTHS.index(month) + 1, int(number.rstrip("er")))
    rules_day(day)
    assert freshness.markdown(freshness.report(day)) == committed, "run `make freshness` and commit docs/FRESHNESS.md"


def test_a_watch_without_its_check_day_is_refused(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    values = data / "values.yml"
    text = values.read_text(encoding="utf-8")
    assert "check_by:" in text
    values.write_text(re.sub(r"\n\s+check_by: [0-9-]+", "", text, count=1), encoding="utf-8")
    monkeypatch.setattr(freshness, "DATA_DIR", data)
    with pytest.raises(KnowledgeError, match="check_by"):
        freshness.watches()
