"""Ranks the FAQ entries (knowledge/data/faq/) for each message, and says whether the best
one is clear enough to answer, close to another (ask which), or absent (say what is covered).

Why not Rasa's ResponseSelector: with about 150 entries and a dozen examples each, it is
slow to train on two cores and its confidences give no usable "nothing fits" signal
(RasaHQ/rasa#9723). A logistic regression on the folded text's character n-grams and the
lemmas' word n-grams trains in about a minute here; the ResponseSelector itself was not
trained and measured against it (docs/NLU.md says why).

Training examples are those of the intent `faq` whose metadata names their entry, in the
generated NLU file (scripts/faq_nlu.py writes it from knowledge/ at train time). The ranking goes into the
parse data under `faq`, for action_answer_faq.
"""
from __future__ import annotations

import logging
import pickle
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, METADATA, METADATA_EXAMPLE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union
from sklearn.preprocessing import FunctionTransformer

from knowledge.french import fold

logger = logging.getLogger(__name__)
MODEL_FILE = "faq_selector.pkl"
FAQ_INTENT = "faq"
RANKING_LENGTH = 5
# Decisions the action renders.
ANSWER, CLARIFY, NONE = "answer", "clarify", "none"


def _surface(rows: Sequence[Sequence[str]]) -> List[str]:
    return [row[0] for row in rows]


def _lemmas(rows: Sequence[Sequence[str]]) -> List[str]:
    return [row[1] for row in rows]


def build_model(c: float, seed: int):
    """Character n-grams of the folded text (typos, missing accents, glued words) and word
    n-grams of its folded lemmas (« refusé », « refuse », « refuser » are one word)."""
    features = make_union(
        make_pipeline(FunctionTransformer(_surface),
                      TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        make_pipeline(FunctionTransformer(_lemmas),
                      TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                      token_pattern=r"(?u)\b\w+\b")),
    )
    return make_pipeline(features, LogisticRegression(C=c, max_iter=5000, random_state=seed))


def features_of(message: Message) -> List[str]:
    """The two views of a message the model reads: folded text and folded lemmas."""
    text = message.get(TEXT) or ""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    lemmas = " ".join(fold(t.lemma or t.text) for t in tokens) or fold(text)
    return [fold(text), lemmas]


def decide(ranking: Sequence[Dict[str, Any]], answer_at: float, margin: float, clarify_at: float) -> str:
    """Answer when the best entry is clear; ask which of two when they are close; else none."""
    if not ranking:
        return NONE
    best = ranking[0]["confidence"]
    second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
    if best >= answer_at and best - second >= margin:
        return ANSWER
    if best >= clarify_at:
        return CLARIFY if len(ranking) > 1 else ANSWER
    return NONE


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqEntrySelector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # answer_at / margin / clarify_at: the decision thresholds (chosen by cross-validation
        # on the training data, bench/faq_cv.py; never on the real-question test part).
        # override_intents / override_at: a message the intent classifier gave to one of these
        # intents is a question when its best entry reaches override_at (« Est-ce que mon CPF
        # va expirer ? » is not a request to check my CPF); override_at sits above what 95 % of
        # these intents' own training examples reach (docs/NLU.md).
        return {"c": 20.0, "random_seed": 42, "answer_at": 0.3, "margin": 0.1, "clarify_at": 0.15,
                "override_intents": [], "override_at": 1.0}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[Any] = None):
        self.config, self._storage, self._resource, self.model = config, model_storage, resource, model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "FaqEntrySelector":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "FaqEntrySelector":
        try:
            with model_storage.read_from(resource) as directory:
                model = pickle.loads((directory / MODEL_FILE).read_bytes())
        except (ValueError, FileNotFoundError):
            logger.warning("FaqEntrySelector: no trained model, no FAQ entry will be ranked.")
            model = None
        return cls(config, model_storage, resource, model)

    @staticmethod
    def entry_of(message: Message) -> Optional[str]:
        example = ((message.get(METADATA) or {}).get(METADATA_EXAMPLE) or {})
        return example.get("entry") if isinstance(example, dict) else None

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples
                    if m.get(INTENT) == FAQ_INTENT and m.get(TEXT) and self.entry_of(m)]
        labels = [self.entry_of(m) for m in examples]
        if len(set(labels)) < 2:
            return self._resource
        self.model = build_model(float(self.config["c"]), int(self.config["random_seed"]))
        self.model.fit([features_of(m) for m in examples], labels)
        with self._storage.write_to(self._resource) as directory:
            (directory / MODEL_FILE).write_bytes(pickle.dumps(self.model))
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None:
            return messages
        texts = [m for m in messages if m.get(TEXT)]
        if not texts:
            return messages
        probabilities = self.model.predict_proba([features_of(m) for m in texts])
        classes = list(self.model.classes_)
        for message, row in zip(texts, probabilities):
            ranking = sorted(({"entry": entry, "confidence": round(float(p), 6)} for entry, p in zip(classes, row)),
                             key=lambda r: -r["confidence"])[:RANKING_LENGTH]
            decision = decide(ranking, float(self.config["answer_at"]), float(self.config["margin"]),
                              float(self.config["clarify_at"]))
            message.set(FAQ_INTENT, {"ranking": ranking, "decision": decision}, add_to_output=True)
            self._override(message, ranking)
        return messages

    def _override(self, message: Message, ranking: List[Dict[str, Any]]) -> None:
        intent = (message.get(INTENT) or {}).get("name")
        if intent not in self.config["override_intents"] or ranking[0]["confidence"] < float(self.config["override_at"]):
            return
        confidence = ranking[0]["confidence"]
        others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != FAQ_INTENT]
        message.set(INTENT, {"name": FAQ_INTENT, "confidence": confidence}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [{"name": FAQ_INTENT, "confidence": confidence}, *others], add_to_output=True)
