"""A second opinion for wordings the lexicon has no phrase for.

The lexicon only knows what someone wrote down, and each new set of managers' messages shows wordings
nobody did ("their med affairs team wanted a line about newer treatments added"). This is a linear
model per factor over the words of a sentence (stems, and stems marked as negated or as said to be
no problem: `features.py`), fitted to everything the project has labelled: the phrase tests, the
factors' trigger phrases and the scenario sets (`python -m bot.matching.training`). It only adds a
factor the lexicon missed, only when it is very sure, and ranks it after what the lexicon found.
Beside it, a second model per risk (`fine`) reads the whole message and says whether it calls that
risk's topic fine rather than a problem; the matcher drops a risk it is sure of.

Scoring needs no numerical library: a sentence's score for a factor is the sum of its features'
weights, so the default install stays light.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).with_name("factor-model.json")


@dataclass(frozen=True, slots=True)
class ClassifierHit:
    factor_id: str
    probability: float
    sentence: int  # the sentence that scored highest for the factor


class FactorClassifier:
    """Per-factor logistic models, scored per sentence and over the whole message."""

    def __init__(
        self,
        factors: Sequence[str],
        bias: Sequence[float],
        weights: dict[str, list[tuple[int, float]]],
        fine: FactorClassifier | None = None,
    ):
        self.factors = list(factors)
        self.bias = list(bias)
        self.weights = {feature: tuple(pairs) for feature, pairs in weights.items()}
        self._index = {factor_id: i for i, factor_id in enumerate(self.factors)}
        # Per risk: whether a message that names its topic says it is fine rather than a problem. Trained
        # on the scenarios' `not` ids against their risks, so it knows the ways people say a topic is
        # fine that no positive-state word covers ("we've never had to chase an invoice").
        self.fine = fine

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> FactorClassifier | None:
        """The shipped model, or None where its file is missing (the lexicon then works alone)."""
        if not path.is_file():
            return None
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FactorClassifier:
        """A model as training writes it (`training.train`), with its "said to be fine" model if it has one."""
        fine = cls.from_dict(data["fine"]) if "fine" in data else None
        weights = {feature: [(int(i), float(w)) for i, w in pairs] for feature, pairs in data["weights"].items()}
        return cls(data["factors"], data["bias"], weights, fine)

    def logits(self, features: set[str]) -> list[float]:
        scores = list(self.bias)
        get = self.weights.get
        for feature in features:
            for index, weight in get(feature, ()):
                scores[index] += weight
        return scores

    def _whole(self, sentences: Sequence[set[str]], per_sentence: list[list[float]]) -> list[float]:
        """The whole message's logits from its sentences' (each feature counts once, as in training):
        the sentences' sum, less the bias counted once too often per sentence and the repeated features."""
        extra = len(sentences) - 1
        scores = [sum(column) - extra * bias for column, bias in zip(zip(*per_sentence), self.bias)]
        get = self.weights.get
        for feature, count in Counter(chain.from_iterable(sentences)).items():
            if count > 1:
                for index, weight in get(feature, ()):
                    scores[index] -= (count - 1) * weight
        return scores

    def probability(self, features: set[str], factor_id: str) -> float:
        """How sure the model is of the factor, 0 for a factor it does not know."""
        if factor_id not in self._index:
            return 0.0
        return 1 / (1 + math.exp(-self.logit(features, factor_id)))

    def logit(self, features: set[str], factor_id: str) -> float:
        index = self._index[factor_id]
        weights = self.weights
        return self.bias[index] + sum(w for f in features for i, w in weights.get(f, ()) if i == index)

    def confident(self, sentences: Sequence[set[str]], threshold: float) -> list[ClassifierHit]:
        """Factors scoring at least `threshold` in one sentence or in the whole message; each with the
        sentence that scored highest, as its evidence."""
        if not sentences:
            return []
        per_sentence = [self.logits(features) for features in sentences]
        whole = self._whole(sentences, per_sentence) if len(sentences) > 1 else per_sentence[0]
        cut = math.log(threshold / (1 - threshold))
        hits: list[ClassifierHit] = []
        for index, (sentence_best, whole_score) in enumerate(zip(map(max, zip(*per_sentence)), whole)):
            best = max(sentence_best, whole_score)
            if best >= cut:
                sentence = max(range(len(sentences)), key=lambda s: per_sentence[s][index])
                hits.append(ClassifierHit(self.factors[index], 1 / (1 + math.exp(-best)), sentence))
        return hits
