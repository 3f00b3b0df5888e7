"""What the channels and the server say themselves, before or instead of the assistant:
refused input, overload, a failed service. In French, short, with what to do next."""
from __future__ import annotations

MAX_MESSAGE_CHARS = 1000

EMPTY = "Votre message est vide : écrivez votre question, s'il vous plaît."
TOO_LONG = (f"Votre message dépasse {MAX_MESSAGE_CHARS} caractères : je ne l'ai pas lu. "
            "Raccourcissez-le ou envoyez-le en plusieurs fois, s'il vous plaît.")
TOO_FAST = ("Vous envoyez beaucoup de messages à la fois : je n'ai pas lu le dernier. "
            "Patientez quelques secondes, puis renvoyez-le.")
SERVICE_DOWN = ("Désolé, je ne peux pas vous répondre à l'instant : un service de l'assistant ne répond pas. "
                "Votre conversation est conservée : renvoyez votre message dans un instant.")
UNAVAILABLE = ("L'assistant est momentanément indisponible : votre message n'a pas été traité. "
               "Renvoyez-le dans un instant.")
BAD_REQUEST = ('Requête invalide : envoyez un objet JSON en UTF-8 de la forme '
               '{"sender": "<identifiant de conversation>", "message": "<texte>"}.')
UNKNOWN_CONVERSATION = ("Identifiant de conversation non reconnu : omettez « sender » pour ouvrir une "
                        "nouvelle conversation, puis renvoyez celui que donne la réponse (recipient_id).")
# Per client address (bot/channels/limits.py): several people may share one address (an office,
# a school), so the message speaks of the network, not of the visitor.
ADDRESS_BUSY = ("Beaucoup de messages arrivent en ce moment de votre réseau : je n'ai pas lu votre dernier "
                "message. Patientez une minute, puis renvoyez-le.")
TOO_MANY_CONVERSATIONS = ("Trop de conversations ont été ouvertes depuis votre réseau : je ne peux pas en ouvrir "
                          "une nouvelle pour l'instant. Réessayez dans quelques minutes.")
# Past CQP_MAX_MESSAGES_PER_SESSION messages in one session (bot/resilience.py): a session
# replayed at every turn costs more with each message; « Nouvelle conversation » is the
# widget's button.
CONVERSATION_TOO_LONG = ("Cette conversation est devenue trop longue : je ne lis plus les messages qui y arrivent. "
                         "Pour continuer, ouvrez une nouvelle conversation (bouton « Nouvelle conversation »).")
ERASE_BUTTON_TITLE = "Supprimer mes données"
