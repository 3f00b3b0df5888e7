"""Reads a France compétences RNCP/RS CSV export, zip or folder, exactly as published.

The format and its quirks are described in docs/CATALOG.md: `;`-separated UTF-8, every
value quoted, CRLF, line breaks inside values, a TAB before SIRET numbers, doubled
apostrophes in some labels. Files are matched on their prefix
(`export_fiches_CSV_<Partie>_`), never on the date, which differs from the zip's.
Any problem is an ExportError that names the file and the line.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

PREFIX = "export_fiches_CSV_"

# Partie -> the columns the import reads (the file may have more).
PARTS: Dict[str, Tuple[str, ...]] = {
    "Standard": ("Numero_Fiche", "Intitule", "Abrege_Libelle", "Nomenclature_Europe_Niveau",
                 "Nomenclature_Europe_Intitule", "Date_Fin_Enregistrement", "Type_Enregistrement", "Actif"),
    "Blocs_De_Compétences": ("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle"),
    "Certificateurs": ("Numero_Fiche", "Nom_Certificateur"),
    "VoixdAccès": ("Numero_Fiche", "Si_Jury"),
    "Rome": ("Numero_Fiche", "Codes_Rome_Code", "Codes_Rome_Libelle"),
    "CCN": ("Numero_Fiche", "Ccn_1_Libelle", "Ccn_2_Libelle", "Ccn_3_Libelle"),
    "Ancienne_Nouvelle_Certification": ("Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification"),
}
REQUIRED_PARTS = ("Standard",)
NUMBER = re.compile(r"^(RNCP|RS)\d+$")
DATE_IN_NAME = re.compile(r"(\d{4})_(\d{2})_(\d{2})")


class ExportError(Exception):
    """A problem in the export, said so that a person can find it and fix it."""

    def __init__(self, file: str, line: Optional[int], problem: str):
        self.file, self.line, self.problem = file, line, problem
        where = f"{file}, ligne {line}" if line else file
        super().__init__(f"{where} : {problem}")


@dataclass
class Row:
    file: str
    line: int
    values: Dict[str, str]


@dataclass
class Export:
    """The rows of each part, and the date the files carry (None for renamed samples)."""

    source: str
    parts: Dict[str, List[Row]] = field(default_factory=dict)
    date: Optional[str] = None

    def rows(self, part: str) -> List[Row]:
        return self.parts.get(part, [])


def read(path: Path) -> Export:
    """All the parts the catalog needs, from a zip or a folder."""
    path = Path(path)
    if not path.exists():
        raise ExportError(str(path), None, "ce fichier ou dossier n'existe pas")
    files = dict(_zip_members(path) if path.is_file() else _folder_files(path))
    if not files:
        raise ExportError(str(path), None, f"aucun fichier « {PREFIX}<Partie>_….csv » : est-ce bien un export France compétences ?")
    export = Export(source=path.name)
    for name, data in sorted(files.items()):
        part = part_of(name)
        if part is None:
            continue
        export.parts.setdefault(part, []).extend(parse(name, data(), PARTS[part]))
        found = DATE_IN_NAME.search(name)
        if part == "Standard" and found:
            export.date = "-".join(found.groups())
    for part in REQUIRED_PARTS:
        if part not in export.parts:
            raise ExportError(str(path), None, f"le fichier « {PREFIX}{part}_….csv » manque")
    return export


def part_of(file_name: str) -> Optional[str]:
    """« export_fiches_CSV_Blocs_De_Compétences_2026_02_01.csv » -> « Blocs_De_Compétences »."""
    name = unicodedata.normalize("NFC", Path(file_name).name)
    if not name.startswith(PREFIX) or not name.lower().endswith(".csv"):
        return None
    rest = name[len(PREFIX):]
    # The longest part name first: no part is a prefix of another today, but stay safe.
    for part in sorted(PARTS, key=len, reverse=True):
        if rest.startswith(part + "_"):
            return part
    return None


def _zip_members(path: Path) -> Iterator[Tuple[str, callable]]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ExportError(path.name, None, "ce n'est ni un dossier ni une archive zip lisible") from None
    for info in archive.infolist():
        if not info.is_dir():
            yield Path(info.filename).name, (lambda info=info: archive.read(info))


def _folder_files(path: Path) -> Iterator[Tuple[str, callable]]:
    for file in path.iterdir():
        if file.is_file():
            yield file.name, file.read_bytes


def parse(name: str, data: bytes, needed: Tuple[str, ...]) -> List[Row]:
    """The rows of one file, with the columns `needed`, cleaned of the export's quirks."""
    text = _decode(name, data)
    if not text.strip():
        raise ExportError(name, 1, "le fichier est vide (il devrait au moins avoir sa ligne d'en-tête)")
    first_line = text.split("\n", 1)[0]
    if ";" not in first_line and ("," in first_line or "\t" in first_line):
        raise ExportError(name, 1, "le séparateur n'est pas « ; » : le fichier a-t-il été réenregistré par un tableur ?")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=True)
    try:
        header = [cell.strip() for cell in next(reader)]
    except csv.Error as error:
        raise ExportError(name, 1, f"en-tête illisible ({error})") from None
    missing = [column for column in needed if column not in header]
    if missing:
        raise ExportError(name, 1, f"colonne(s) absente(s) : {', '.join(missing)}")
    index = {column: header.index(column) for column in needed}
    rows: List[Row] = []
    line = reader.line_num + 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise ExportError(name, start, f"{len(cells)} valeurs au lieu de {len(header)}")
            values = {column: clean(cells[i]) for column, i in index.items()}
            number = values["Numero_Fiche"]
            if not NUMBER.match(number):
                raise ExportError(name, start, f"numéro de fiche invalide : « {number[:40]} »")
            rows.append(Row(name, start, values))
    except csv.Error as error:
        raise ExportError(name, line, f"guillemets mal fermés ({error})") from None
    return rows


def clean(value: str) -> str:
    """Trims spaces and the TAB before SIRETs, and undoes doubled apostrophes (« d''affaires »)."""
    return " ".join(value.replace("''", "'").split())


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ExportError(name, line, "le fichier n'est pas en UTF-8 (encodage attendu de l'export officiel)") from None
