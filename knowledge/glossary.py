"""The words of the CQP route (OPCO, CPNE, RNCP, CléA…), each explained in one to three sentences.

The words live in data/glossary.yml. Each one is also an FAQ entry, `glossaire_<id>` of the
topic `glossaire`, merged into knowledge.faq: the same retrieval that answers every other
question answers « c'est quoi un OPCO ? », with no rule or intent of its own. An answer that
uses a word can offer it as a button (`terms_in`, used by bot/actions/render.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from . import plain_language
from .faq import ENTRY_ID, Entry, words
from .model import DatedValue, Source, Version
from .store import DATA_DIR, KnowledgeError, _read, _require, load_versions

GLOSSARY_FILE = DATA_DIR / "glossary.yml"
TOPIC = "glossaire"
ENTRY_PREFIX = TOPIC + "_"
TERM_ID = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
MAX_SENTENCES = 3
# An article as it reads after « c'est quoi » and after « qu'est-ce ».
ARTICLES = {
    "un": ("un ", "qu'un "), "une": ("une ", "qu'une "), "le": ("le ", "que le "), "la": ("la ", "que la "),
    "l'": ("l'", "que l'"), "les": ("les ", "que les "), "": ("", "que "),
}
# How visitors ask what a word means ({a}, {q}: the article; {w}: one form of the word).
# Training only: none is a question of tests/data/real_questions.
QUESTION_TEMPLATES = (
    "c'est quoi {a}{w} ?", "qu'est-ce {q}{w} ?", "que veut dire {w} ?", "{w}, ça veut dire quoi ?",
    "{w} c'est quoi", "définition du mot {w}", "je ne comprends pas le mot {w}", "c koi {a}{w}",
)
# The word alone, as typed right after reading it (its button reads « OPCO ? »).
WORD_TEMPLATES = ("{w} ?", "{w}", "le mot {w} ?", "{w} = ?", "{w}, c'est-à-dire ?")
# The other forms of a word (a full name, a plural) get a few templates only: many examples
# of one word would make every question that mentions it look like a request for its meaning.
OTHER_FORM_TEMPLATES = ("c'est quoi {a}{w} ?", "que veut dire {w} ?", "{w} ?")
# A word in an answer may be plural: « blocs », « niveaux ».
PLURAL_ENDINGS = ("s", "x")


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    forms: Tuple[str, ...]  # the word as shown first, then its aliases; one per folded spelling
    article: str
    question: str
    definition: str
    version: Version
    see: Optional[str]
    asked_at: Optional[str]

    @property
    def entry(self) -> str:
        return ENTRY_PREFIX + self.id

    @property
    def title(self) -> str:
        """The button that explains the word: « OPCO ? », « Certificateur ? »."""
        return f"{self.term[:1].upper()}{self.term[1:]} ?"

    @property
    def next(self) -> Tuple[str, ...]:
        """The entries that say more, or the list of words when none does."""
        return tuple(dict.fromkeys(e for e in (self.see, self.asked_at) if e)) or (TOPIC,)


def _article(item: dict, where: str) -> str:
    if not isinstance(item, dict) or "article" not in item:
        raise KnowledgeError(f"{where}: champ « article » manquant (un, une, le, la, l', les, ou \"\")")
    article = str(item["article"] or "")
    if article not in ARTICLES:
        raise KnowledgeError(f"{where}: article inconnu « {article} » (un, une, le, la, l', les, ou \"\")")
    return article


def _definition(item: dict, where: str) -> str:
    text = " ".join(str(_require(item, "definition", where)).split())
    count = len(plain_language.sentences(text))
    if count > MAX_SENTENCES:
        raise KnowledgeError(f"{where}: définition de {count} phrases, {MAX_SENTENCES} au plus")
    found = plain_language.problems(text)
    if found:
        raise KnowledgeError(f"{where}: définition difficile à lire ({'; '.join(found)})")
    return text


def _entry_ref(item: dict, key: str, where: str) -> Optional[str]:
    """An FAQ entry named by `see` or `asked_at`; knowledge.faq checks that it exists."""
    value = item.get(key)
    if value is None:
        return None
    if not ENTRY_ID.match(str(value)):
        raise KnowledgeError(f"{where}: « {key} » doit être l'identifiant d'une entrée de la FAQ")
    return str(value)


def load_terms(path: Path, sources: Mapping[str, Source], values: Mapping[str, DatedValue]) -> Dict[str, Term]:
    """Every word of the file, checked: a definition that reads plainly, its dates and known
    sources, and forms that name one word only."""
    terms: Dict[str, Term] = {}
    owners: Dict[Tuple[str, ...], str] = {}
    for index, item in enumerate(_require(_read(path), "terms", path.name)):
        term_id = str(_require(item, "id", f"{path.name} › mot {index + 1}"))
        where = f"{path.name} › {term_id}"
        if not TERM_ID.match(term_id) or not ENTRY_ID.match(ENTRY_PREFIX + term_id):
            raise KnowledgeError(f"{where}: identifiant invalide (a-z, 0-9, _)")
        if term_id in terms:
            raise KnowledgeError(f"{where}: identifiant déjà utilisé")
        shown = " ".join(str(_require(item, "term", where)).split())
        article = _article(item, where)
        definition = _definition(item, where)
        fact = {key: item.get(key) for key in ("from", "until", "sources", "last_checked")}
        version = load_versions({"versions": [{**fact, "text": definition}]}, where, sources, values)[0]
        forms: List[str] = []
        for form in (shown, *(" ".join(str(a).split()) for a in item.get("aliases") or ())):
            key = words(form)
            if not key:
                raise KnowledgeError(f"{where}: forme vide dans « aliases »")
            if owners.setdefault(key, term_id) != term_id:
                raise KnowledgeError(f"{where}: « {form} » est déjà une forme du mot « {owners[key]} »")
            if all(words(f) != key for f in forms):
                forms.append(form)
        asked_at = _entry_ref(item, "asked_at", where)
        a, _ = ARTICLES[article]
        default = f"{shown[:1].upper()}{shown[1:]}, en bref ?" if asked_at else f"C'est quoi {a}{shown} ?"
        terms[term_id] = Term(
            id=term_id,
            term=shown,
            forms=tuple(forms),
            article=article,
            question=" ".join(str(item.get("question") or default).split()),
            definition=definition,
            version=version,
            see=_entry_ref(item, "see", where),
            asked_at=asked_at,
        )
    return terms


def examples(item: Term) -> Tuple[str, ...]:
    """The ways a visitor asks for the word, from each of its forms. A word whose
    « c'est quoi … ? » another entry answers (`asked_at`) learns only the word alone, as
    shown: its full name (« Répertoire national des certifications… ») asks that entry."""
    a, q = ARTICLES[item.article]
    if item.asked_at:
        forms, templates, others = item.forms[:1], WORD_TEMPLATES, ()
    else:
        forms, templates, others = item.forms, QUESTION_TEMPLATES + WORD_TEMPLATES, OTHER_FORM_TEMPLATES
    texts = [template.format(a=a, q=q, w=form)
             for index, form in enumerate(forms) for template in (others if index else templates)]
    return tuple(dict.fromkeys(t for t in texts if words(t) != words(item.question)))


def faq_entries(items: Iterable[Term]) -> Tuple[Entry, ...]:
    """Each word as an FAQ entry of the topic `glossaire`."""
    return tuple(
        Entry(id=t.entry, topic=TOPIC, question=t.question, versions=(t.version,), next=t.next,
              follow_ups=(), examples=examples(t))
        for t in items
    )


@lru_cache(maxsize=1)
def _loaded() -> Mapping[str, Term]:
    from . import base  # the base loads the sources and values once per process

    kb = base()
    return load_terms(GLOSSARY_FILE, kb.sources, kb.values)


def terms() -> Tuple[Term, ...]:
    return tuple(_loaded().values())


def term(term_id: str) -> Term:
    try:
        return _loaded()[term_id]
    except KeyError:
        raise KeyError(f"mot inconnu du glossaire : {term_id}") from None


def entries() -> Tuple[Entry, ...]:
    return faq_entries(terms())


@lru_cache(maxsize=1)
def _forms_by_first_word() -> Mapping[str, Tuple[Tuple[Tuple[str, ...], str], ...]]:
    """First folded word -> (folded words, term id) of every form."""
    index: Dict[str, List[Tuple[Tuple[str, ...], str]]] = {}
    for item in terms():
        for form in item.forms:
            key = words(form)
            index.setdefault(key[0], []).append((key, item.id))
    return {first: tuple(forms) for first, forms in index.items()}


def _same_word(seen: str, form: str) -> bool:
    return seen == form or (seen[:-1] == form and seen[-1:] in PLURAL_ENDINGS)


def _match_at(tokens: Sequence[str], start: int) -> Optional[Tuple[int, str]]:
    """The longest form that starts at `start`: (its length in words, its term)."""
    index = _forms_by_first_word()
    word = tokens[start]
    candidates = [*index.get(word, ()), *(index.get(word[:-1], ()) if word[-1:] in PLURAL_ENDINGS else ())]
    best: Optional[Tuple[int, str]] = None
    for key, term_id in candidates:
        span = tokens[start:start + len(key)]
        if len(span) == len(key) and all(_same_word(s, f) for s, f in zip(span, key)):
            if best is None or len(key) > best[0]:
                best = (len(key), term_id)
    return best


def terms_in(text: str) -> Tuple[str, ...]:
    """The words of the glossary a text uses, in the order they first appear. Whole words,
    without accents or case, singular or plural; where forms overlap, the longest wins
    (« jury paritaire », not « paritaire »)."""
    tokens = words(text)
    found: List[str] = []
    position = 0
    while position < len(tokens):
        match = _match_at(tokens, position)
        if match is None:
            position += 1
            continue
        length, term_id = match
        found.append(term_id)
        position += length
    return tuple(dict.fromkeys(found))
