"""Yes, no or « je ne sais pas », read on whole words: « non merci » is no, and
« plus d'informations » is nothing at all."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .base import Precision, find_phrase, words

YES, NO, UNKNOWN = "yes", "no", "unknown"
UNKNOWN_PHRASES = (
    "je ne sais pas", "je sais pas", "sais pas", "ne sais pas", "chais pas", "jsp", "j sais pas", "aucune idee",
    "je ne sais plus", "je sais plus", "j en sais rien", "je n en sais rien", "sais rien", "peut etre", "bof",
    "je ne suis pas sur", "je suis pas sur", "pas sur", "pas sure", "je ne suis pas sure", "ne sait pas",
    "je ne me souviens pas", "aucun idee", "sait pas", "nsp", "je doute", "ca depend", "je verrai", "joker",
)
NO_PHRASES = (
    "non", "nan", "no", "nope", "non merci", "pas du tout", "absolument pas", "jamais", "negatif",
    "aucunement", "pas vraiment", "pas d accord", "nn", "pas question", "surtout pas", "certainement pas",
    "ce n est pas le cas", "c est pas le cas", "niet", "nenni", "pas encore", "toujours pas",
)
YES_PHRASES = (
    "oui", "ouais", "ouai", "ouii", "oui oui", "yes", "yep", "ouep", "ok", "okay", "oki", "d accord", "dac", "bien sur",
    "exact", "exactement", "absolument", "tout a fait", "volontiers", "carrement", "affirmatif", "c est ca",
    "evidemment", "certainement", "effectivement", "tout juste", "bien entendu", "aucun probleme", "sans probleme", "oui merci", "avec plaisir",
    "c est le cas", "vas y", "allez y", "ca marche", "parfait", "je veux bien", "biensur", "oue", "voui", "wi", "ui",
)


@dataclass(frozen=True)
class YesNo:
    value: Optional[str]  # "yes", "no", "unknown", or None when nothing was said
    precision: Precision
    reason: str

    def said(self) -> str:
        return {YES: "oui", NO: "non", UNKNOWN: "vous ne savez pas"}.get(self.value or "", "réponse non comprise")


def read_yes_no(text: str) -> YesNo:
    """Oui, non or « je ne sais pas » in a short answer, read on whole words."""
    tokens = words(text)
    if not tokens:
        return YesNo(None, Precision.INVALID, "je n'ai pas trouvé de réponse")
    # Checked first: « je ne suis pas sûr » holds a « pas » that is not a no.
    if find_phrase(tokens, UNKNOWN_PHRASES) >= 0:
        return YesNo(UNKNOWN, Precision.EXACT, "vous ne savez pas")
    no, yes = find_phrase(tokens, NO_PHRASES), find_phrase(tokens, YES_PHRASES)
    if no >= 0 and yes >= 0:
        # « oui, enfin non » : both said; « pas d'accord » is read as a no by its own phrase.
        # « pas d'accord », « absolument pas » : a yes word negated is a no.
        if yes > 0 and tokens[yes - 1] in ("pas", "non") or tokens[yes + 1:yes + 2] == ["pas"]:
            return YesNo(NO, Precision.EXACT, "réponse négative")
        return YesNo(None, Precision.VAGUE, "j'ai lu à la fois oui et non : pouvez-vous préciser ?")
    if tokens == ["si"]:  # « si » answers a negative question; elsewhere it is « if »
        return YesNo(YES, Precision.EXACT, "réponse positive")
    if no >= 0:
        return YesNo(NO, Precision.EXACT, "réponse négative")
    if yes >= 0:
        if yes > 0 and tokens[yes - 1] in ("pas", "ne"):  # « pas exactement »
            return YesNo(NO, Precision.EXACT, "réponse négative")
        return YesNo(YES, Precision.EXACT, "réponse positive")
    return YesNo(None, Precision.INVALID, "je n'ai compris ni oui ni non")
