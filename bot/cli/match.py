"""`partnerbot match`: the matcher on the command line (an evaluation harness relies on this contract).

    partnerbot match --json TEXT [--sectors nonprofit,industry]   one JSON object
    partnerbot match --jsonl < lines.jsonl                         one JSON line per input line
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.cli import CliError

SECTORS = ("nonprofit", "industry", "government")
HARD_LIMIT = 20_000  # characters read from one text; beyond the matcher's window, the rest is not read


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "match", help="find risks and strengths in a text",
        description="Find the risk and success factors in a description of a partnership.",
    )
    parser.add_argument("text", nargs="*", help="the text, or - to read standard input")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print one JSON object")
    mode.add_argument("--jsonl", action="store_true", help="read JSON lines {id, text, sectors} from standard input")
    mode.add_argument("--explain", action="store_true", help="show every cue and phrase that fired, and why")
    parser.add_argument("--sectors", default="", help="partner sectors, comma-separated: nonprofit,industry,government")
    parser.set_defaults(handler=run, read_only=True)


class InputProblem(ValueError):
    """Input that cannot be matched; the message is meant for the person who sent it."""


def parse_sectors(raw: Any) -> list[str]:
    if raw in (None, "", []):
        return []
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InputProblem("sectors must be a list of names or a comma-separated string")
    sectors = [s.strip().lower() for s in items if s.strip()]
    unknown = [s for s in sectors if s not in SECTORS]
    if unknown:
        raise InputProblem(f"unknown sector {unknown[0]!r}; use {', '.join(SECTORS)}")
    return sectors


def check_text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise InputProblem("text must be a string")
    text = raw.replace("\x00", " ")
    if not text.strip():
        raise InputProblem("the text is empty; describe the partnership in a sentence or more")
    return text[:HARD_LIMIT]


def _read_stdin_text() -> str:
    data = sys.stdin.buffer.read()
    return data.decode("utf-8", errors="replace")


def run(args: argparse.Namespace) -> int:
    from bot.kb.loader import get_knowledge
    from bot.matching import match_text
    from bot.settings import get_settings

    kb = get_knowledge(get_settings().knowledge_dir)
    if args.jsonl:
        return _run_jsonl(kb, match_text)
    raw = _read_stdin_text() if args.text in (["-"], []) else " ".join(args.text)
    try:
        sectors = parse_sectors(args.sectors)
        text = check_text(raw)
    except InputProblem as exc:
        raise CliError(str(exc)) from None
    result = match_text(text, sectors, kb)
    if len(raw) > HARD_LIMIT:
        print(f"partnerbot: read the first {HARD_LIMIT:,} of {len(raw):,} characters", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_public(), ensure_ascii=False))
        return 0
    print(_human(result, kb))
    if args.explain:
        from bot.matching import get_matcher

        print("\nEvidence (all of it, including what was below the line or turned by polarity):")
        for factor_id, score, why, words in get_matcher(kb).explain(text):
            print(f"  {score:.2f}  {factor_id:<34} {why}\n        \"{words}\"")
    return 0


def _run_jsonl(kb, match_text) -> int:  # type: ignore[no-untyped-def]
    for number, line in enumerate(sys.stdin.buffer, start=1):
        decoded = line.decode("utf-8", errors="replace").strip()
        if not decoded:
            continue
        item_id: Any = None
        try:
            try:
                item = json.loads(decoded)
            except json.JSONDecodeError as exc:
                raise InputProblem(f"not valid JSON ({exc.msg})") from None
            if not isinstance(item, dict):
                raise InputProblem("expected a JSON object with id and text")
            item_id = item.get("id")
            result = match_text(check_text(item.get("text")), parse_sectors(item.get("sectors")), kb)
            out: dict[str, Any] = {"id": item_id, **result.to_public()}
        except InputProblem as exc:
            out = {"id": item_id, "line": number, "error": f"line {number}: {exc}"}
        except Exception as exc:  # noqa: BLE001  (a bug on one line must not lose the lines after it)
            out = {"id": item_id, "line": number,
                   "error": f"line {number}: could not be matched ({type(exc).__name__}); please report it"}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def _human(result, kb) -> str:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    for title, hits in (("Risks", result.risks), ("Strengths", result.strengths)):
        lines.append(f"{title}:" if hits else f"{title}: none found")
        for hit in hits:
            lines.append(f"  {hit.score:.2f}  {kb.factors[hit.id].name} ({hit.id})")
            lines.append(f"        \"{hit.evidence}\"")
    return "\n".join(lines)
