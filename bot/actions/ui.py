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
REPHRASE_AGAIN = "Je n'arrive toujours pas à vous comprendre, désolé. Un conseiller en évolution professionnelle (CEP) peut faire le point avec vous. Voulez-vous le contacter ?"
