"""Rasa's CRF entity extractor, trained on the hand-written examples only.

Why: the FAQ's examples (generated from knowledge/, and real visitor questions) carry no
entity annotations, so « je suis intérimaire » there would teach the CRF that a status is
no entity; the hand-written intents' examples are annotated (docs/INTENTS.md).
"""
from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.shared.nlu.constants import INTENT
from rasa.shared.nlu.training_data.training_data import TrainingData

UNANNOTATED_INTENTS = {"faq"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class AnnotatedCRFEntityExtractor(CRFEntityExtractor):
    def train(self, training_data: TrainingData) -> Resource:
        annotated = [m for m in training_data.training_examples if m.get(INTENT) not in UNANNOTATED_INTENTS]
        return super().train(TrainingData(annotated, entity_synonyms=training_data.entity_synonyms,
                                          regex_features=training_data.regex_features,
                                          lookup_tables=training_data.lookup_tables))
