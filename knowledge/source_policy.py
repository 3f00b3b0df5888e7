"""Which sources may be shown to visitors, and which count as official.

Amounts, deadlines and legal conditions must rest on a law, a decree or a public
administration page (OFFICIAL): an operator, a branch or the press may add to them, never
replace them. Some hosts are never shown at all, whatever their content (see `refusal`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, List, Mapping, Optional, Union
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from .model import Source

KINDS = {
    "law": "texte de loi, décret ou accord (texte officiel)",
    "administration": "administration ou organisme public",
    "operator": "opérateur (OPCO, Transitions Pro)",
    "branch": "branche professionnelle, fédération ou syndicat",
    "press": "presse et sites d'actualité",
    "professional": "professionnel (cabinet, organisme de formation, conseil)",
}
OFFICIAL = frozenset({"law", "administration"})

# Words that mark a test copy of a site: its pages may differ from the published ones.
STAGING_WORDS = ("preprod", "staging", "recette")


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_official(kind: Optional[str]) -> bool:
    return kind in OFFICIAL


def official_first(sources: Iterable["Source"]) -> List["Source"]:
    """The sources in the editor's order, official ones first: a visitor sees only the
    first one or two, and they should be the text the rule comes from."""
    return sorted(sources, key=lambda source: not is_official(source.kind))


def refusal(source: Union[str, "Source"], refused_hosts: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """Why a page (a Source or its URL) must never be shown to a visitor, in French; None when it may be.

    `refused_hosts` maps a host to the reason it is refused (sources.yml › refused_hosts).
    """
    parts = urlsplit(source if isinstance(source, str) else source.url)
    name = (parts.hostname or "").lower()
    if not name:
        return "adresse sans nom de site"
    if name.endswith("."):
        # A host with a trailing dot is an odd copy of the site, not the page editors checked.
        return f"nom de site terminé par un point ({name})"
    if any(word in name for word in STAGING_WORDS):
        return f"site de pré-production ou de test ({name})"
    for refused, why in (refused_hosts or {}).items():
        refused = refused.lower()
        if name == refused or name.endswith("." + refused):
            return f"site refusé ({name}) : {why}"
    languages = [v.lower() for v in parse_qs(parts.query).get("lang", [])]
    if any(not lang.startswith("fr") for lang in languages) or "/en/" in parts.path.lower() + "/":
        return "page qui n'est pas en français"
    return None
