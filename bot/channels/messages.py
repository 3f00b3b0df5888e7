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
