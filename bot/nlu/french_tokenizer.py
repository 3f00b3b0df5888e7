"""spaCy tokens for French, with accent- and case-folded lemmas.

Visitors often type without accents (« eligible », « evaluation », « etape »). The count
vectorisers read token lemmas, so folding the lemmas makes « éligibilité » and
« eligibilite » the same feature, for words and for character n-grams alike. spaCy's
French tokenizer already splits elisions (l', d', qu', j').
"""
from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from knowledge.french import fold


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FrenchTokenizer(SpacyTokenizer):
    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = fold(token.lemma or token.text)
        return tokens
