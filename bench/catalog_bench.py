"""Import and lookup timings of the certification catalog (knowledge/catalog) on a synthetic
export the size of a full one, into docs/bench/catalog.md.

    make bench-catalog        (= .venv/bin/python bench/catalog_bench.py)

1. Writes, deterministically (random.Random(42)), a zip in the official layout: the ten
   `export_fiches_CSV_<Partie>_AAAA_MM_JJ.csv` files with the official headers, `;`, every
   non-empty value quoted, CRLF, a TAB before SIRETs, doubled apostrophes in ROME labels,
   trailing spaces, line breaks and doubled quotes inside some values. 35,000 Standard
   fiches (29,000 RNCP, 6,000 RS, about 2,500 CQPs of branch bodies).
2. Imports it with `knowledge.catalog.build.build` three times, each in a fresh Python
   process (so that the peak RSS is the import's, as with `make catalog`).
3. Opens `Catalog` on the result and times the lookups the bot makes, many calls each.

Nothing here asserts a time: the figures are written down, with the issue's targets.
The import runs in a child process (`catalog_bench.py --import-once ZIP DB` prints JSON), and so
does one opening of the catalog (`--open-once DB`), to measure their memory apart from the generator's.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REPORT = ROOT / "docs" / "bench" / "catalog.md"
FIXTURE = ROOT / "tests" / "data" / "rncp_fixture_2024_02_22"
SEED = 42
EXPORT_DATE = date(2026, 11, 25)  # fixed, so that the zip is the same on every run
STAMP = EXPORT_DATE.strftime("%Y_%m_%d")
N_RNCP, N_RS = 29_000, 6_000
N_CQP_RNCP, N_CQP_RS = 1_900, 600
IMPORT_TARGET_S = 60.0  # issue: a full export (about 35,000 fiches) imported in under a minute
LOOKUP_TARGET_MS = 5.0  # issue: lookups « in a few milliseconds »; read here as p95 <= 5 ms

# The official headers, as in tests/data/rncp_fixture_2024_02_22 (checked at run time).
HEADERS: Dict[str, Tuple[str, ...]] = {
    "Standard": ("Id_Fiche", "Numero_Fiche", "Intitule", "Abrege_Libelle", "Abrege_Intitule", "Nomenclature_Europe_Niveau",
                 "Nomenclature_Europe_Intitule", "Accessible_Nouvelle_Caledonie", "Accessible_Polynesie_Francaise",
                 "Date_dernier_jo", "Date_Decision", "Date_Fin_Enregistrement", "Date_Effet", "Type_Enregistrement",
                 "Validation_Partielle", "Actif"),
    "Blocs_De_Compétences": ("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle"),
    "Certificateurs": ("Numero_Fiche", "Siret_Certificateur", "Nom_Certificateur"),
    "VoixdAccès": ("Numero_Fiche", "Si_Jury"),
    "Rome": ("Numero_Fiche", "Codes_Rome_Code", "Codes_Rome_Libelle"),
    "CCN": ("Numero_Fiche", "Ccn_1_Numero", "Ccn_1_Libelle", "Ccn_2_Numero", "Ccn_2_Libelle", "Ccn_3_Numero", "Ccn_3_Libelle"),
    "Ancienne_Nouvelle_Certification": ("Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification"),
    "Nsf": ("Numero_Fiche", "Nsf_Code", "Nsf_Intitule"),
    "Formacode": ("Numero_Fiche", "Formacode_Code", "Formacode_Libelle"),
    "Partenaires": ("Numero_Fiche", "Nom_Partenaire", "Siret_Partenaire", "Habilitation_Partenaire"),
}

# ------------------------------------------------------------------------------------------
# Vocabulary of the synthetic export
# ------------------------------------------------------------------------------------------
ROUTES = ("Par expérience", "Par candidature individuelle",
          "Après un parcours de formation sous statut d’élève ou d’étudiant", "En contrat d’apprentissage",
          "En contrat de professionnalisation", "Après un parcours de formation continue")
NO_LEVEL = "Sans niveau – le positionnement dans le cadre de national des certifications professionnelles est non déterminé"
ON_REQUEST, BY_RIGHT = "Enregistrement sur demande", "Enregistrement de droit"

# Branch bodies: (branch id the import should find, certificateurs, CCN (numero, libellé), share of the CQPs, métiers, compléments, style)
BRANCHES = [
    ("metallurgie", ["UNION DES INDUSTRIES ET DES METIERS DE LA METALLURGIE - UIMM"], ("3109", "Métallurgie"), 30,
     ["Soudeur", "Soudeur industriel", "Tuyauteur industriel", "Chaudronnier", "Chaudronnier naval", "Usineur",
      "Tourneur(euse) industriel", "Fraiseur industriel", "Ajusteur monteur industriel", "Ajusteur assembleur de structures aéronefs",
      "Technicien de maintenance industrielle", "Technicien(ne) en usinage", "Opérateur régleur sur machine-outil à commande numérique",
      "Conducteur d'équipements industriels", "Monteur câbleur", "Intégrateur câbleur aéronautique", "Agent de maintenance en ascenseurs",
      "Agent de maintenance en portes automatiques", "Électrobobinier", "Opérateur sur machines automatisées de production",
      "Assembleur monteur de systèmes mécanisés", "Agent de contrôle qualité dans l'industrie", "Chargé de maintenance industrielle",
      "Animateur d'équipe autonome de production industrielle", "Technicien en mécatronique", "Technicien qualité",
      "Chargé de projets industriels", "Dessinateur d'études industrielles", "Technicien d'essais", "Peintre industriel",
      "Mouliste", "Opérateur de fonderie", "Forgeron industriel", "Chargé d'affaires tuyauterie, chaudronnerie, soudure",
      "Concepteur modélisateur numérique de produits ou de systèmes mécaniques", "Conducteur régleur de presse à emboutir et/ou à découper",
      "Agent de maintenance de matériels de manutention et de levage", "Technicien de la logistique industrielle",
      "Opérateur composites hautes performances", "Technicien en chaudronnerie", "Pilote de systèmes de production automatisée",
      "Technicien d'usinage sur machines-outils à commande numérique", "Monteur de structures aéronautiques"],
     ["", "", "", "aéronautique", "naval", "de production", "option A", "option B", "en chaudronnerie", "sur matériaux composites",
      "de systèmes mécaniques", "en milieu nucléaire", "de fabrication additive", "confirmé"], "cqpm"),
    ("sport", ["ORGANISME CERTIFICATEUR DE LA BRANCHE DU SPORT OC SPORT"], ("3328", "Sport"), 6,
     ["Animateur de loisir sportif", "Moniteur de tennis", "Moniteur de golf", "Éducateur de tir sportif", "Technicien sportif d'athlétisme",
      "Moniteur de karting", "Instructeur fitness", "Moniteur de sport adapté", "Moniteur d'escalade", "Assistant moniteur de voile",
      "Moniteur de canoë-kayak", "Moniteur de roller", "Opérateur vidéo sportif", "Technicien sportif de rugby à XV",
      "Moniteur d'équitation", "Animateur de basket-ball", "Moniteur de parachutisme"],
     ["", "", "option jeux sportifs et jeux d'opposition", "option activités gymniques d'entretien et d'expression", "option activités de randonnée",
      "mention cardio training"], "cqp"),
    ("boulangerie", ["CONFEDE. NATIONALE BOULANGERS PATISSIERS", "INSTITUT NATIONAL BOULANGERIE PATISSERIE"], ("3117", "Boulangerie-pâtisserie (Entreprises artisanales)"), 4,
     ["Tourier", "Ouvrier boulanger", "Ouvrier pâtissier", "Vendeur(se) en boulangerie-pâtisserie", "Responsable de production en boulangerie",
      "Chocolatier confiseur", "Snackeur en boulangerie"], ["", "", "confirmé", "qualifié"], "cqp"),
    ("boulangerie_industrielle", ["FEBP SERVICES"], ("3102", "Boulangerie pâtisserie industrielle"), 2,
     ["Responsable de magasin en boulangerie, viennoiserie, pâtisserie", "Conducteur de four", "Vendeur en terminal de cuisson",
      "Opérateur de fabrication en boulangerie industrielle"], ["", ""], "cqp"),
    ("automobile", ["ASS NATIONALE FORMATION AUTOMOBILE"], ("3034", "Services de l'automobile (Commerce et réparation de l'automobile, du cycle et du motocycle, activités connexe, contrôle technique automobile, formation des conducteurs)"), 8,
     ["Mécanicien de maintenance automobile", "Technicien électricien électronicien automobile", "Peintre confirmé", "Carrossier réparateur",
      "Vendeur automobile", "Rénovateur véhicules d'occasion", "Opérateur service rapide", "Technicien expert après-vente automobile",
      "Adjoint au chef des ventes", "Conseiller de vente en pièces de rechange", "Mécanicien cycles", "Technicien motocycles",
      "Contrôleur technique poids lourds", "Dépanneur remorqueur", "Mécanicien de maintenance véhicules industriels"],
     ["", "", "", "véhicules particuliers", "véhicules industriels", "motocycles", "matériels de parcs et jardins"], "cqp"),
    ("hcr", ["COMMISSION PARITAIRE NATIONALE EMPLOI FORMATION HOTELLERIE RESTAURATION"], ("3292", "Hôtels, cafés, restaurants (HCR)"), 7,
     ["Serveur", "Cuisinier", "Commis de cuisine", "Maître d’hôtel", "Réceptionniste", "Barman", "Employé d'étage", "Gouvernant(e)",
      "Agent de restauration", "Employé qualifié de restauration", "Veilleur de nuit", "Plongeur officier de cuisine"],
     ["", "", "", "en hôtellerie", "en restauration rapide", "en restauration collective"], "cqp"),
    ("bijouterie", ["CONFEDERATION NATIONALE HBJO (CNHBJO)"], ("3051", "Bijouterie, joaillerie, orfèvrerie et activités qui s'y rattachent"), 2,
     ["Sertisseur", "Polisseur", "Bijoutier joaillier", "Horloger", "Vendeur en bijouterie-joaillerie", "Graveur ornemaniste"], ["", ""], "cqp"),
    ("agroalimentaire", ["OCAPIAT"], ("3179", "Entreprises de l'industrie et des commerces en gros des viandes"), 8,
     ["Conducteur de ligne de production alimentaire", "Conducteur de machines de fabrication des industries alimentaires",
      "Opérateur de fabrication des industries alimentaires", "Technicien de maintenance des industries alimentaires", "Boucher",
      "Préparateur en produits carnés", "Découpeur désosseur", "Animateur d'équipe en industrie alimentaire", "Agent de maintenance",
      "Pilote de ligne de production", "Opérateur logistique", "Conducteur de travaux agricoles", "Ouvrier qualifié en élevage"],
     ["", "", "", "option viandes", "option produits laitiers", "option boissons", "de la filière porcine"], "cqp"),
    ("fruits_legumes", ["ASSOCIATION POUR LE DEVELOPPEMENT DU PARITARISME DANS LE SECTEUR DES COMMERCES DE DETAIL DE FRUITS ET LEGUMES EPICERIE"],
     ("3244", "COmmerces de détail des fruits et légumes, épicerie et produits laitiers"), 2,
     ["Vendeur en produits frais", "Employé de commerce en fruits et légumes", "Responsable de rayon", "Vendeur en épicerie fine"], ["", ""], "cqp"),
    ("textile", ["UNION INDUSTRIES TEXTILES", "UNION FRANCAIS INDUSTRIE HABILLEMENT", "FEDER FRANCAISE DE LA MAROQUINERIE"],
     ("3106", "Industries textiles"), 4,
     ["Vendeur(se) conseil en magasin", "Mécanicien en confection", "Piqueur en maroquinerie", "Opérateur de production textile",
      "Coupeur", "Patronnier gradeur", "Opérateur de tricotage"], ["", "", "en maroquinerie", "en habillement"], "cqpi"),
    ("btp", ["SYNDICAT DES ENTREPRISES DE DECONSTRUCTION DEPOLLUTION ET RECYCLAGE", "FEDERATION NATIONALE DES TRAVAUX PUBLICS"],
     ("3258", "Entreprises de bâtiment occupant plus de dix salariés (Ouvriers)"), 6,
     ["Batteur de profilés métalliques", "Conducteur de raboteuse", "Opérateur de déconstruction", "Canalisateur", "Coffreur bancheur",
      "Monteur d'échafaudage", "Conducteur d'engins de travaux publics", "Maçon du patrimoine", "Constructeur de routes",
      "Chef d'équipe de désamiantage"], ["", "", "confirmé", "niveau 2"], "cqp"),
    ("plasturgie", ["FEDERATION DE LA PLASTURGIE ET DES COMPOSITES"], ("3209", "Plasturgie"), 3,
     ["Opérateur régleur en plasturgie", "Conducteur de ligne d'extrusion", "Technicien de maintenance en plasturgie",
      "Mouleur composites", "Monteur régleur injection"], ["", ""], "cqp"),
    ("chimie", ["FRANCE CHIMIE"], ("3108", "Industries chimiques et connexes"), 2,
     ["Opérateur de fabrication des industries chimiques", "Technicien de laboratoire", "Conducteur d'appareils des industries chimiques"],
     ["", ""], "cqp"),
    ("proprete", ["FEDERATION DES ENTREPRISES DE PROPRETE ET SERVICES ASSOCIES"], ("3173", "Entreprises de propreté et services associés"), 3,
     ["Agent de propreté et d'hygiène", "Agent machiniste classique", "Chef d'équipe propreté", "Laveur de vitres qualifié",
      "Chef de site"], ["", ""], "cqp"),
    ("transport_logistique", ["AFT - ASSOCIATION POUR LE DEVELOPPEMENT DE LA FORMATION DANS LES TRANSPORTS ET LA LOGISTIQUE"],
     ("3085", "Transports routiers et activités auxiliaires du transport"), 4,
     ["Conducteur routier de marchandises", "Préparateur de commandes", "Cariste d'entrepôt", "Agent d'exploitation transport",
      "Déménageur professionnel", "Conducteur ambulancier"], ["", "", "sur porteur", "en entrepôt"], "cqp"),
    ("securite_privee", ["CPNEFP DE LA SECURITE PRIVEE"], ("3196", "Entreprises de prévention et de sécurité"), 4,
     ["Agent de prévention et de sécurité", "Agent cynophile de sécurité", "Opérateur de télésurveillance", "Agent de sûreté aéroportuaire",
      "Agent de sécurité incendie", "Agent de sécurité mobile"], ["", ""], "cqp"),
    ("thermique", ["UNION DES ENTREPRISES DE GENIE CLIMATIQUE ET ENERGETIQUE"], ("3042", "Thermiques (Equipements)"), 2,
     ["Agent d'exploitation d'équipements de génie climatique", "Technicien de maintenance en génie climatique"], ["", ""], "cqp"),
    ("gardiens_immeubles", ["CPNE-FP DES GARDIENS CONCIERGES ET EMPLOYES D'IMMEUBLES"], ("3144", "Gardiens, concierges et employés d'immeubles"), 1,
     ["Gardien, Concierge et Employé d’immeuble", "Employé d'immeuble"], ["", ""], "cqp"),
    ("cabinets_medicaux", ["CPNEFP DES CABINETS MEDICAUX"], ("3168", "Personnel des cabinets médicaux"), 1,
     ["Assistant médical", "Secrétaire médical"], ["", ""], "cqp"),
    ("ccn_coiffure_et_professions_connexes", ["CPNE DE LA COIFFURE"], ("3159", "Coiffure et professions connexes"), 2,
     ["Coiffeur manager", "Styliste visagiste", "Barbier"], ["", ""], "cqp"),
    ("ccn_immobilier", ["CPNEF DE L'IMMOBILIER"], ("3090", "Immobilier (Administrateurs de biens, sociétés immobilières, agents immobiliers)"), 1,
     ["Négociateur immobilier", "Gestionnaire locatif"], ["", ""], "cqp"),
    ("ccn_pharmacie_d_officine", ["CPNE DE LA PHARMACIE D'OFFICINE"], ("3052", "Pharmacie d'officine"), 1,
     ["Dermo-cosméticien pharmaceutique", "Préparateur en pharmacie vétérinaire"], ["", ""], "cqp"),
    ("ccn_branche_de_l_aide_de_l_accompagnement_de", ["CPNEF DE LA BRANCHE DE L'AIDE A DOMICILE"], ("3381", "Branche de l'aide, de l'accompagnement, des soins et des services à domicile (BAD)"), 2,
     ["Assistant de vie dépendance", "Responsable de secteur"], ["", ""], "cqp"),
]
INTERBRANCH = ["Opérateur qualité", "Conducteur d'équipements industriels", "Agent logistique", "Animateur d'équipe - domaine industriel",
               "Technicien de maintenance industrielle", "Opérateur de maintenance industrielle", "Agent de fabrication industrielle"]

SPECIALTIES = [
    "Maintenance des systèmes de production", "Management commercial opérationnel", "Négociation et digitalisation de la relation client",
    "Comptabilité et gestion", "Gestion de la PME", "Support à l'action managériale", "Services informatiques aux organisations",
    "Conception des produits industriels", "Électrotechnique", "Systèmes numériques", "Bâtiment", "Travaux publics",
    "Fluides, énergies, domotique", "Maintenance des véhicules", "Conception et réalisation de systèmes automatiques",
    "Métiers de l'eau", "Diététique", "Tourisme", "Hôtellerie-restauration", "Commerce international", "Assurance", "Banque",
    "Professions immobilières", "Transport et prestations logistiques", "Métiers de la chimie", "Bioanalyses et contrôles",
    "Agronomie et productions végétales", "Aménagements paysagers", "Analyse, conduite et stratégie de l'entreprise agricole",
    "Métiers de l'industrie : conception et amélioration de processus et procédés industriels",
    "Métiers de l'électricité et de l'énergie", "Métiers du commerce international", "Métiers de la gestion et de la comptabilité",
    "Métiers du numérique : conception, rédaction et réalisation web", "Métiers de l'informatique : administration et sécurité des systèmes et des réseaux",
    "Qualité, hygiène, sécurité, santé, environnement", "Logistique et pilotage des flux", "Management et gestion des organisations",
    "Droit des affaires", "Droit social", "Ressources humaines", "Finance d'entreprise", "Marketing, vente", "Informatique",
    "Mécanique", "Génie civil", "Sciences de l'éducation", "Psychologie", "Management sectoriel", "Économie appliquée",
    "Génie industriel", "Chimie", "Biologie santé", "Sciences des données", "Intelligence artificielle", "Cybersécurité",
    "Cuisine", "Boulanger", "Pâtissier", "Coiffure", "Esthétique cosmétique parfumerie", "Maçon", "Électricien", "Menuisier fabricant",
    "Carreleur mosaïste", "Peintre applicateur de revêtements", "Plombier chauffagiste", "Conducteur routier", "Accompagnant éducatif petite enfance",
    "Équipier polyvalent du commerce", "Production et service en restaurations", "Métiers de la mode - vêtements", "Fleuriste",
    "Maintenance des matériels", "Technicien en chaudronnerie industrielle", "Métiers de l'accueil", "Assistance à la gestion des organisations et de leurs activités",
    "Métiers de la sécurité", "Animation sociale et socioculturelle", "Activités aquatiques et de la natation", "Activités physiques pour tous",
]
JOBS = [
    "Technicien supérieur de maintenance industrielle", "Agent de propreté et d'hygiène", "Soudeur assembleur industriel", "Cuisinier",
    "Serveur en restauration", "Vendeur conseil en magasin", "Employé commercial en magasin", "Assistant de vie aux familles",
    "Conseiller relation client à distance", "Secrétaire assistant", "Secrétaire comptable", "Gestionnaire de paie", "Comptable assistant",
    "Développeur web et web mobile", "Concepteur développeur d'applications", "Technicien d'assistance en informatique",
    "Administrateur d'infrastructures sécurisées", "Technicien supérieur systèmes et réseaux", "Agent magasinier", "Préparateur de commandes en entrepôt",
    "Cariste d'entrepôt", "Conducteur du transport routier de marchandises sur porteur", "Technicien de maintenance d'équipements de confort climatique",
    "Électricien d'équipement du bâtiment", "Maçon", "Plaquiste", "Peintre en bâtiment", "Menuisier installateur", "Carreleur chapiste",
    "Mécanicien automobile", "Carrossier automobile", "Technicien de maintenance industrielle", "Chaudronnier", "Tuyauteur industriel",
    "Opérateur régleur en usinage", "Agent de restauration", "Réceptionniste en hôtellerie", "Manager d'unité marchande",
    "Négociateur technico-commercial", "Responsable de petite et moyenne structure", "Formateur professionnel d'adultes",
    "Conseiller en insertion professionnelle", "Agent de sûreté et de sécurité privée", "Assistant ressources humaines", "Assistant de direction",
    "Responsable de la stratégie commerciale", "Manager des ressources humaines", "Chargé de projets événementiels", "Chef de projet digital",
    "Responsable en gestion et développement d'entreprise", "Manager de la performance commerciale", "Chargé de communication",
    "Responsable marketing opérationnel", "Manager des systèmes d'information", "Expert en cybersécurité", "Data analyst",
    "Responsable logistique", "Responsable qualité sécurité environnement", "Chargé d'affaires en bâtiment", "Conducteur de travaux",
    "Architecte logiciel", "Designer graphique", "Photographe", "Infographiste metteur en page", "Community manager",
    "Coach sportif", "Éducateur canin", "Toiletteur canin", "Prothésiste ongulaire", "Praticien en massage bien-être",
    "Conseiller en gestion de patrimoine", "Chargé de clientèle bancaire", "Négociateur immobilier", "Gestionnaire de copropriété",
    "Responsable de centre de profit", "Chef de rayon", "Manager de l'hôtellerie et de la restauration", "Sommelier", "Barman",
    "Agent de maintenance des bâtiments", "Monteur dépanneur frigoriste", "Installateur en thermique et sanitaire", "Technicien d'études du bâtiment",
    "Dessinateur projeteur", "Géomètre topographe", "Technicien en énergies renouvelables", "Chargé d'études environnement",
    "Ambulancier", "Auxiliaire de puériculture", "Aide-soignant", "Infirmier", "Moniteur éducateur", "Éducateur spécialisé",
]
RS_TITLES = [
    "Habilitation électrique {x}", "Certification Voltaire", "Test de connaissance du français (TCF)", "TOEIC Listening and Reading",
    "Certification TOSA {x}", "Utiliser les outils collaboratifs {x}", "Réaliser des soudures {x}", "Animer une formation {x}",
    "Accompagner les transitions professionnelles", "Sauveteur secouriste du travail (SST)", "Conduite en sécurité des chariots de manutention",
    "Manager une équipe {x}", "Piloter un projet {x}", "Créer et gérer une entreprise", "Développer son activité commerciale {x}",
    "Exploiter la blockchain dans le développement d’applications", "Maîtriser les fondamentaux de la paie", "Gérer la comptabilité {x}",
    "Concevoir un site web {x}", "Réaliser le diagnostic de performance énergétique", "Installer des équipements photovoltaïques",
    "Prévenir les risques liés à l'activité physique", "Évaluer les compétences {x}", "Bilan de compétences", "Accueillir un public {x}",
    "Utiliser un logiciel de DAO {x}", "Intervenir en hauteur {x}", "Réaliser la taille de formation des arbres", "Pratiquer la langue des signes française",
]
RS_X = ["", "", "", "- niveau 1", "- niveau 2", "en entreprise", "dans le secteur sanitaire et social", "B1V", "BR", "H0V", "avancé",
        "en milieu industriel", "à distance", "(initiation)", "en anglais"]

MINISTRIES = {
    "en": ("MINISTERE DE L'EDUCATION NATIONALE ET DE LA JEUNESSE", "11004301500012"),
    "travail": ("MINISTERE DU TRAVAIL DU PLEIN EMPLOI ET DE L'INSERTION", "11000007200014"),
    "agri": ("MINISTERE DE L'AGRICULTURE ET DE LA SOUVERAINETE ALIMENTAIRE", "11001001100018"),
    "sup": ("MINISTERE DE L'ENSEIGNEMENT SUPERIEUR ET DE LA RECHERCHE", "11004401300040"),
    "sante": ("MINISTERE DES SOLIDARITES ET DE LA SANTE", "11000009800015"),
    "sport": ("MINISTERE DES SPORTS ET DES JEUX OLYMPIQUES ET PARALYMPIQUES", "11000010200019"),
}
CITIES = ["PARIS", "LYON", "MARSEILLE", "TOULOUSE", "BORDEAUX", "LILLE", "NANTES", "STRASBOURG", "RENNES", "MONTPELLIER",
          "GRENOBLE", "NICE", "ROUEN", "DIJON", "TOURS", "ANGERS", "REIMS", "CLERMONT-FERRAND", "LIMOGES", "POITIERS", "CAEN",
          "BREST", "NANCY", "METZ", "BESANCON", "ORLEANS", "AMIENS", "PAU", "PERPIGNAN", "LA ROCHELLE", "AVIGNON", "NIMES"]
UNIVERSITIES = [f"UNIVERSITE DE {c}" for c in CITIES] + ["UNIVERSITE PARIS CITE", "SORBONNE UNIVERSITE", "UNIVERSITE PARIS-SACLAY",
                                                         "UNIVERSITE GUSTAVE EIFFEL", "UNIVERSITE COTE D'AZUR", "AIX-MARSEILLE UNIVERSITE",
                                                         "UNIVERSITE GRENOBLE ALPES", "UNIVERSITE DE LORRAINE", "NANTES UNIVERSITE"]
# Private bodies; some names hold a word of data/branches.yml (TRANSPORT, CHIMIE, AUTOMOBILE…), as real ones do.
BODY_KINDS = ["ECOLE SUPERIEURE DE COMMERCE DE {c}", "INSTITUT DE FORMATION {c}", "CCI {c}", "GRETA {c}", "ECOLE DE MANAGEMENT DE {c}",
              "CENTRE DE FORMATION PROFESSIONNELLE {c}", "IFPA {c}", "ACADEMIE DES METIERS {c}", "ECOLE DU NUMERIQUE {c}",
              "INSTITUT DE MANAGEMENT {c}", "ECOLE DES METIERS DU DIGITAL {c}", "ECOLE SUPERIEURE DE GESTION {c}"]
PRIVATE = ["CONSERVATOIRE NATIONAL DES ARTS ET METIERS (CNAM)", "AFPA", "CCI FRANCE", "IGS", "ISAT - INSTITUT SUPERIEUR DE L'AUTOMOBILE ET DES TRANSPORTS",
           "ECOLE SPECIALE DES TRAVAUX PUBLICS DU BATIMENT ET DE L'INDUSTRIE", "ECOLE NATIONALE SUPERIEURE DE CHIMIE DE MONTPELLIER",
           "AFTRAL", "PROMOTRANS", "OPENCLASSROOMS", "STUDI", "SIMPLON.CO", "ESCAIA", "ALYRA", "ECOLE SUPERIEURE DES TRANSPORTS",
           "ISTELI - INSTITUT SUPERIEUR DU TRANSPORT ET DE LA LOGISTIQUE INTERNATIONALE", "FEDERATION FRANCAISE DU BATIMENT",
           "CCCA-BTP COMITE DE CONCERTATION ET DE COORDINATION DE L'APPRENTISSAGE DU BATIMENT ET DES TRAVAUX PUBLICS"]
RS_BODIES = ["AFNOR CERTIFICATION", "ETS GLOBAL B.V.", "ISOGRAD", "WOONOZ", "CCI PARIS ILE DE FRANCE", "ICDL FRANCE", "FRANCE EDUCATION INTERNATIONAL",
             "INRS", "APAVE", "BUREAU VERITAS", "SOCOTEC FORMATION", "INSTITUT DE SOUDURE", "CEGOS", "DEMOS", "ORSYS"]
PARTNER_KINDS = ["CFA {c}", "GRETA {c}", "AFPA {c}", "LYCEE PROFESSIONNEL {c}", "CENTRE DE FORMATION {c}", "IFRIA {c}", "AFORP {c}",
                 "POLE FORMATION UIMM {c}", "CMA {c}", "URMA {c}", "INSTITUT DE FORMATION {c}", "FORMATION CONTINUE {c}"]
ROME_DOMAINS = {  # letter -> (real labels to start from, words for the others)
    "A": ["Élevage bovin ou équin", "Conduite d'engins agricoles et forestiers", "Aménagement et entretien des espaces verts", "Horticulture et maraîchage"],
    "D": ["Relation technico-commerciale", "Management en force de vente", "Vente en alimentation", "Boulangerie - viennoiserie", "Boucherie",
          "Management de magasin de détail", "Vente en habillement et accessoires de la personne", "Relation commerciale grands comptes et entreprises"],
    "E": ["Journalisme et information média", "Conception de contenus multimédias", "Photographie"],
    "F": ["Maçonnerie", "Conduite de travaux du BTP et de travaux paysagers", "Installation d'équipements sanitaires et thermiques",
          "Électricité bâtiment", "Peinture en bâtiment", "Montage de structures métalliques", "Conduite d'engins de terrassement et de carrière"],
    "G": ["Personnel de cuisine", "Service en restauration", "Personnel d'étage", "Réception en hôtellerie", "Animation d'activités culturelles ou ludiques",
          "Éducation en activités sportives", "Management d'hôtel-restaurant"],
    "H": ["Soudage manuel", "Chaudronnerie - tôlerie", "Conduite d'équipement d'usinage", "Réglage d'équipement de production industrielle",
          "Montage de structures aéronautiques", "Management et ingénierie d''affaires", "Maintenance d'installation de chauffage",
          "Pilotage d'installation automatisée ou robotisée de fabrication mécanique", "Conduite d'équipement de production alimentaire",
          "Intervention technique en méthodes et industrialisation", "Management et ingénierie qualité industrielle", "Conduite d'installation de production de matériaux de construction"],
    "I": ["Maintenance des bâtiments et des locaux", "Mécanique automobile et entretien de véhicules", "Maintenance mécanique industrielle",
          "Installation et maintenance d'ascenseurs", "Réparation de carrosserie", "Maintenance électrique"],
    "J": ["Soins infirmiers généralistes", "Aide en soins", "Secrétariat et assistanat médical ou médico-social", "Préparation en pharmacie"],
    "K": ["Sécurité et surveillance privées", "Nettoyage de locaux", "Formation professionnelle", "Accompagnement médicosocial",
          "Éducation de jeunes enfants", "Intervention socioéducative", "Services domestiques", "Assistance auprès d'adultes"],
    "M": ["Comptabilité", "Secrétariat", "Assistanat de direction", "Développement des ressources humaines", "Études et développement informatique",
          "Administration de systèmes d'information", "Direction de petite ou moyenne entreprise", "Marketing", "Management et gestion d'enquêtes"],
    "N": ["Magasinage et préparation de commandes", "Conduite d'engins de déplacement des charges", "Conduite de transport de marchandises sur longue distance",
          "Personnel d'exploitation des transports routiers", "Direction de site logistique", "Déménagement"],
}
ROME_WORDS = ["Conduite", "Management", "Intervention", "Assistance", "Conception", "Installation", "Réalisation", "Contrôle", "Coordination"]
ROME_OBJECTS = ["d'équipement de production", "de projets", "technique", "commerciale", "d'études", "en laboratoire", "de chantier",
                "d'exploitation", "de la qualité", "en entreprise", "d'équipement de transformation", "de l'information"]
NSF = [("200", "Technologies industrielles fondamentales"), ("201", "Technologies de commandes des transformations industrielles"),
       ("221", "Agro-alimentaire, alimentation, cuisine"), ("221w", "Commercialisation de produits alimentaires"),
       ("227", "Energie, génie climatique"), ("230", "Spécialités pluritechnologiques génie civil, construction, bois"),
       ("232", "Bâtiment : construction et couverture"), ("233", "Bâtiment : finitions"), ("240", "Spécialités pluritechnologiques matériaux souples"),
       ("250", "Spécialités pluritechnologiques mécanique-électricité"), ("251", "Mécanique générale et de précision, usinage"),
       ("252", "Moteurs et mécanique auto"), ("253", "Mécanique aéronautique et spatiale"), ("254", "Structures métalliques"),
       ("255", "Electricite, électronique"), ("310", "Spécialités plurivalentes des échanges et de la gestion"),
       ("311", "Transport, manutention, magasinage"), ("312", "Commerce, vente"), ("313", "Finances, banque, assurances, immobilier"),
       ("314", "Comptabilité, gestion"), ("315", "Ressources humaines, gestion du personnel, gestion de l'emploi"),
       ("320", "Spécialités plurivalentes de la communication"), ("324", "Secrétariat, bureautique"),
       ("326", "Informatique, traitement de l'information, réseaux de transmission"), ("330", "Spécialités plurivalentes des services aux personnes"),
       ("331", "Santé"), ("332", "Travail social"), ("333", "Enseignement, formation"), ("334", "Accueil, hôtellerie, tourisme"),
       ("335", "Animation culturelle, sportive et de loisirs"), ("336", "Coiffure, esthétique et autres spécialités des services aux personnes"),
       ("343", "Nettoyage, assainissement, protection de l'environnement"), ("344", "Sécurité des biens et des personnes, police, surveillance")]
NSF_LETTERS = ["", "", "n", "p", "r", "s", "t", "u", "w", "z"]
FORMACODE = [("42872", "Sécurité incendie"), ("21551", "Commercialisation agroalimentaire"), ("31004", "Blockchain"), ("21538", "Boulangerie"),
             ("21528", "Pâtisserie"), ("23054", "Soudage"), ("31054", "Informatique"), ("32154", "Management"), ("32663", "Comptabilité"),
             ("15254", "Anglais"), ("42056", "Aide à domicile"), ("43448", "Soins infirmiers"), ("31825", "Maintenance industrielle"),
             ("23684", "Usinage"), ("22454", "Bâtiment gros oeuvre"), ("24054", "Électricité"), ("31734", "Logistique"), ("42752", "Sécurité privée"),
             ("34566", "Vente"), ("33076", "Ressources humaines"), ("46270", "Développement web"), ("42829", "Restauration"),
             ("42752", "Surveillance"), ("15234", "Français langue étrangère"), ("44067", "Formation de formateurs"), ("23693", "Chaudronnerie")]
BLOC_VERBS = ["Organiser", "Réaliser", "Piloter", "Contrôler", "Assurer", "Gérer", "Concevoir", "Mettre en œuvre", "Analyser", "Accompagner",
              "Préparer", "Conduire", "Manager", "Développer", "Communiquer sur"]
BLOC_OBJECTS = ["l'activité de production", "la maintenance préventive et corrective", "la relation client", "un projet", "les opérations de soudage",
                "la qualité et la sécurité", "une équipe", "les approvisionnements", "le suivi administratif", "la stratégie commerciale",
                "les interventions sur site", "la fabrication des produits", "les essais et les mesures", "le budget", "la démarche RSE"]


def q(value: str) -> str:
    """The official quoting: every non-empty value in double quotes, nothing for an empty one."""
    return '"' + value.replace('"', '""') + '"' if value else ""


def csv_bytes(part: str, rows: Sequence[Sequence[str]]) -> bytes:
    lines = [";".join(q(h) for h in HEADERS[part])]
    lines += [";".join(q(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def siret(name: str) -> str:
    return "\t" + str(int(hashlib.md5(name.encode()).hexdigest(), 16))[:14]


def jj_mm_aaaa(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def scaled(count: int, share: float) -> int:
    """`count` of the full-size export, for an export `share` of its size (the full size gives `count` itself)."""
    return count if share == 1 else round(count * share)


def generate(target: Path, fiches_count: int = N_RNCP + N_RS) -> Dict:
    """Writes the synthetic export zip at `target`; returns what it holds (rows per file, CQPs, lookup inputs).
    `fiches_count` makes a smaller (or larger) export with the same shares of RNCP, RS and CQP fiches, and of
    re-registrations; the default, the full size, writes the same bytes as before the parameter existed."""
    share = fiches_count / (N_RNCP + N_RS)
    n_rncp = scaled(N_RNCP, share)
    n_cqp_rncp, n_cqp_rs = scaled(N_CQP_RNCP, share), scaled(N_CQP_RS, share)
    rng = random.Random(SEED)
    rncp_numbers = sorted(rng.sample(range(100, 42_500), n_rncp))
    rs_numbers = sorted(rng.sample(range(1, 7_600), fiches_count - n_rncp))
    fiches = [f"RNCP{n}" for n in rncp_numbers] + [f"RS{n}" for n in rs_numbers]
    cqp_rncp = set(rng.sample(fiches[:n_rncp], n_cqp_rncp))
    recent_rs = [f for f in fiches[n_rncp:] if int(f[2:]) >= 5_000]  # CQPs came to the RS lately
    older_rs = [f for f in fiches[n_rncp:] if int(f[2:]) < 5_000]
    cqp_rs = set(rng.sample(recent_rs, n_cqp_rs * 5 // 6) + rng.sample(older_rs, n_cqp_rs // 6))
    weights = [b[3] for b in BRANCHES]
    # CQPs re-registered in the RS under the same title (RNCP19468 -> RS6117), or as a newer RNCP fiche.
    old_cqps = [f for f in fiches[:n_rncp] if f in cqp_rncp and int(f[4:]) < 34_000]
    new_cqps = [f for f in fiches[n_rncp:] if f in cqp_rs and int(f[2:]) >= 5_000]
    new_cqps_rncp = [f for f in fiches[:n_rncp] if f in cqp_rncp and int(f[4:]) >= 34_000]
    to_rs, to_rncp = scaled(250, share), scaled(150, share)
    old_of = dict(zip(rng.sample(new_cqps, to_rs) + rng.sample(new_cqps_rncp, to_rncp), rng.sample(old_cqps, to_rs + to_rncp)))
    made: Dict[str, Tuple[int, str, List[str]]] = {}

    def span(first: date, last: date) -> date:
        return first + timedelta(days=rng.randrange(max(1, (last - first).days)))

    standard, blocs, certifiers, routes, romes, ccns, nsf, formacodes, partners = ([] for _ in range(9))
    used_titles: Dict[str, str] = {}
    cqp_titles: Dict[str, str] = {}
    cqp_branch: Dict[str, str] = {}
    ccn_slot: Dict[str, int] = {}
    id_fiche = rng.sample(range(1, 60_000), len(fiches))
    rome_pool = []
    for letter, labels in ROME_DOMAINS.items():
        for i, label in enumerate(labels):
            rome_pool.append((f"{letter}{1101 + i * 7 + rng.randrange(5)}", label))
        for i in range(45):
            rome_pool.append((f"{letter}{1201 + i * 13 + rng.randrange(9)}", f"{rng.choice(ROME_WORDS)} {rng.choice(ROME_OBJECTS)}"))
    rome_pool = list(dict.fromkeys(rome_pool))
    rome_weights = [1 / (1 + i) ** 0.7 for i in range(len(rome_pool))]  # a few codes are very common
    rng.shuffle(rome_pool)
    partner_names = [k.format(c=c) for k in PARTNER_KINDS for c in CITIES]
    bodies = [k.format(c=c) for k in BODY_KINDS for c in CITIES] + PRIVATE
    quirk_breaks = quirk_quotes = 0

    def cqp_title(branch_index: int) -> str:
        _, names, _, _, jobs, extras, style = BRANCHES[branch_index]
        for _ in range(50):
            job, extra = rng.choice(jobs), rng.choice(extras)
            base = f"{job} {extra}".strip()
            roll = rng.random()
            if style == "cqpm":
                title = f"{base} (CQPM)" if roll < 0.55 else f"CQP {base} (CQPM)" if roll < 0.8 else f"CQP {base}"
            elif style == "cqpi" and roll < 0.3:
                title = f"CQP {base} (CQPI)"
            else:
                title = (f"CQP {base}" if roll < 0.86 else f"Certificat de qualification professionnelle {base}" if roll < 0.9
                         else f"CQP - {base}" if roll < 0.95 else base)  # the last ones: only the certificateur tells
            if rng.random() < 0.15 and not extra:
                title += f" {rng.choice(['niveau 1', 'niveau 2', 'de niveau 3', 'confirmé', '2e degré', 'expert'])}"
            if title not in used_titles:
                return title
        return f"{title} {len(used_titles)}"

    # --- Standard and its companions, fiche by fiche ---
    for index, number in enumerate(fiches):
        is_rs = number.startswith("RS")
        n = int(number[2:] if is_rs else number[4:])
        cqp = number in (cqp_rs if is_rs else cqp_rncp)
        # Era: older numbers are older registrations, mostly over.
        if is_rs:
            recent = n >= 5_000
            registered = span(date(2019, 1, 1), date(2021, 1, 1)) if not recent else span(date(2021, 1, 1), EXPORT_DATE)
            active_share = 0.6 if recent else 0.1
        else:
            recent = n >= 34_000
            registered = (span(date(2002, 1, 1), date(2014, 1, 1)) if n < 20_000 else
                          span(date(2014, 1, 1), date(2019, 6, 1)) if not recent else span(date(2019, 6, 1), EXPORT_DATE))
            active_share = 0.75 if recent else 0.12 if n >= 20_000 else 0.01
        active = rng.random() < active_share
        if active:
            end = span(EXPORT_DATE + timedelta(days=1), EXPORT_DATE + timedelta(days=5 * 365))
        else:
            end = span(max(registered, date(2004, 1, 1)) + timedelta(days=30), EXPORT_DATE - timedelta(days=1))
        end_text = jj_mm_aaaa(end) if rng.random() > 0.01 else ""
        abbrev = abbrev_long = level = level_text = ""
        kind = "cqp"
        registration = ON_REQUEST
        if cqp:
            branch = rng.choices(range(len(BRANCHES)), weights)[0]
            title = cqp_title(branch)
            names = list(BRANCHES[branch][1])
            if old_of.get(number) in made:
                branch, title, names = made[old_of[number]]
                if rng.random() < 0.3:
                    title = title.strip() + " (nouvelle version)"
            elif "(CQPI)" in title:
                names = rng.sample([b[1][0] for b in BRANCHES[:18]], rng.randint(2, 6))
            elif rng.random() < 0.04:  # an interbranch CQPI
                title = f"{rng.choice(INTERBRANCH)} (CQPI)"
                names = rng.sample([b[1][0] for b in BRANCHES[:18]], rng.randint(2, 6))
            elif len(names) > 1:
                names = names[: rng.randint(1, len(names))]
            cqp_titles[number] = title
            made[number] = (branch, title, names)
            cqp_branch[number] = None if "(CQPI)" in title else BRANCHES[branch][0]
            if not is_rs:
                if recent and rng.random() < 0.7:
                    level = rng.choice(["NIV3", "NIV3", "NIV4", "NIV4", "NIV5"])
                    level_text = f"Niveau {level[3:]}"
                else:
                    level, level_text = "REPRISE", NO_LEVEL
            if rng.random() < 0.05:
                abbrev, abbrev_long = "CQP", "Certificat de qualification professionnelle"
            ccn_branch = BRANCHES[branch][2]
            ccn_slot[number] = None
            if rng.random() < 0.9:
                slot = rng.choices([0, 1, 2], [80, 14, 6])[0]  # the export also fills Ccn_2 / Ccn_3 alone
                cells = ["", ""] * 3
                cells[2 * slot: 2 * slot + 2] = list(ccn_branch)
                ccns.append((number, *cells))
                ccn_slot[number] = slot + 1
        else:
            roll = rng.random()
            if is_rs:
                kind = "rs"
                title = rng.choice(RS_TITLES).format(x=rng.choice(RS_X)).strip()
                names = rng.sample(RS_BODIES if rng.random() < 0.4 else bodies, rng.choices([1, 2, 3], [75, 15, 10])[0])
                if rng.random() < 0.02:
                    title = f'CCE "{rng.choice(["Exercer le rôle de tuteur en entreprise", "Encadrer et animer une équipe", "Gérer un projet"])}"'
                    quirk_quotes += 1
            elif roll < 0.22:
                kind, registration = "en", BY_RIGHT
                abbrev, abbrev_long, title = rng.choice([
                    ("BTS", "Brevet de technicien supérieur", "BTS - {s}"), ("CAP", "Certificat d'aptitude professionnelle", "CAP - {j}"),
                    ("CAP", "Certificat d'aptitude professionnelle", "{j}"), ("BAC PRO", "Baccalauréat professionnel", "Bac pro - {s}"),
                    ("BP", "Brevet professionnel", "BP - {j}"), ("MC", "Mention complémentaire", "MC - {s}")])
                title = title.format(s=rng.choice(SPECIALTIES), j=rng.choice(JOBS))
                level = {"BTS": "NIV5", "CAP": "NIV3", "BAC PRO": "NIV4", "BP": "NIV4", "MC": "NIV3"}[abbrev]
                names = [MINISTRIES["en"][0]] if rng.random() < 0.9 else [MINISTRIES["en"][0], MINISTRIES["sup"][0]]
            elif roll < 0.42:
                kind, registration = "univ", BY_RIGHT
                abbrev, abbrev_long, form, level = rng.choice([
                    ("LP", "Licence Professionnelle", "Licence Professionnelle - {s}", "NIV6"), ("MAST", "Master", "Master - {s}", "NIV7"),
                    ("LIC", "Licence", "Licence - {s}", "NIV6"), ("BUT", "Bachelor universitaire de technologie", "BUT - {s}", "NIV6"),
                    ("DUT", "Diplôme universitaire de technologie", "DUT - {s}", "NIV5")])
                title = form.format(s=rng.choice(SPECIALTIES))
                count = rng.randint(15, 60) if rng.random() < 0.08 else rng.randint(1, 4)
                names = rng.sample(UNIVERSITIES, min(count, len(UNIVERSITIES)))
            elif roll < 0.55:
                kind, registration = "tp", BY_RIGHT
                abbrev, abbrev_long = "TP", "Titre professionnel"
                title, level = rng.choice(JOBS), rng.choice(["NIV3", "NIV4", "NIV5"])
                names = [MINISTRIES["travail"][0]]
            elif roll < 0.62:
                kind, registration = "other_state", BY_RIGHT
                ministry = rng.choice(["agri", "sante", "sport"])
                title = {"agri": "BTSA - {s}", "sante": "Diplôme d'Etat - {j}", "sport": "BPJEPS - {s}"}[ministry].format(
                    s=rng.choice(SPECIALTIES), j=rng.choice(JOBS))
                abbrev, abbrev_long = {"agri": ("BTSA", "Brevet de technicien supérieur agricole"), "sante": ("DE", "Diplôme d'Etat"),
                                       "sport": ("BPJEPS", "Brevet professionnel de la jeunesse, de l'éducation populaire et du sport")}[ministry]
                level = rng.choice(["NIV4", "NIV5", "NIV6"])
                names = [MINISTRIES[ministry][0]]
            else:
                kind = "private"
                title = rng.choice(JOBS) + rng.choice(["", "", "", " - option {0}".format(rng.choice(SPECIALTIES)), " - parcours management", " spécialité digitale"])
                level = rng.choice(["NIV5", "NIV6", "NIV6", "NIV7"])
                count = rng.choices([1, 2, 3, 6], [70, 15, 8, 7])[0]
                names = rng.sample(bodies, count)
            if level and not level_text:
                level_text = f"Niveau {level[3:]}"
            if not is_rs and n < 20_000 and rng.random() < 0.1:
                title += " (Fiche incomplète)"
        if rng.random() < 0.03:
            title += " "  # trailing spaces, as in RNCP20621
        if quirk_breaks < 12 and index % 2_917 == 0:
            title = title.replace(" ", "\r\n", 1)  # a line break inside a quoted value
            quirk_breaks += 1
        used_titles.setdefault(title, number)
        jo = decision = ""
        if is_rs or recent:
            decision = jj_mm_aaaa(registered)
        else:
            jo = jj_mm_aaaa(registered)
        standard.append((str(id_fiche[index]), number, title, abbrev, abbrev_long, "" if is_rs else level, "" if is_rs else level_text,
                         "Oui" if rng.random() < 0.03 else "Non", "Oui" if rng.random() < 0.03 else "Non", jo, decision, end_text, "",
                         registration, "Non" if is_rs else "", "ACTIVE" if active else "INACTIVE"))
        # Certificateurs
        for name in names:
            certifiers.append((number, siret(name), name))
        # Blocs (RNCP only; many old fiches have none)
        if not is_rs and rng.random() < (0.35 if n < 20_000 else 0.7):
            for b in range(1, rng.randint(1, 6) + 1):
                label = f"{rng.choice(BLOC_VERBS)} {rng.choice(BLOC_OBJECTS)}"
                if rng.random() < 0.2:
                    label = f"{rng.choice(['UP', 'UG', 'U', 'Bloc '])}{b} : {label}"
                if rng.random() < 0.003:
                    label = label.replace(" ", "\n", 2)  # multi-line labels exist too
                    quirk_breaks += 1
                if rng.random() < 0.02:
                    label += " "
                blocs.append((number, f"{number}BC{b:02d}", label))
        # Voies d'accès
        if rng.random() < (0.88 if not is_rs else 0.75):
            k = rng.randint(2, 6) if not is_rs else rng.randint(1, 3)
            chosen = rng.sample(ROUTES, k)
            if "Par expérience" not in chosen and rng.random() < (0.7 if not is_rs else 0.2):
                chosen[0] = "Par expérience"
            routes.extend((number, r) for r in dict.fromkeys(chosen))
        # ROME
        k = rng.choices([0, 1, 2, 3, 4], [5, 35, 35, 15, 10] if not is_rs else [30, 30, 30, 10, 0])[0]
        for code, label in dict.fromkeys(rng.choices(rome_pool, rome_weights, k=k)):
            romes.append((number, code, label.replace("'", "''") if rng.random() < 0.8 else label))
        # CCN for some non-CQP fiches too
        if not cqp and rng.random() < 0.05:
            branch_ccn = rng.choice(BRANCHES)[2]
            ccns.append((number, *branch_ccn, "", "", "", ""))
        # NSF, Formacode
        for code, label in dict.fromkeys(rng.choices(NSF, k=rng.choices([0, 1, 2], [10, 60, 30])[0])):
            code += rng.choice(NSF_LETTERS) if not code[-1].isalpha() else ""
            nsf.append((number, code, f"{code} : {label}"))
        for code, label in dict.fromkeys(rng.choices(FORMACODE, k=rng.choices([0, 1, 2, 3], [10, 30, 40, 20])[0])):
            formacodes.append((number, code, f"{code} : {label}"))
        # Partenaires (habilitated training bodies), mostly on RS and recent fiches
        if registration == ON_REQUEST and (is_rs or recent) and rng.random() < 0.6:
            for name in rng.sample(partner_names, rng.choices([1, 2, 4, 8, 25, 80, 200], [30, 25, 18, 12, 8, 5, 2])[0]):
                partners.append((number, name, siret(name), "HABILITATION_ORGA_FORM"))

    # --- Succession links: CQPs re-registered in the RS under the same title, and chains of diplomas ---
    links: List[Tuple[str, str]] = []
    links.extend((old, new) for new, old in old_of.items())
    others = [f for f in fiches[:n_rncp] if f not in cqp_rncp]
    for _ in range(scaled(1_500, share)):
        chain = sorted(rng.sample(others, rng.randint(2, 4)), key=lambda f: int(f[4:]))
        links.extend(zip(chain, chain[1:]))
    for _ in range(scaled(40, share)):  # links to fiches the export no longer lists
        links.append((f"RNCP{rng.randrange(1, 99)}", rng.choice(others)))
    links = list(dict.fromkeys((a, b) for a, b in links if a != b))
    before: Dict[str, str] = {}
    after: Dict[str, str] = {}
    for old, new in links:
        after.setdefault(old, new)
        before.setdefault(new, old)
    listed = set(fiches)
    succession = [(f, before.get(f, ""), after.get(f, "")) for f in dict.fromkeys([x for pair in links for x in pair]) if f in listed]

    files = {
        "Standard": standard, "Blocs_De_Compétences": blocs, "Certificateurs": certifiers, "VoixdAccès": routes, "Rome": romes,
        "CCN": ccns, "Ancienne_Nouvelle_Certification": succession, "Nsf": nsf, "Formacode": formacodes, "Partenaires": partners,
    }
    csv_size = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part, rows in files.items():
            data = csv_bytes(part, rows)
            csv_size += len(data)
            entry = zipfile.ZipInfo(f"export_fiches_CSV_{part}_{STAMP}.csv", date_time=(*EXPORT_DATE.timetuple()[:3], 6, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return {
        "rows": {part: len(rows) for part, rows in files.items()}, "csv_size": csv_size,
        "cqp_generated": len(cqp_titles),
        "cqp_numbers": sorted(cqp_titles, key=lambda f: (f[:2], f)), "cqp_branch": cqp_branch, "ccn_slot": ccn_slot,
        "rncp": fiches[:n_rncp], "rs": fiches[n_rncp:],
        "succession_links": len(links), "quirk_breaks": quirk_breaks, "quirk_quotes": quirk_quotes,
    }


def check_headers() -> List[str]:
    """Our headers against the fixture's first lines: a difference means this bench is stale."""
    problems = []
    for file in sorted(FIXTURE.glob("export_fiches_CSV_*.csv")) if FIXTURE.is_dir() else []:
        part = next((p for p in sorted(HEADERS, key=len, reverse=True) if file.name[len("export_fiches_CSV_"):].startswith(p + "_")), None)
        header = tuple(h.strip('"') for h in file.read_bytes().decode("utf-8-sig").split("\r\n", 1)[0].split(";"))
        if part and header != HEADERS[part]:
            problems.append(f"{file.name}: {header}")
    return problems


# ------------------------------------------------------------------------------------------
# Import, in a fresh process
# ------------------------------------------------------------------------------------------
def memory_kb(field: str) -> int:
    """VmHWM (peak) or VmRSS of this process, in kB. ru_maxrss would do, but Linux carries the parent's peak
    over into a child across fork and exec, and the parent holds the generated export."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def import_once(zip_path: str, db_path: str) -> None:
    from knowledge.catalog.build import build
    rss_before = memory_kb("VmHWM")
    started = time.perf_counter()
    counts = build(Path(zip_path), Path(db_path))
    seconds = time.perf_counter() - started
    rss_peak = memory_kb("VmHWM")
    from knowledge.catalog import export
    started = time.perf_counter()
    export.read(Path(zip_path))  # the reading and parsing part alone, after the measure above
    read_seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "counts": counts, "rss_before_kb": rss_before, "rss_peak_kb": rss_peak,
                      "read_seconds": read_seconds}))


def open_once(db_path: str) -> None:
    from knowledge.catalog import Catalog
    before = memory_kb("VmRSS")
    started = time.perf_counter()
    catalog = Catalog(Path(db_path))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rss_added_kb": memory_kb("VmRSS") - before, "fiches": len(catalog._index)}))


def run_child(*args: str) -> Dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_import(zip_path: Path, db_path: Path) -> Dict:
    return run_child("--import-once", str(zip_path), str(db_path))


def check_detection(db: Path, info: Dict) -> Dict:
    """What the import made of the generated CQPs: the generator knows which fiches are CQPs and of which branch."""
    from collections import Counter
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT number, is_cqp, branch_id, title FROM fiche").fetchall()
        certifier_rows = connection.execute("SELECT number, name FROM certifier").fetchall()
    connection.close()
    expected: Dict[str, str] = info["cqp_branch"]
    detected = {number for number, cqp, _, _ in rows if cqp}
    false_pos = sorted(detected - set(expected))
    false_neg = sorted(set(expected) - detected)
    branch_of = {number: branch for number, _, branch, _ in rows}
    titles = {number: title for number, _, _, title in rows}
    why = {None: "no CCN row", 1: "CCN in Ccn_1", 2: "CCN only in Ccn_2", 3: "CCN only in Ccn_3"}
    wrong = Counter((want, branch_of[n], why[info["ccn_slot"].get(n)]) for n, want in expected.items()
                    if want and n in detected and branch_of[n] != want)
    lost_ccn = sum(n for (_, _, reason), n in wrong.items() if reason.startswith("CCN only"))
    names: Dict[str, List[str]] = {}
    for number, name in certifier_rows:
        names.setdefault(number, []).append(name)
    fp_bodies = Counter(name for n in false_pos for name in names.get(n, [])[:1])
    return {"false_pos": len(false_pos), "false_neg": len(false_neg), "fp_bodies": fp_bodies.most_common(6),
            "fp_examples": [titles[n] for n in false_pos[:4]], "fn_examples": [(titles[n], names.get(n, [""])[0]) for n in false_neg[:4]],
            "wrong_branch": wrong.most_common(12), "wrong_total": sum(wrong.values()),
            "lost_ccn": lost_ccn}


# ------------------------------------------------------------------------------------------
# Lookups
# ------------------------------------------------------------------------------------------
NAME_QUERIES = [
    "soudeur", "cqp soudeur", "CQPM soudeur", "je cherche un cqp de soudeuse", "soudeur industrielle", "cqp agent de securite",
    "agent de prevention et securite", "cqp aps", "le cqp aps est il au rncp", "technicien maintenance", "technicien de maintenance industrielle",
    "tecnicien de maintenace", "cqp tourrier", "tourier", "chaudronier", "electrobobinier", "operateur regleur", "usineur cn",
    "conducteur de ligne", "cqp vendeur conseil", "vendeuse en boulangerie", "animateur loisir sportif", "moniteur de tenis",
    "preparateur de commandes", "cariste", "agent de proprete", "cqp cuisinier", "serveur restaurant", "maitre d'hotel",
    "mecanicien automobile", "peintre carrosserie", "monteur cableur aeronautique", "agent de maintenance ascenseur",
    "operatrice de production alimentaire", "boucher", "assistant medical", "gardien d'immeuble", "coiffeur", "negociateur immobilier",
    "conducteur routier", "cqp opérateur qualité", "sertisseur", "opérateur de télésurveillance", "xyzzy plomb", "cqp",
]
NUMBER_FORMS = ["RNCP{n}", "rncp {n}", "rncp-{n}", "le RNCP{n} est-il toujours actif ?", "{n}"]
RS_FORMS = ["RS{n}", "rs {n}", "RS {n}", "la fiche rs{n}"]
BRANCH_QUERIES = ["la métallurgie", "les cqp du sport", "boulangerie", "je travaille dans la plasturgie", "UIMM", "cqp de l'automobile",
                  "hôtellerie restauration", "sécurité privée", "la coiffure", "transports routiers", "agroalimentaire", "les branches",
                  "branche de l'immobilier", "propreté", "je ne sais pas"]


def timed(calls: int, inputs: Sequence, function: Callable, warmup: int = 50) -> Dict:
    for i in range(min(warmup, calls)):
        function(inputs[i % len(inputs)])
    samples = []
    clock = time.perf_counter_ns
    for i in range(calls):
        value = inputs[i % len(inputs)]
        started = clock()
        function(value)
        samples.append((clock() - started) / 1e6)
    samples.sort()
    return {"calls": calls, "p50": statistics.median(samples), "p95": samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))],
            "max": samples[-1], "mean": statistics.fmean(samples)}


def bench_lookups(db: Path, info: Dict, calls: int) -> Tuple[Dict[str, Dict], Dict]:
    from knowledge.catalog import Catalog
    rng = random.Random(SEED + 1)
    opens = []
    fresh = run_child("--open-once", str(db))
    for _ in range(5):
        started = time.perf_counter()
        catalog = Catalog(db)
        opens.append((time.perf_counter() - started) * 1000)
    on = EXPORT_DATE
    rncp = rng.sample(info["rncp"], 300)
    rs = rng.sample(info["rs"], 300)
    by_number = [rng.choice(NUMBER_FORMS).format(n=f[4:]) for f in rncp[:150]] + [rng.choice(RS_FORMS).format(n=f[2:]) for f in rs[:150]]
    by_number += ["RNCP99999", "rs 99999"]
    rng.shuffle(by_number)
    branches = catalog.branches()
    largest = branches[0]
    later_pages = [(b.id, max(0, (b.cqp_count - 1) // 5 * 5)) for b in branches[:8]]
    cqp_fiches = [catalog.get(n) for n in rng.sample(info["cqp_numbers"], 200)]
    results: Dict[str, Dict] = {"Catalog(path) (open, loads the fuzzy index)": {
        "calls": len(opens), "p50": statistics.median(opens), "p95": max(opens), "max": max(opens), "mean": statistics.fmean(opens)}}
    plan = [
        ("get: existing RNCP number", rncp, lambda n: catalog.get(n), calls),
        ("get: existing RS number", rs, lambda n: catalog.get(n), calls),
        ("search: by number text (« RNCP12345 », « rs 4321 », bare digits)", by_number, lambda t: catalog.search(t, on), calls),
        ("search: by name (typed queries, typos, no accents)", NAME_QUERIES, lambda t: catalog.search(t, on), calls),
        ("search + clear: by name", NAME_QUERIES, lambda t: catalog.clear(catalog.search(t, on)), max(200, calls // 4)),
        ("find_branch", BRANCH_QUERIES, lambda t: catalog.find_branch(t), calls),
        (f"in_branch: page 0 (largest branch, {largest.cqp_count} CQPs)", [largest.id], lambda b: catalog.in_branch(b, 0, 5), calls),
        ("in_branch: last page (8 largest branches)", later_pages, lambda p: catalog.in_branch(p[0], p[1], 5), calls),
        ("branches()", [None], lambda _: catalog.branches(), calls),
        ("related_rncp (CQP fiches)", cqp_fiches, lambda c: catalog.related_rncp(c, on), max(200, calls // 4)),
    ]
    for label, inputs, function, n in plan:
        results[label] = timed(n, inputs, function)
    samples = {}
    for text in NAME_QUERIES:
        result = catalog.search(text, on)
        best = result.matches[0] if result.matches else None
        samples[text] = (f"{best.certification.title} ({best.certification.number}), {best.score:.0f}" if best else "—",
                         catalog.clear(result))
    from knowledge.catalog import search as fuzzy
    queries = [fuzzy.query_of(t) for t in NAME_QUERIES]
    rank_only = timed(max(200, calls // 4), queries, lambda text: catalog._index.rank(text, limit=10))
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        candidates = sorted(connection.execute(
            """SELECT COUNT(DISTINCT f.number) FROM rome r JOIN rome s ON s.code = r.code JOIN fiche f ON f.number = s.number
               WHERE r.number = ? AND f.number LIKE 'RNCP%' AND f.number != ?""", (c.number, c.number)).fetchone()[0]
            for c in cqp_fiches)
    connection.close()
    extra = {"rank_only": rank_only, "related_candidates": (statistics.median(candidates), candidates[-1]),
             "index_fiches": len(catalog._index), "index_keys": len(catalog._index._keys), "fresh_open": fresh,
             "branches": len(branches), "largest": f"{largest.label} ({largest.cqp_count})", "samples": samples,
             "fiches": len(catalog)}
    return results, extra


# ------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------
def machine() -> Dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        ram_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        ram = f"{ram_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "?"
    try:
        nproc = subprocess.run(["nproc"], stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(len(os.sched_getaffinity(0)))
    import rapidfuzz
    return {"nproc": nproc, "cpu": cpu, "ram": ram, "python": f"{platform.python_version()} ({platform.python_implementation()})",
            "os": f"{platform.system()} {platform.release()} {platform.machine()}", "sqlite": sqlite3.sqlite_version,
            "rapidfuzz": rapidfuzz.__version__}


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 1024 / 1024:.1f} MiB"


def write_report(info: Dict, imports: List[Dict], zip_size: int, db_size: int, lookups: Dict[str, Dict], extra: Dict,
                 detection: Dict, generated_s: float, total_s: float, calls: int) -> str:
    seconds = sorted(r["seconds"] for r in imports)
    counts = imports[0]["counts"]
    peak = max(r["rss_peak_kb"] for r in imports) * 1024
    baseline = min(r["rss_before_kb"] for r in imports) * 1024
    host = machine()
    import_met = statistics.median(seconds) < IMPORT_TARGET_S
    slow = [label for label, r in lookups.items() if not label.startswith("Catalog(") and r["p95"] > LOOKUP_TARGET_MS]
    lookups_met = not slow
    yes = lambda ok: "**met**" if ok else "**not met**"  # noqa: E731
    lines = [
        "# Catalog benchmark: import of a full-size export, lookups",
        "",
        "Command: `make bench-catalog`, which runs `.venv/bin/python bench/catalog_bench.py` "
        f"(this run took {total_s:.0f} s in all). Figures from one run on {datetime.now().strftime('%Y-%m-%d %H:%M')}. "
        "They move between runs: the import by a second or two, the p50 of the name search by up to half (the p95s are "
        "steadier), so read them as orders of magnitude. No test asserts any time.",
        "",
        f"Machine: {host['nproc']} CPU(s) (`nproc`), {host['cpu']}, {host['ram']} RAM, {host['os']}; "
        f"Python {host['python']}, SQLite {host['sqlite']}, rapidfuzz {host['rapidfuzz']}.",
        "",
        "## Targets (from the issue)",
        "",
        f"- Import of a full export (about 35,000 fiches) in under a minute: {yes(import_met)} — median "
        f"{statistics.median(seconds):.1f} s.",
        f"- Lookups in a few milliseconds (read here as p95 ≤ {LOOKUP_TARGET_MS:.0f} ms per call): {yes(lookups_met)}"
        + (f" — over the mark: {', '.join(slow)}." if slow else " — every lookup below, p95 included."),
        "",
        "## What was measured",
        "",
        f"A synthetic export generated by the script with `random.Random({SEED})` (the same bytes on every run), in the official "
        "layout of `tests/data/rncp_fixture_2024_02_22`: ten `export_fiches_CSV_<Partie>_"
        f"{STAMP}.csv` files in a zip, the official headers, `;`, every non-empty value in double quotes, CRLF, a TAB before "
        "each SIRET, doubled apostrophes in ROME labels, trailing spaces in some titles, "
        f"{info['quirk_breaks']} line breaks inside quoted values and {info['quirk_quotes']} titles with doubled quotes, "
        "JJ/MM/AAAA dates, ACTIVE/INACTIVE fiches with end dates past and future. "
        f"{N_RNCP:,} RNCP and {N_RS:,} RS fiches; {info['cqp_generated']:,} of them CQPs of branch bodies (UIMM, OC Sport, "
        "OCAPIAT, ANFA, HCR, propreté, sécurité privée, …; titles « CQP … », « … (CQPM) », « … (CQPI) », a few without the "
        "word), the others diplomas and titres (BTS, licences, masters, titres professionnels, private titres, RS certifications). "
        "Certificateurs include ministries, universities (up to 60 on one fiche), private schools and RS bodies; a few of "
        "their names contain words of `data/branches.yml` (TRANSPORT, CHIMIE, AUTOMOBILE, BATIMENT) as real names do. "
        "The CCN is in `Ccn_1_*` for most CQPs, in `Ccn_2_*` or `Ccn_3_*` alone for some, as in the real file.",
        "",
        "| file | rows |",
        "|---|---:|",
        *(f"| `export_fiches_CSV_{part}_{STAMP}.csv` | {n:,} |" for part, n in info["rows"].items()),
        "",
        f"Zip: {mib(zip_size)} ({mib(info['csv_size'])} of CSV once unzipped; synthetic text repeats more than real text, so "
        "it compresses better than a real export would). Generating it took "
        f"{generated_s:.1f} s (not part of the figures). The import reads the seven parts it needs (not Nsf, Formacode, Partenaires).",
        "",
        "**Import**: `knowledge.catalog.build.build(zip, db)` into a SQLite file in a temporary folder, "
        f"{len(imports)} times, each in a fresh Python process (`--import-once`), so that the peak RSS is the import's own "
        "(`VmHWM` of `/proc/self/status` after `build`, the process's high-water RSS; the baseline is the same before it, modules "
        "loaded. `resource.getrusage(...).ru_maxrss` is not used because Linux carries the parent's peak over into the child).",
        "",
        "**Lookups**: one `Catalog` on the imported file, in this process; each operation is called "
        f"{calls:,} times (some fewer, see the table) after 50 warm-up calls, cycling over its inputs, each call timed with "
        "`time.perf_counter_ns`. Inputs: random existing RNCP and RS numbers; number texts in the forms « RNCP12345 », "
        "« rncp 12345 », « rncp-12345 », « le RNCP12345 est-il toujours actif ? », bare digits, « rs 4321 », plus two "
        f"missing numbers; {len(NAME_QUERIES)} typed name queries (below); {len(BRANCH_QUERIES)} branch texts; "
        "`in_branch` page 0 of the largest branch and the last page of the 8 largest; `related_rncp` on 200 CQP fiches. "
        f"Search date: {EXPORT_DATE.isoformat()} (the export's).",
        "",
        "## Import",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| `build` time, min of {len(seconds)} | {seconds[0]:.2f} s |",
        f"| `build` time, median of {len(seconds)} | {statistics.median(seconds):.2f} s |",
        f"| all runs | {', '.join(f'{s:.2f}' for s in [r['seconds'] for r in imports])} s |",
        f"| zip size | {mib(zip_size)} |",
        f"| SQLite size | {mib(db_size)} |",
        f"| peak RSS of the import process | {mib(peak)} (baseline before `build`: {mib(baseline)}) |",
        f"| part of the `build` time spent reading and parsing the CSV (`export.read` alone, median) | "
        f"{statistics.median(r['read_seconds'] for r in imports):.2f} s |",
        "",
        "Counts returned by `build`:",
        "",
        "| count | value |",
        "|---|---:|",
        *(f"| {k} | {v:,} |" for k, v in counts.items()),
        "",
        f"CQPs in the generated data: {info['cqp_generated']:,}; flagged `is_cqp` by the import: {counts['cqp']:,}. "
        f"Not CQPs but flagged: {detection['false_pos']:,}; CQPs not flagged: {detection['false_neg']:,}; "
        f"CQPs flagged but put in another branch than their branch body's: {detection['wrong_total']:,}, of which "
        f"{detection['lost_ccn']:,} had their CCN only in `Ccn_2_Libelle`/`Ccn_3_Libelle`, which the import does not read "
        "(the others have no CCN row, and `Autres branches` is all the export allows). These counts follow from the mix this "
        "generator chose (how many certificateur names contain a word of `data/branches.yml`, how many CQP titles lack the "
        "word CQP, where the CCN sits): they show the mechanisms, not the rates of a real export.",
        "",
        *(["Certificateurs of the fiches wrongly flagged (first certificateur): "
           + "; ".join(f"{name} ({n})" for name, n in detection["fp_bodies"]) + ".", ""] if detection["fp_bodies"] else []),
        *(["CQPs missed, for example: " + "; ".join(f"« {t} » ({b})" for t, b in detection["fn_examples"]) + ".", ""]
          if detection["fn_examples"] else []),
        *(["Branch put instead of the expected one (expected → imported: fiches): "
           + "; ".join(f"{a} → {b} ({why}): {n}" for (a, b, why), n in detection["wrong_branch"]) + ".", ""]
          if detection["wrong_branch"] else []),
        "## Lookups",
        "",
        f"Fuzzy index after opening: {extra['index_keys']:,} keys for {extra['index_fiches']:,} CQP fiches; "
        f"{extra['branches']} branches with CQPs, the largest {extra['largest']}. "
        f"Opening a `Catalog` in a fresh process (`--open-once`, modules already imported): "
        f"{extra['fresh_open']['seconds'] * 1000:.1f} ms, {mib(extra['fresh_open']['rss_added_kb'] * 1024)} of resident memory "
        "added (VmRSS before and after).",
        "",
        f"| operation | calls | p50 ms | p95 ms | max ms | mean ms | p95 ≤ {LOOKUP_TARGET_MS:.0f} ms |",
        "|---|---:|---:|---:|---:|---:|:---:|",
        *(f"| {label} | {r['calls']:,} | {r['p50']:.3f} | {r['p95']:.3f} | {r['max']:.3f} | {r['mean']:.3f} | "
          f"{'—' if label.startswith('Catalog(') else ('yes' if r['p95'] <= LOOKUP_TARGET_MS else '**no**')} |"
          for label, r in lookups.items()),
        "",
        "For `Catalog(path)` the p95 column is the maximum of 5 openings. Opening is paid once per process and again "
        "whenever an import replaces the file (`knowledge.catalog.catalog()` reopens it).",
        "",
        "Where the time of the slow lookups goes:",
        "",
        f"- `search` by name: the fuzzy ranking alone (`FuzzyIndex.rank` on the folded query, {extra['rank_only']['calls']:,} "
        f"calls) takes p50 {extra['rank_only']['p50']:.1f} ms, p95 {extra['rank_only']['p95']:.1f} ms (the whole `search`: "
        f"p50 {next(r for l, r in lookups.items() if l.startswith('search: by name'))['p50']:.1f} ms): nearly all the time "
        "of a name search is the ranking. "
        f"It scores every one of the {extra['index_keys']:,} keys with `_score`, a Python function, so rapidfuzz calls back "
        "into Python once per key (two scorers each) instead of staying in C.",
        f"- `related_rncp`: the ROME join yields, for these CQPs, a median of {extra['related_candidates'][0]:,.0f} and up to "
        f"{extra['related_candidates'][1]:,} distinct RNCP fiches; each one is then loaded with `_summary` (one query and one "
        "object each) before the state filter and the limit of 3 apply.",
        "",
        "Name queries and their first match (`clear` = the catalog would take it as the one meant):",
        "",
        "| query | first match, score | clear |",
        "|---|---|:---:|",
        *(f"| {text} | {best} | {'yes' if clear else ''} |" for text, (best, clear) in extra["samples"].items()),
        "",
    ]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    return (f"import median {statistics.median(seconds):.1f} s (target < {IMPORT_TARGET_S:.0f} s: {'met' if import_met else 'NOT met'}); "
            f"lookups p95 <= {LOOKUP_TARGET_MS:.0f} ms: {'met' if lookups_met else 'NOT met: ' + ', '.join(slow)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--import-once", nargs=2, metavar=("ZIP", "DB"), help=argparse.SUPPRESS)
    parser.add_argument("--open-once", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=2_000, help="timed calls per lookup (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="imports to time (default 3)")
    args = parser.parse_args()
    if args.import_once:
        import_once(*args.import_once)
        return 0
    if args.open_once:
        open_once(args.open_once)
        return 0
    started = time.perf_counter()
    stale = check_headers()
    if stale:
        print("Headers differ from the fixture (update HEADERS):\n" + "\n".join(stale), file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="catalog-bench-") as folder:
        folder = Path(folder)
        zip_path, db_path = folder / f"export-fiches-csv-{EXPORT_DATE.isoformat()}.zip", folder / "catalog.sqlite"
        print(f"Generating the synthetic export in {folder} …", flush=True)
        t = time.perf_counter()
        info = generate(zip_path)
        generated_s = time.perf_counter() - t
        zip_size = zip_path.stat().st_size
        print(f"  {mib(zip_size)} in {generated_s:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in info["rows"].items()), flush=True)
        imports = []
        for i in range(args.repeats):
            imports.append(run_import(zip_path, db_path))
            print(f"  import {i + 1}/{args.repeats}: {imports[-1]['seconds']:.2f} s, peak RSS {mib(imports[-1]['rss_peak_kb'] * 1024)}", flush=True)
        print(f"  counts: {imports[0]['counts']}", flush=True)
        db_size = db_path.stat().st_size
        print("Timing lookups …", flush=True)
        detection = check_detection(db_path, info)
        lookups, extra = bench_lookups(db_path, info, args.calls)
        for label, r in lookups.items():
            print(f"  {label:<70} p50 {r['p50']:8.3f}  p95 {r['p95']:8.3f}  max {r['max']:8.3f} ms", flush=True)
        summary = write_report(info, imports, zip_size, db_size, lookups, extra, detection, generated_s,
                               time.perf_counter() - started, args.calls)
    print(summary)
    print(f"Report: {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
