"""How typed text meets catalog titles: normalisation shared by the import and the queries,
and the fuzzy ranking (rapidfuzz).

Visitors write « cqp tourrier », « CQPM soudeur », « le cqp aps est il au rncp »,
« je cherche un cqp de soudeuse ». Both sides are folded (no accents, lower case), cleared
of words that never tell two certifications apart (« cqp », « est-il », « blocs »…) and
compared word set to word set, so that a partial name or a typo still matches.
"""
from __future__ import annotations

import re
from itertools import groupby
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from rapidfuzz import fuzz, process

from ..french import fold
from ..reading import mentions

# Words that say what the visitor wants to know, not which certification.
STOPWORDS = frozenset("""
a à au aux avec c ca ce ces cet cette comme d dans de des du en et est etre eux il ils j je l la le les leur lui m ma
me mes moi mon n ne nos notre nous on ou par pas pour qu que quel quelle quelles quels qui s sa se ses si son sont sur
t ta te tes toi ton tu un une vos votre vous y ya
cqp cqpm cqpi cqpa certificat certificats qualification qualifications professionnelle professionnelles
certification certifications rncp rs repertoire specifique fiche fiches numero num no n°
bloc blocs competence competences niveau niveaux info infos information informations detail details
cherche chercher recherche trouve trouver veux voudrais voudrai souhaite aimerais besoin savoir connaitre
existe existent exister ilya y-a-t-il encore toujours valide valable actif active enregistre enregistree
inscrit inscrite accessible ouvert ouverte possible peut peux puis faire obtenir passer avoir avez ai
vae cpf eligible eligibilite financable branche quoi comment combien ou quand svp stp merci bonjour salut
devenir metier metiers formation formations diplome titre lien donne donnez montre montrez moi
""".split())
GENDER_ENDINGS = re.compile(r"\((?:e|se|euse|ice|trice|ere|ne|le|es)\)")
CUTOFF = 72.0
STRONG = 85.0  # below this, a match is offered as a suggestion, not as the answer
CLEAR_LEAD = 8.0  # points ahead of the second before a match counts as the one meant


ENDINGS = (("euses", "eur"), ("euse", "eur"), ("trices", "teur"), ("trice", "teur"), ("ieres", "ier"),
           ("iere", "ier"), ("iennes", "ien"), ("ienne", "ien"), ("eres", "er"), ("ere", "er"))


def stem(word: str) -> str:
    """« soudeuse » and « soudeurs » are the « soudeur » of a title: one form per job word."""
    for ending, replacement in ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + replacement
    if len(word) > 4 and word.endswith(("s", "x")) and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> List[str]:
    folded = GENDER_ENDINGS.sub("", fold(text))
    return [stem(w) for w in re.findall(r"[a-z0-9]+", folded) if w not in STOPWORDS]


def search_keys(title: str) -> List[str]:
    """The strings a title is searched by: its significant words, and their initials
    (« Agent de prévention et de sécurité » is « CQP APS » to everyone in the trade)."""
    significant = words(title)
    keys = [" ".join(significant)] if significant else []
    letters = [w for w in significant if not w.isdigit()]
    if 2 <= len(letters) <= 6:
        keys.append("".join(w[0] for w in letters))
    return keys


def sort_key(title: str) -> str:
    """« CQP Électro bobinier » files under E, like « Électro… » without « CQP »."""
    return re.sub(r"^\s*(cqp[mi]?|certificat de qualification professionnelle)\b\W*", "", fold(title)).strip()


def query_of(text: str) -> str:
    return " ".join(words(text))


# The separator's spaces and those after it are one run, read one way only: `\s*[-_:]?\s*`
# tried every split of a long run of spaces, at every « rs » of the text (issue 15).
NUMBER = re.compile(r"\b(rncp|rs)(?:\s*[-_:])?\s*(\d{2,6})\b")
BARE_NUMBER = re.compile(r"(?<![\d,.])(\d{3,6})(?![\d,.])")


# Words that say a message is about a certification; « RNCP 34172 » is read by numbers_in().
CATALOG_WORDS = ("cqp", "cqps", "cqpm", "cqpi", "certificat", "certificats", "certification", "certifications")


# Words that ask for every bloc of a fiche, not the first few.
BLOC_WORDS = ("bloc", "blocs", "blocs de competences")


def asks_for_blocs(text: str) -> bool:
    return mentions(text, BLOC_WORDS)


def names_a_certification(text: str) -> bool:
    """Whether the text speaks of a certification: a fiche number with its prefix, or one of
    CATALOG_WORDS as a whole word (« CQP tourier » does, « acqpuis » does not)."""
    return bool(numbers_in(text)[0]) or mentions(text, CATALOG_WORDS)


def numbers_in(text: str) -> Tuple[List[str], List[str]]:
    """(fiche numbers written with their prefix, bare numbers that may be one)."""
    folded = fold(text)
    prefixed = [f"{prefix.upper()}{digits}" for prefix, digits in NUMBER.findall(folded)]
    rest = NUMBER.sub(" ", folded)
    bare = BARE_NUMBER.findall(rest) if not prefixed else []
    return prefixed, bare


class Choices:
    """Distinct strings to score, each once, with the entries (positions) that hold it: the
    same title comes back under several numbers (« CQP Soudeur » in the RNCP and in the RS)."""

    def __init__(self, strings: Iterable[str]):
        self.texts: List[str] = []
        self.positions: List[List[int]] = []
        seen: Dict[str, int] = {}
        for position, text in enumerate(strings):
            if text not in seen:
                seen[text] = len(self.texts)
                self.texts.append(text)
                self.positions.append([])
            self.positions[seen[text]].append(position)

    def top(self, scored: Sequence[Tuple[str, float, int]], count: int) -> List[Tuple[float, int]]:
        """(score, position) of the `count` best entries, from rapidfuzz's (text, score, text index)
        best first: best score first, then first position, as extract orders a list with repeats."""
        best: List[Tuple[float, int]] = []
        for score, group in groupby(scored, key=lambda match: match[1]):
            positions = sorted(position for _, _, index in group for position in self.positions[index])
            best += [(score, position) for position in positions[: count - len(best)]]
            if len(best) >= count:
                break
        return best


class FuzzyIndex:
    """Keys of the searchable fiches, kept in memory and scored in C by rapidfuzz: word sets
    (`token_set_ratio`) and the same without spaces (« électrobobinier »). Initials only
    count when they are the whole query (« APS »), or they would match any short word.

    `token_set_ratio` splits and sorts both strings on every call: run on every key, it was
    most of the time of a search. So it only scores the keys that can reach CUTOFF: those
    sharing a word with the query, found in an index of words, and those whose sorted words
    are close to the query's. For a key sharing no word, `token_set_ratio` *is* the plain
    `ratio` of the two sorted word sets, which rapidfuzz computes on pre-sorted keys without
    splitting anything, several times faster. Results and their order are those of scoring
    every key (tests/test_catalog.py checks it)."""

    def __init__(self, entries: Iterable[Tuple[str, str]]):
        self._keys: List[str] = []
        self._numbers: List[str] = []
        self._initials: Dict[str, List[str]] = {}
        for number, keys in entries:
            for position, key in enumerate(k for k in keys.split("\n") if k):
                if position and " " not in key and key.isalpha() and len(key) <= 6:
                    self._initials.setdefault(key, []).append(number)
                    continue
                self._keys.append(key)
                self._numbers.append(number)
        self._words = Choices(self._keys)
        self._spaceless = Choices(key.replace(" ", "") for key in self._keys)
        self._sorted_words = [" ".join(sorted(set(text.split()))) for text in self._words.texts]
        self._having: Dict[str, List[int]] = {}  # word -> indexes of the distinct keys that hold it
        for index, text in enumerate(self._words.texts):
            for word in set(text.split()):
                self._having.setdefault(word, []).append(index)

    def __len__(self) -> int:
        return len(set(self._numbers))

    def rank(self, query: str, limit: int = 8) -> List[Tuple[str, float]]:
        """(number, score) best first, one per fiche, scores above CUTOFF."""
        if not query:
            return []
        best: Dict[str, float] = {number: 100.0 for number in self._initials.get(query, [])}
        for matches in (self._by_words, self._without_spaces):
            for score, position in matches(query, limit * 4):
                number = self._numbers[position]
                best[number] = max(score, best.get(number, 0.0))
            if best and max(best.values()) >= STRONG:
                break  # words already match well: the spaceless pass would only cost time
        return sorted(best.items(), key=lambda item: -item[1])[:limit]

    def _by_words(self, query: str, count: int) -> List[Tuple[float, int]]:
        """(score, position) of the `count` best entries by word sets (`token_set_ratio`)."""
        words = set(query.split())
        candidates = {index for word in words for index in self._having.get(word, ())}
        # A point of margin: the two formulas may round the same score differently in the last digit.
        close = process.extract(" ".join(sorted(words)), self._sorted_words, scorer=fuzz.ratio, processor=None, limit=None,
                                score_cutoff=CUTOFF - 1)
        candidates.update(index for _, _, index in close)
        texts = {index: self._words.texts[index] for index in candidates}
        scored = process.extract(query, texts, scorer=fuzz.token_set_ratio, processor=None, limit=None, score_cutoff=CUTOFF)
        return self._words.top(scored, count)

    def _without_spaces(self, query: str, count: int) -> List[Tuple[float, int]]:
        """The same without spaces (`ratio`): « electro bobinier » is « electrobobinier »."""
        scored = process.extract(query.replace(" ", ""), self._spaceless.texts, scorer=fuzz.ratio, processor=None, limit=None,
                                 score_cutoff=CUTOFF)
        return self._spaceless.top(scored, count)


def clear_winner(ranked: Sequence[Tuple[str, float]]) -> bool:
    return bool(ranked) and ranked[0][1] >= STRONG and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= CLEAR_LEAD)


CODES = re.compile(r"\b(cqpm|cqpi)\b")


def codes_in(text: str) -> set:
    """« CQPM » (métallurgie) and « CQPI » (interbranches) also tell certifications apart."""
    return set(CODES.findall(fold(text)))
