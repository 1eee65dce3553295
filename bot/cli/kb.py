"""`partnerbot kb check`: validate the knowledge base (ours plus the team's) and print counts."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("kb", help="knowledge base tools")
    commands = parser.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    check = commands.add_parser("check", help="validate every knowledge file and print counts")
    check.add_argument("--dir", action="append", default=[], help="an extra knowledge directory (repeatable)")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    from bot.kb.loader import load_knowledge
    from bot.settings import get_settings

    extra = [*([get_settings().knowledge_dir] if get_settings().knowledge_dir else []), *args.dir]
    kb = load_knowledge(extra)
    print("Knowledge base OK: " + ", ".join(f"{n} {what}" for what, n in kb.counts().items()))
    for directory in kb.directories:
        print(f"  read {directory}")
    return 0
