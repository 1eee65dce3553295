"""`python -m bot`: the same as the installed `partnerbot` command."""

from bot.cli import console

console()
