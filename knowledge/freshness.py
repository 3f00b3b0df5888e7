"""How fresh the content is: which facts were checked too long ago, which rules or amounts
end soon, which changes are awaited, and where the sources come from.

Two users: the bot, which still gives a fact checked more than 12 months ago but adds a short
« à vérifier » note and the advisor offer (`note`); and content editors, who run
`make freshness` for the report in docs/FRESHNESS.md (`report`, `markdown`). A scheduled job
can run the same command: it exits non-zero as soon as one fact is overdue.
"""
from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, List, Optional, Sequence, Tuple

import yaml

from . import french, source_policy
from .model import Source
from .store import DATA_DIR, KnowledgeError

# A check older than this is not trusted silently: the answer says « à vérifier ».
STALE_AFTER_MONTHS = 12
# How far ahead the report looks for checks, ends of rules and awaited changes.
SOON_DAYS = 90
OFFICIAL_KINDS = source_policy.OFFICIAL
KIND_LABELS = source_policy.KINDS
# Age buckets of the chart, in months: (upper bound, label).
AGE_BUCKETS = ((3, "moins de 3 mois"), (6, "3 à 6 mois"), (9, "6 à 9 mois"), (12, "9 à 12 mois"),
               (None, "plus de 12 mois"))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day: 31 → 30)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def check_due(last_checked: date) -> date:
    """The last day a check is trusted without a warning."""
    return add_months(last_checked, STALE_AFTER_MONTHS)


def is_stale(last_checked: Optional[date], day: date) -> bool:
    return last_checked is not None and day > check_due(last_checked)


def note(last_checked: Optional[date], day: date) -> Optional[str]:
    """What an answer adds when the fact it gives was checked more than 12 months before `day`."""
    if not is_stale(last_checked, day):
        return None
    return (f"À vérifier : cette information a été vérifiée pour la dernière fois le "
            f"{french.date_in_words(last_checked)}, il y a plus de {STALE_AFTER_MONTHS} mois. "
            "Un conseiller peut vous confirmer la règle en vigueur.")


@dataclass(frozen=True)
class Fact:
    """One thing the assistant states, with where an editor finds it."""

    kind: str          # French, e.g. « FAQ », « sujet », « montant »
    id: str
    file: str
    start: date        # the loader refuses a fact without its dates: every fact has them
    end: Optional[date]
    last_checked: date
    sources: Tuple[Source, ...]


@dataclass(frozen=True)
class Watch:
    """A change announced but not confirmed: editors check it by a given day."""

    value: str
    note: str
    check_by: date
    sources: Tuple[Source, ...]


@dataclass
class Report:
    day: date
    facts: List[Fact]
    sources: List[Source]
    watches: List[Watch]
    overdue: List[Fact] = field(default_factory=list)
    due_soon: List[Fact] = field(default_factory=list)
    ending_soon: List[Fact] = field(default_factory=list)
    uncited: List[Source] = field(default_factory=list)
    single_unofficial: List[Fact] = field(default_factory=list)
    unofficial: List[Fact] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.overdue


def _versions(kind: str, ident: str, file: str, versions) -> Iterable[Fact]:
    for version in versions:
        yield Fact(kind, ident, file, version.start, version.end, version.last_checked, tuple(version.sources))


def facts() -> List[Fact]:
    """Every fact of knowledge/data, each with its dates and sources."""
    from . import base, cep, faq

    kb = base()
    found: List[Fact] = []
    for topic in kb.topics.values():
        found.extend(_versions("sujet", topic.id, f"topics/{topic.id}.yml", topic.versions))
    for entry in faq.entries().values():
        # Glossary words are FAQ entries too (glossaire_<id>), written in glossary.yml.
        file = "glossary.yml" if entry.topic == "glossaire" and entry.id != entry.topic else f"faq/{entry.topic}.yml"
        found.extend(_versions("FAQ", entry.id, file, entry.versions))
    for value in kb.values.values():
        for period in value.periods:
            found.append(Fact("montant ou durée", value.id, "values.yml", period.start, period.end,
                              value.last_checked, tuple(period.sources)))
    for reason in kb.reasons.values():
        found.append(Fact("motif de décision", reason.id, "decisions.yml", reason.start, reason.end,
                          reason.last_checked, tuple(reason.sources)))
    for option in kb.financing:
        found.append(Fact("financement", option.id, "financing.yml", option.start, option.end,
                          option.last_checked, tuple(option.sources)))
    operators, _, common_sources = cep.operators()
    common = cep.common_validity()
    found.append(Fact("orientation CEP", "common", "cep.yml", common.start, common.end, common.last_checked,
                      tuple(common_sources)))
    for operator in operators:
        found.append(Fact("orientation CEP", operator.id, "cep.yml", operator.start, operator.end,
                          operator.last_checked, tuple(operator.sources)))
    for step in kb.steps:
        # A step states its topic's route: the topic's sources back it.
        found.append(Fact("étape", str(step.number), "steps.yml", step.start, step.end, step.last_checked,
                          tuple(kb.topics[step.topic].versions[-1].sources)))
    return found


def watches() -> List[Watch]:
    """The `watch` lists of values.yml: announced changes not yet confirmed."""
    from . import base

    sources = base().sources
    raw = yaml.safe_load((DATA_DIR / "values.yml").read_text(encoding="utf-8"))["values"]
    found = []
    for value_id, body in raw.items():
        for index, item in enumerate(body.get("watch") or ()):
            where = f"values.yml › {value_id} › watch {index + 1}"
            if not isinstance(item, dict) or not item.get("note") or not item.get("check_by"):
                raise KnowledgeError(f"{where}: « note » et « check_by » sont requis")
            ids = item.get("sources") or []
            unknown = [i for i in ids if i not in sources]
            if not ids or unknown:
                raise KnowledgeError(f"{where}: source(s) manquante(s) ou inconnue(s) {unknown}")
            check_by = item["check_by"]
            if not isinstance(check_by, date):
                raise KnowledgeError(f"{where}: date invalide « {check_by} » (attendu AAAA-MM-JJ)")
            found.append(Watch(value_id, " ".join(str(item["note"]).split()), check_by,
                               tuple(sources[i] for i in ids)))
    return found


def kind_of(source: Source) -> str:
    return source.kind


def host(source: Source) -> str:
    """The site of a source, « www. » aside: one row per site in the report."""
    return source_policy.host(source.url).removeprefix("www.")


def report(day: date) -> Report:
    from . import base

    all_facts = facts()
    result = Report(day=day, facts=all_facts, sources=list(base().sources.values()), watches=watches())
    horizon = day + timedelta(days=SOON_DAYS)
    for fact in all_facts:
        if is_stale(fact.last_checked, day):
            result.overdue.append(fact)
        elif check_due(fact.last_checked) <= horizon:
            result.due_soon.append(fact)
        if fact.end is not None and day <= fact.end <= horizon:
            result.ending_soon.append(fact)
        if len(fact.sources) == 1 and kind_of(fact.sources[0]) not in OFFICIAL_KINDS:
            result.single_unofficial.append(fact)
        if not any(kind_of(s) in OFFICIAL_KINDS for s in fact.sources):
            result.unofficial.append(fact)
    cited = {s.id for fact in all_facts for s in fact.sources} | {s.id for w in result.watches for s in w.sources}
    result.uncited = [s for s in result.sources if s.id not in cited]
    return result


def months_since(last_checked: date, day: date) -> int:
    months = (day.year - last_checked.year) * 12 + day.month - last_checked.month
    return months - 1 if day.day < last_checked.day else months


def age_counts(found: Sequence[Fact], day: date) -> List[Tuple[str, int]]:
    counts = Counter()
    for fact in found:
        age = months_since(fact.last_checked, day)
        label = next(text for bound, text in AGE_BUCKETS if bound is None or age < bound)
        counts[label] += 1
    return [(text, counts[text]) for _, text in AGE_BUCKETS]


def _bar(count: int, largest: int, width: int = 40) -> str:
    return "█" * (round(width * count / largest) if largest else 0) or ("▏" if count else "")


def _when(day: Optional[date]) -> str:
    return french.date_in_words(day) if day else "—"


def _fact_row(fact: Fact, extra: str) -> str:
    return f"| {fact.kind} | `{fact.id}` | {fact.file} | {extra} |"


def _group(found: Sequence[Fact]) -> List[Tuple[Fact, int]]:
    """Facts of one id and file once, with their number (the versions of one entry)."""
    seen = {}
    for fact in found:
        key = (fact.kind, fact.id, fact.file)
        first, count = seen.get(key, (fact, 0))
        seen[key] = (first, count + 1)
    return list(seen.values())


def summary(result: Report) -> str:
    lines = [
        f"Fraîcheur du contenu au {_when(result.day)} : {len(result.facts)} faits, {len(result.sources)} sources.",
        f"- à revérifier (dernière vérification il y a plus de {STALE_AFTER_MONTHS} mois) : {len(result.overdue)}",
        f"- à revérifier dans les {SOON_DAYS} jours : {len(result.due_soon)}",
        f"- règles ou montants qui prennent fin dans les {SOON_DAYS} jours : {len(result.ending_soon)}",
        f"- changements annoncés à surveiller : {len(result.watches)}",
        f"- sources jamais citées : {len(result.uncited)}",
        f"- faits appuyés sur une seule source non officielle : {len(result.single_unofficial)}",
        f"- faits sans aucune source officielle (loi, décret, administration) : {len(result.unofficial)}",
    ]
    lines.append("Résultat : " + ("à jour." if result.ok else "des faits sont à revérifier (code de sortie 1)."))
    return "\n".join(lines)


def markdown(result: Report) -> str:
    day = result.day
    out = [
        "# Fraîcheur du contenu",
        "",
        f"Rapport du {_when(day)}, produit par `make freshness` (`python -m knowledge.freshness`) "
        "à partir de `knowledge/data/`. Ne le modifiez pas à la main : relancez la commande.",
        "",
        "Un fait est à revérifier quand sa dernière vérification (`last_checked`) a plus de "
        f"{STALE_AFTER_MONTHS} mois : le bot le donne encore, avec une note « À vérifier » et "
        "l'offre d'un conseiller, et la commande sort en erreur pour alerter. Le guide des "
        "éditeurs est `knowledge/data/README.md`.",
        "",
        "## Résumé",
        "",
        "```",
        summary(result),
        "```",
        "",
        "## Âge de la dernière vérification",
        "",
        "```",
    ]
    counts = age_counts(result.facts, day)
    largest = max((count for _, count in counts), default=0)
    width = max(len(text) for text, _ in counts)
    out += [f"{text.ljust(width)} {_bar(count, largest)} {count}" for text, count in counts]
    checked_days = Counter(f.last_checked for f in result.facts if f.last_checked)
    out += ["```", "", "Jours de vérification (les faits vérifiés le même jour arrivent à échéance ensemble) :", ""]
    out += [f"- {_when(d)} : {n} faits, à revérifier au plus tard le {_when(check_due(d))}"
            for d, n in sorted(checked_days.items())]

    out += ["", f"## À revérifier maintenant (plus de {STALE_AFTER_MONTHS} mois)", ""]
    out += _facts_table(result.overdue, "vérifié le", lambda f: _when(f.last_checked))
    out += ["", f"## À revérifier dans les {SOON_DAYS} jours", ""]
    out += _facts_table(result.due_soon, "à revérifier avant le", lambda f: _when(check_due(f.last_checked)))
    out += ["", f"## Règles et montants qui prennent fin dans les {SOON_DAYS} jours", "",
            "Après cette date, le bot ne dit plus la valeur comme actuelle : ajoutez la période suivante "
            "(voir le guide des éditeurs) dès qu'un texte officiel la fixe.", ""]
    out += _facts_table(result.ending_soon, "fin", lambda f: _when(f.end))
    out += ["", "## Changements annoncés à surveiller", ""]
    if result.watches:
        out += ["| Valeur | Ce qui est annoncé | À vérifier avant le | Source |", "|---|---|---|---|"]
        out += [f"| `{w.value}` | {w.note} | {_when(w.check_by)}{' **(dépassé)**' if w.check_by < day else ''} | "
                + " ; ".join(f"[{s.title}]({s.url})" for s in w.sources) + " |" for w in result.watches]
    else:
        out.append("Aucun.")
    out += ["", "## Sources par nature", ""]
    by_kind = Counter(kind_of(s) for s in result.sources)
    out += ["| Nature | Sources |", "|---|---|"]
    out += [f"| {KIND_LABELS.get(kind, kind)} | {count} |" for kind, count in sorted(by_kind.items(), key=lambda x: -x[1])]
    out += ["", "## Sources par site", "", "| Site | Nature | Sources | Citée par (faits) |", "|---|---|---|---|"]
    citing = Counter(s.id for f in result.facts for s in f.sources)
    hosts = {}
    for source in result.sources:
        entry = hosts.setdefault(host(source), [kind_of(source), 0, 0])
        entry[1] += 1
        entry[2] += citing[source.id]
    for name, (kind, count, cited) in sorted(hosts.items(), key=lambda x: (-x[1][2], x[0])):
        out.append(f"| {name} | {KIND_LABELS.get(kind, kind)} | {count} | {cited} |")
    out += ["", "## Sources jamais citées", ""]
    out += [f"- `{s.id}` : [{s.title}]({s.url})" for s in result.uncited] or ["Aucune."]
    out += ["", "## Faits appuyés sur une seule source non officielle", "",
            "À conforter par un texte officiel ou une page d'administration quand c'est possible.", ""]
    out += _facts_table(result.single_unofficial, "source", lambda f: f"{f.sources[0].id} ({KIND_LABELS.get(kind_of(f.sources[0]), '?')})")
    out += ["", "## Faits sans aucune source officielle", "",
            "Les montants, délais et conditions légales doivent citer une loi, un décret ou une page "
            "d'administration (tests/test_source_policy.py) ; les autres faits gagnent à en citer une.", ""]
    out += _facts_table(result.unofficial, "sources", lambda f: ", ".join(s.id for s in f.sources))
    return "\n".join(out) + "\n"


def _facts_table(found: Sequence[Fact], column: str, cell) -> List[str]:
    if not found:
        return ["Aucun."]
    rows = ["| Type | Identifiant | Fichier | " + column + " |", "|---|---|---|---|"]
    for fact, count in _group(found):
        extra = cell(fact) + (f" ({count} versions)" if count > 1 else "")
        rows.append(_fact_row(fact, extra))
    return rows


def main(argv: Optional[Sequence[str]] = None) -> int:
    import argparse

    from . import today

    parser = argparse.ArgumentParser(description="Rapport de fraîcheur du contenu (knowledge/data).")
    parser.add_argument("--out", default="docs/FRESHNESS.md", help="fichier Markdown du rapport")
    args = parser.parse_args(argv)
    result = report(today())
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write(markdown(result))
    print(summary(result))
    print(f"Rapport complet : {args.out}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
