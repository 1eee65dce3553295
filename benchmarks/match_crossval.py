"""How the matcher does on scenario sets its models never saw: each group of writers' sets is left out,
the classifier and its "said to be fine" model are refitted without it, and the group is scored.

    python -m pip install -e '.[train]'
    python benchmarks/match_crossval.py [--groups t,u,v,w,x,y z31,z32,z33,z34 ...]

The held-out sets in tests/data/holdout are never fitted at all; this gives the same kind of estimate
for the sets the shipped weights were fitted to, a group at a time (a group is the blind sets that
arrived together). The lexicon is the same in every run: it was written with all of these in view, so
the figures lean a little high. About ten seconds per group.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _scenarios import OWN  # noqa: E402

from bot.kb.loader import get_knowledge  # noqa: E402
from bot.matching import get_matcher  # noqa: E402
from bot.matching.classifier import FactorClassifier  # noqa: E402
from bot.matching.evaluation import evaluate, load_scenarios  # noqa: E402
from bot.matching.training import train  # noqa: E402

# The blind sets, in the groups they arrived in.
GROUPS = ["t,u,v,w,x,y", "z1,z2,z3,z4,z5,z6", "z7,z8,z9,z10,z11,z12", "z13,z14,z15,z16,z17,z18",
          "z19,z20,z21,z22,z23,z24", "z25,z26,z27,z28,z29,z30", "z31,z32,z33,z34"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", nargs="+", default=GROUPS, help="comma-separated writer tags per group")
    args = parser.parse_args()
    matcher = get_matcher(get_knowledge())
    print(f"{'left out':28} {'scenarios':>9} {'risk R@5':>9} {'strength R@3':>13} {'not flagged':>12}")
    for group in args.groups:
        stems = frozenset(f"writer-{tag.strip()}" for tag in group.split(","))
        files = [path for path in OWN if path.stem in stems]
        if len(files) != len(stems):
            missing = sorted(stems - {path.stem for path in files})
            print(f"{group}: no such scenario set {', '.join(missing)}", file=sys.stderr)
            return 2
        classifier = FactorClassifier.from_dict(train(leave_out=stems))
        figures = evaluate(load_scenarios(files), matcher.with_classifier(classifier).match)
        print(f"{group:28} {figures.scenarios:>9} {figures.risk_recall_at_5:>9.3f} "
              f"{figures.strength_recall_at_3:>13.3f} {figures.not_violation_rate:>12.3f}", flush=True)
    print("targets: risk R@5 >= 0.80, strength R@3 >= 0.70, not flagged <= 0.05")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
