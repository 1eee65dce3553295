"""Fit the factor classifier (`classifier.py`) to the project's labelled text and write its weights.

    python -m pip install -e '.[train]'
    python -m bot.matching.training

Run it in a checkout after changing the phrase tests, the scenario sets, a factor's trigger phrases or
how text is split into features: a test fails until the shipped weights were fitted to the current
files. What it learns from:
- each phrase test: "present" is an example of the factor, "absent" a counter-example (negated,
  hoped for, said to be fine), weighted up because those are the mistakes that matter;
- each factor's trigger phrases;
- each labelled scenario in tests/data/scenarios: examples of its risks and strengths, and
  counter-examples of its `not` ids. The shared development set and the held-out sets are never used.
The same files, but for the trigger phrases, fit the "said to be fine" model per risk (`train_fine`).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.kb.loader import KnowledgeBase, load_knowledge
from bot.matching.classifier import MODEL_FILE
from bot.matching.evaluation import load_scenarios

ROOT = Path(__file__).resolve().parents[2]
PHRASES = ROOT / "tests" / "matching" / "phrases"
SCENARIOS = ROOT / "tests" / "data" / "scenarios"
FACTORS = ROOT / "knowledge" / "factors"
# The code and words that turn text into features: a change there changes what the weights mean.
FEATURE_CODE = [Path(__file__).with_name(name) for name in ("features.py", "text.py", "dismissal.py")]
FEATURE_WORDS = ROOT / "knowledge" / "matching" / "_shared.yaml"  # the fears that `dismissal.py` looks for

REGULARISATION = 1.0  # scikit-learn's C: smaller is smoother; chosen on scenario sets left out of training
COUNTER_EXAMPLE_WEIGHT = 3.0
SMALLEST_WEIGHT = 0.25  # weights nearer zero are dropped: 40% fewer to add up, the same recall on sets left out
MIN_EXAMPLES = 2  # a feature seen in fewer examples says more about that example than about a factor
# The "said to be fine" models (train_fine): chosen, with the matcher's FINE_VETO, on scenario sets left
# out of training; pruned less, as each learns from far fewer texts.
FINE_REGULARISATION = 1.0
FINE_SMALLEST_WEIGHT = 0.05


@dataclass
class Example:
    text: str
    present: set[str] = field(default_factory=set)
    counter: set[str] = field(default_factory=set)  # factors this text must not be taken for
    trigger: bool = False  # a factor's own trigger phrase


def training_files() -> list[Path]:
    if not PHRASES.is_dir() or not SCENARIOS.is_dir():
        raise SystemExit("training needs a checkout of the project: tests/matching/phrases and "
                         "tests/data/scenarios are not here")
    return [*sorted(PHRASES.glob("*.yaml")), *sorted(SCENARIOS.glob("*.yaml")), *sorted(FACTORS.glob("*.yaml")),
            *FEATURE_CODE, FEATURE_WORDS]


def training_digest() -> str:
    """What the weights were fitted to; stored with them so a stale model is caught by a test."""
    digest = hashlib.sha256()
    for path in training_files():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def examples(kb: KnowledgeBase, leave_out: frozenset[str] = frozenset()) -> list[Example]:
    out: list[Example] = []
    for path in sorted(PHRASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out += [Example(text, present={path.stem}) for text in data.get("present") or []]
        out += [Example(text, counter={path.stem}) for text in data.get("absent") or []]
    for factor in kb.factors.values():
        out += [Example(phrase, present={factor.id}, trigger=True) for phrase in factor.triggers]
    for scenario in load_scenarios(sorted(p for p in SCENARIOS.glob("*.yaml") if p.stem not in leave_out)):
        out.append(Example(scenario.text, present={*scenario.risks, *scenario.strengths}, counter=set(scenario.not_)))
    return out


def _matrix(feature_sets: list[set[str]]) -> tuple[Any, list[str]]:
    """The examples as a sparse 0/1 matrix over the features seen in at least MIN_EXAMPLES of them."""
    from scipy.sparse import csr_matrix

    seen = Counter(f for features in feature_sets for f in features)
    vocabulary = sorted(f for f, count in seen.items() if count >= MIN_EXAMPLES)
    column = {feature: i for i, feature in enumerate(vocabulary)}
    rows, cols = [], []
    for row, features in enumerate(feature_sets):
        for feature in features & column.keys():
            rows.append(row)
            cols.append(column[feature])
    return csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(feature_sets), len(vocabulary))), vocabulary


def train(leave_out: frozenset[str] = frozenset()) -> dict[str, object]:
    """The weights, fitted to everything but the scenario files named in `leave_out` (their stems, for
    `benchmarks/match_crossval.py`)."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise SystemExit("training needs scikit-learn: python -m pip install -e '.[train]'") from None
    from bot.matching.matcher import Matcher

    kb = load_knowledge()
    matcher = Matcher(kb)
    items = examples(kb, leave_out)
    feature_sets = [set().union(*matcher.sentence_features(item.text)) for item in items]
    matrix, vocabulary = _matrix(feature_sets)
    factors = sorted(kb.factors)
    bias: list[float] = []
    weights: dict[str, list[tuple[int, float]]] = {}
    for index, factor_id in enumerate(factors):
        labels = [1 if factor_id in item.present else 0 for item in items]
        sample_weight = [COUNTER_EXAMPLE_WEIGHT if factor_id in item.counter else 1.0 for item in items]
        model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=5000)
        model.fit(matrix, labels, sample_weight=sample_weight)
        bias.append(round(float(model.intercept_[0]), 4))
        for feature, weight in zip(vocabulary, model.coef_[0]):
            if abs(weight) >= SMALLEST_WEIGHT:
                weights.setdefault(feature, []).append((index, round(float(weight), 4)))
    return {"trained_on": training_digest(), "examples": len(items), "factors": factors, "bias": bias,
            "weights": weights, "fine": train_fine(kb, items, feature_sets)}


def train_fine(kb: KnowledgeBase, items: list[Example], feature_sets: list[set[str]]) -> dict[str, object]:
    """Per risk, "the topic is said to be fine" against "the topic is a problem", from the texts that
    name it one way or the other: `not` ids and "absent" phrases against risks and "present" phrases.
    Trigger phrases are left out: they only ever say the problem."""
    from sklearn.linear_model import LogisticRegression

    factors, bias = [], []
    weights: dict[str, list[tuple[int, float]]] = {}
    for factor_id in sorted(f.id for f in kb.negatives):
        pairs = [(features, factor_id in item.counter) for item, features in zip(items, feature_sets)
                 if (factor_id in item.counter or factor_id in item.present) and not item.trigger]
        if len({fine for _, fine in pairs}) < 2:
            continue
        matrix, vocabulary = _matrix([features for features, _ in pairs])
        model = LogisticRegression(C=FINE_REGULARISATION, max_iter=5000)
        model.fit(matrix, [int(fine) for _, fine in pairs])
        index = len(factors)
        factors.append(factor_id)
        bias.append(round(float(model.intercept_[0]), 4))
        for feature, weight in zip(vocabulary, model.coef_[0]):
            if abs(weight) >= FINE_SMALLEST_WEIGHT:
                weights.setdefault(feature, []).append((index, round(float(weight), 4)))
    return {"factors": factors, "bias": bias, "weights": weights}


def main() -> None:
    model = train()
    MODEL_FILE.write_text(json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE}: {model['examples']} examples, {len(model['weights'])} features")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
