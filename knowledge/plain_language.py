"""The plain-language rule every content text meets: short sentences, a short first one.

Visitors read the answers on a phone, often in a second language: a sentence over 30 words,
or a first sentence that takes more than one breath, is where they stop reading. Words are
counted as they are seen: whitespace-separated tokens, punctuation set apart included.
"""
from __future__ import annotations

import re
from typing import List, Tuple

MAX_SENTENCE_WORDS = 30
MAX_FIRST_SENTENCE_WORDS = 24

# A sentence ends with . ! ? (a closing quote or bracket may follow), then a space, then a
# capital or an opening «.
_BOUNDARY = re.compile(r"[.!?](?:\s*[»)\"])?\s+(?=[«\"]|[^\W\d_])")
# Words after which a period does not end the sentence: « art. L6323-6 », « p. ex. Le… »,
# « cf. Décret… ». Compared lower-case, without the period.
ABBREVIATIONS = frozenset({"art", "arts", "cf", "ex", "p", "pp", "n", "no", "réf", "chap", "vol"})
# Titles, compared as written: « M. Dupont », but « le permis B. Le… » ends a sentence.
TITLES = frozenset({"M", "MM", "Mme", "Dr"})


def _ends_with_abbreviation(before: str) -> bool:
    token = before.split()[-1] if before.split() else ""
    # « l'art. », « d’ex. »: the word after the elided article.
    token = re.split(r"['’]", token.lstrip("«(\"'"))[-1]
    if not token.endswith("."):
        return False
    stem = token[:-1]
    return stem in TITLES or stem.lower() in ABBREVIATIONS


def sentences(text: str) -> List[str]:
    """« Le CPF paie. Depuis l'art. L6323-6, etc. » -> its sentences, in order, stripped."""
    found, start = [], 0
    for match in _BOUNDARY.finditer(text):
        following = text[match.end()]
        if following not in "«\"" and not following.isupper():
            continue
        piece = text[start:match.end()]
        if match.group(0)[0] == "." and _ends_with_abbreviation(text[start:match.start() + 1]):
            continue
        found.append(piece.strip())
        start = match.end()
    found.append(text[start:].strip())
    return [s for s in found if s]


def words(sentence: str) -> Tuple[str, ...]:
    """The whitespace-separated tokens of a sentence: what the plain-language limits count."""
    return tuple(sentence.split())


def problems(text: str) -> List[str]:
    """What breaks the rule in a text, in French for the content editor; empty when it reads well."""
    found = []
    parts = sentences(text)
    if parts and len(words(parts[0])) > MAX_FIRST_SENTENCE_WORDS:
        found.append(
            f"première phrase de {len(words(parts[0]))} mots (au plus {MAX_FIRST_SENTENCE_WORDS}) : « {parts[0]} »"
        )
    for sentence in parts:
        if len(words(sentence)) > MAX_SENTENCE_WORDS:
            found.append(f"phrase de {len(words(sentence))} mots (au plus {MAX_SENTENCE_WORDS}) : « {sentence} »")
    return found
