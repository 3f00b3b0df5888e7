"""Labels of the conversation's own controls (not content: content lives in knowledge/)."""

START_TOUR = "Je veux obtenir un CQP"
NEXT_STEP = "Étape suivante"
PREVIOUS_STEP = "Étape précédente"
RESUME_TOUR = "Reprendre le parcours"
YES = "Oui"
NO = "Non merci"

# The topics offered on the main menu (greeting, help, off-topic).
MENU_TOPICS = ("cqp_definition", "steps_overview", "financing", "vae_eligibility")

# What the visitor can accept with a plain « oui » after the bot's last offer.
OFFER_NEXT_STEP = "next_step"
OFFER_ADVISOR = "advisor"

# What the bot says around the knowledge answers.
GREETING = "Bonjour ! Je suis l'assistant CQP. Je vous explique comment obtenir un certificat de qualification professionnelle, étape par étape, et qui peut le financer."
OUT_OF_SCOPE = "Je ne peux pas vous aider sur ce sujet : je suis spécialisé dans les CQP et leur financement. Voici ce que je sais faire."
AFFIRMED = "Très bien. Que souhaitez-vous savoir ?"
DENIED = "D'accord. Que puis-je faire d'autre pour vous ?"
REPHRASE = "Je n'ai pas bien compris. Pouvez-vous reformuler ? Vous parliez peut-être de :"
WHICH_QUESTION = "Je veux être sûr de bien vous répondre. Votre question porte plutôt sur :"
NOT_COVERED = ("Je n'ai pas de réponse sûre à cette question. Je réponds sur les CQP, la VAE, le CPF et les autres "
               "financements, les blocs de compétences, l'évaluation, le jury et le CEP. Pour une question plus "
               "particulière, un conseiller en évolution professionnelle (CEP) peut vous aider : voulez-vous le contacter ?")
MORE = "En savoir plus"
REPHRASE_AGAIN = "Je n'arrive toujours pas à vous comprendre, désolé. Un conseiller en évolution professionnelle (CEP) peut faire le point avec vous. Voulez-vous le contacter ?"

# The eligibility checks (knowledge/rules.py): how to start them and what their outcome is called.
CHECKS = {
    "vae": ("vae_form", "Vérifier mon droit à la VAE", "check_vae"),
    "cpf": ("cpf_form", "Vérifier mon CPF", "check_cpf"),
    "financing": ("financing_form", "Qui peut financer mon projet ?", "check_financing"),
}
HEADLINES = {
    ("vae", "eligible"): "La VAE est possible pour ce CQP dans votre situation.",
    ("vae", "not_eligible"): "La VAE n'est pas possible pour ce CQP.",
    ("vae", "to_check"): "La VAE est peut-être possible : un point reste à vérifier.",
    ("cpf", "eligible"): "Votre CPF peut financer ce CQP.",
    ("cpf", "not_eligible"): "Votre CPF ne peut pas financer ce CQP.",
    ("cpf", "to_check"): "Votre CPF peut peut-être financer ce CQP : un point reste à vérifier.",
    ("financing", "eligible"): "Voici qui peut financer votre projet.",
    ("financing", "not_eligible"): "Cette voie n'est pas finançable pour ce CQP.",
    ("financing", "to_check"): "Le financement de votre projet est à construire avec un conseiller.",
}
WHY = "Pourquoi :"
OTHERWISE = "Autres possibilités :"
CHECK_WITH = "À vérifier auprès de : {who}."
RULES_OF_THE_DAY = "Règles en vigueur le {day}."
CANCELLED = "D'accord, j'arrête les questions. Ce que vous m'avez dit reste noté : vous pourrez reprendre quand vous voulez."
DONT_KNOW = {
    "experience_months": "Une estimation suffit, par exemple « environ 2 ans » ; si vous n'avez aucune expérience dans ce métier, écrivez « aucune ».",
    "status": "Choisissez la situation la plus proche de la vôtre.",
    "work_time": "Répondez selon ce que vous envisagez aujourd'hui : la réponse vous dira ce que chaque cas demande.",
    "route": "Si vous hésitez, choisissez la formation ; vous pourrez ensuite vérifier la VAE avec « Vérifier mon droit à la VAE ».",
}
CORRECTED = "C'est corrigé."
# Which check a knowledge answer offers next.
CHECK_FOR_TOPIC = {
    "vae_definition": "vae", "vae_eligibility": "vae", "vae_process": "vae", "vae_financing": "vae",
    "cpf_definition": "cpf", "cpf_eligibility": "cpf", "cpf_participation": "cpf",
    "financing": "financing", "routes": "vae",
}

# The catalog (knowledge/catalog): finding a CQP's fiche, browsing branches.
SHOW_MORE = "Voir plus"
BROWSE_BRANCHES = "Voir les CQP par branche"
FICHE_LINK = "Fiche France compétences : {url}"
WHICH_ONE = "Plusieurs certifications correspondent à « {query} ». Laquelle ?"
MAYBE = "Je n'ai pas trouvé de CQP qui corresponde exactement à « {query} ». Vouliez-vous dire :"
NOT_IN_CATALOG = ("Je ne trouve pas « {query} » dans mon catalogue ({size} certifications). Vérifiez son nom ou son numéro "
                  "sur le moteur de recherche de France compétences : {search_url}")
NOT_IN_CATALOG_CHECK = "Je continue sans sa fiche : certains points resteront à vérifier."
ASK_WHICH = "Quel CQP cherchez-vous ? Donnez son nom (par exemple « CQP tourier »), le métier visé ou son numéro RNCP ou RS."
BRANCHES = "Voici les branches professionnelles de mon catalogue, avec leur nombre de CQP. Laquelle vous intéresse ?"
IN_BRANCH = "CQP de la branche « {branch} » ({first} à {last} sur {total}) :"
NO_MORE = "Il n'y a pas d'autre résultat à afficher."
NOTED_FICHE = "C'est noté : {number} « {title} »."
# What was read, in figures, so that a misreading shows (knowledge/reading: said()).
NOTED_DURATION = "C'est noté : expérience : {reading}."
DURATION_UNDERSTOOD = "J'ai compris {reading} : pouvez-vous donner un seul chiffre, même approximatif ?"
DURATION_NOT_UNDERSTOOD = "Je n'ai pas compris cette durée : {reason}"
FICHE_FACTS = {
    "register_rncp": "Répertoire : RNCP{level}",
    "register_rs": "Répertoire : Répertoire spécifique (RS), sans niveau ni blocs",
    "active": "Enregistrement en cours{until}",
    "expired": "Enregistrement terminé{ended}",
    "unknown": "État de l'enregistrement : non précisé dans mes données",
    "branch": "Branche : {branch}",
    "certifiers": "Certificateur : {names}",
    "blocs": "Blocs de compétences ({count}) :",
    "no_blocs": "Blocs de compétences : aucun dans mes données",
    "routes": "Voies d'accès selon la fiche : {routes}",
    "successor": "Nouvelle version : {numbers}",
}
WHAT_IT_MEANS = "Ce que cela change pour vous :"
SEARCH_URL = "https://www.francecompetences.fr/recherche_certificationprofessionnelle/"

# The pre-qualification for a CEP advisor (bot/actions/prequalification.py).
PRIVACY_NOTICE = (
    "Je peux préparer votre rendez-vous avec un conseiller en évolution professionnelle (CEP) : "
    "un court dossier pour qu'il parte de votre situation, sans que vous ayez à tout répéter.\n\n"
    "Ce que je garde : votre situation et ce que nous avons vérifié ensemble, votre projet en quelques mots, "
    "votre département, un moyen de vous contacter et vos disponibilités. Pourquoi : pour orienter votre dossier "
    "vers le bon conseiller. Qui le voit : les conseillers CEP qui reçoivent les dossiers. Combien de temps : "
    "{days} jours au plus, puis il est effacé. À tout moment, écrivez « supprimez mes données » : j'efface votre "
    "dossier et notre conversation.\n\nUne reconnaissance de handicap (RQTH) est une donnée de santé : je ne vous "
    "poserai la question qu'à part, avec votre accord, et vous pourrez la passer.\n\n"
    "Acceptez-vous que je prépare ce dossier ?")
CONSENT_YES = "J'accepte"
CONSENT_NO = "Non merci"
REFUSED = "D'accord, je n'enregistre rien. Voici à qui vous adresser :"
QUESTIONS = {
    # Health data (RGPD art. 9): its own explicit consent, asked apart from the dossier's.
    "health_consent": ("Une question facultative porte sur une éventuelle reconnaissance de handicap (RQTH) : c'est "
                       "une donnée de santé (RGPD, article 9). Votre réponse servirait seulement à choisir votre "
                       "conseiller et figurerait dans votre dossier. "
                       "Sans votre accord, je passe à la suite sans rien noter. Acceptez-vous que je vous pose cette "
                       "question ?"),
    "disability": "Avez-vous une reconnaissance de handicap (RQTH) ?",
    "project": "Décrivez votre projet en une ou deux phrases (par exemple : « devenir soudeur par la VAE après 5 ans en atelier »).",
    "departement": "Dans quel département habitez-vous ? Son numéro (par exemple 69, 2A ou 974) ou votre code postal.",
    "contact": "Comment le conseiller peut-il vous joindre ? Une adresse électronique ou un numéro de téléphone.",
    "availability": "Quand êtes-vous disponible pour un rendez-vous ? (par exemple : « le mardi matin » ou « après 17 h »)",
}
HEALTH_CONSENT_YES = "J'accepte de répondre"
HEALTH_CONSENT_NO = "Non, je passe"
DISABILITY_CHOICES = (("Oui", "affirm"), ("Non", "deny"), ("Je préfère ne pas répondre", "dont_know"))
INVALID = {
    "consent": f"Pour continuer, répondez par « {CONSENT_YES} » ou « {CONSENT_NO} », s'il vous plaît "
               "(« annuler » pour arrêter et revenir à vos questions).",
    "health_consent": f"Répondez par « {HEALTH_CONSENT_YES} » ou « {HEALTH_CONSENT_NO} », s'il vous plaît "
                      "(« annuler » pour arrêter).",
    "disability": "Répondez par « Oui », « Non » ou « Je préfère ne pas répondre », s'il vous plaît "
                  "(« annuler » pour arrêter).",
    "project": "Votre projet en une ou deux phrases, s'il vous plaît (entre 10 et 1 000 caractères).",
    "departement": "Je ne reconnais pas ce département. Donnez son numéro (01 à 95, 2A, 2B, 971 à 976) ou votre code postal.",
    "contact": "Je ne reconnais ni une adresse électronique ni un numéro de téléphone. Par exemple : prenom.nom@exemple.fr ou 06 12 34 56 78.",
    "availability": "Vos disponibilités en quelques mots, s'il vous plaît (300 caractères au plus).",
}
CONTACT_AGAIN = "Écrivez-la à nouveau, s'il vous plaît."
FIELD_LABELS = {"project": "Projet", "departement": "Département", "contact": "Contact", "availability": "Disponibilités"}
SUMMARY = "Voici votre dossier avant envoi. Vérifiez-le :"
CONFIRM = "Confirmer et envoyer"
CORRECT = "Corriger : {label}"
WHICH_FIELD = "Que voulez-vous corriger ?"
SAVED = "Votre dossier est enregistré (n° {id}). Un conseiller pourra partir de votre situation."
NOT_SAVED = ("Je n'ai pas pu enregistrer votre dossier : notre base de données ne répond pas. Rien n'a été enregistré "
             "à moitié. Réessayez dans quelques minutes avec « Confirmer et envoyer », ou contactez directement :")
ERASED = "C'est fait : j'ai effacé votre dossier et notre conversation. Vous pouvez repartir de zéro quand vous voulez."
NOTHING_TO_ERASE = "C'est fait : notre conversation est effacée. Je n'avais aucun dossier à votre nom."
NOT_ERASED = "Je n'ai pas pu effacer votre dossier : notre base de données ne répond pas. Réessayez dans quelques minutes."
OFFER_DOSSIER = "dossier"
# Any action that fails (bot/actions/last_resort.py): the visitor can go on at once.
ACTION_FAILED = ("Désolé, une erreur m'a empêché de traiter votre message. Reformulez-le ou posez une autre "
                 "question ; pour parler à un conseiller, écrivez « parler à un conseiller ».")

# After two failed answers to the same question (bot/actions/retries.py): what is expected,
# with an example, and three ways on.
RETRY_INTRO = "Je n'arrive pas à lire votre réponse."
RETRY_EXPECTED = {
    "experience_months": ("J'attends une durée en mois ou en années, même approximative, par exemple « 18 mois », "
                          "« environ 2 ans » ou « aucune » si vous n'avez pas d'expérience dans ce métier."),
    "project": "J'attends votre projet en une ou deux phrases, par exemple « devenir soudeur par la VAE après 5 ans en atelier ».",
    "departement": "J'attends le numéro de votre département ou votre code postal, par exemple « 69 », « 2A », « 974 » ou « 69003 ».",
    "contact": "J'attends une adresse électronique ou un numéro de téléphone, par exemple prenom.nom@exemple.fr ou 06 12 34 56 78.",
    "availability": "J'attends vos disponibilités en quelques mots, par exemple « le mardi matin » ou « après 17 h ».",
}
RETRY_SKIP = "Je ne sais pas / passer"
RETRY_AGAIN = "Je réessaie"
RETRY_ADVISOR = "Parler à un conseiller"
RETRY_SKIPPED = "D'accord, je passe cette question."
STILL_TO_CHECK = "Reste à vérifier :"
NOT_GIVEN = "à préciser"
MISSING_FIELDS = ("Il manque encore : {fields}. Complétez avec le bouton « Corriger » correspondant pour que je "
                  "puisse envoyer votre dossier.")
DIRECT_ADVISOR = "Vous pouvez aussi joindre directement un conseiller :"
