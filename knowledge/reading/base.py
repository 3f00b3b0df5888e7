"""What every reading shares: its precision, its reason, and the words it was read from."""
from __future__ import annotations

import re
from enum import Enum
from typing import Iterable, List, Sequence, Tuple

from ..french import fold

# Longer messages are cut: the channels accept about a thousand characters, and nothing a
# visitor answers to one question needs more.
MAX_CHARS = 2000


class Precision(str, Enum):
    EXACT = "exact"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    ABOUT = "about"
    RANGE = "range"      # both bounds are known: « entre 2 et 3 ans »
    VAGUE = "vague"      # something was said, but not a figure: ask again, quoting it
    INVALID = "invalid"  # nothing usable, or absurd


def words(text: str) -> List[str]:
    """Folded word tokens: « L'Ardèche, 07 ! » -> ['l', 'ardeche', '07']."""
    return re.findall(r"[a-z0-9]+", fold((text or "")[:MAX_CHARS]))


def _phrases(keywords: Iterable[str]) -> List[Tuple[str, ...]]:
    return [tuple(words(k)) for k in keywords if words(k)]


def find_phrase(tokens: Sequence[str], keywords: Iterable[str]) -> int:
    """Where the first keyword starts as whole words in tokens, or -1: « formation » is not
    found in « plus d'informations »."""
    phrases = _phrases(keywords)
    for i in range(len(tokens)):
        for phrase in phrases:
            if tuple(tokens[i:i + len(phrase)]) == phrase:
                return i
    return -1


def mentions(text: str, keywords: Iterable[str]) -> bool:
    """Whether the text holds one of the keywords as whole folded words, never as a substring."""
    return find_phrase(words(text), keywords) >= 0
