"""Whether a word is an English word: the check that keeps typo correction off real words.

The list (`english-words.txt` beside this file) is SCOWL at its usual spell-checker size (50), in its
American, British and Canadian spellings, lower-cased, without possessives, and without the regular
inflections of words it also holds: "stalling" is known because "stall" is. Its header names the source
and carries SCOWL's permission notice. Rebuild it with

    python -m bot.matching.words american-english british-english canadian-english

from the files of Debian's wamerican, wbritish and wcanadian packages (source package scowl).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("english-words.txt")

HEADER = """\
# English words for the matcher's typo check (see words.py): SCOWL size 50, American, British and
# Canadian spellings (Debian packages wamerican, wbritish, wcanadian 2020.12.07-2, source package scowl,
# http://wordlist.sourceforge.net/), lower-cased, possessives and regular inflections of listed words
# left out.
#
# Copyright 2000-2011 by Kevin Atkinson
#
# Permission to use, copy, modify, distribute and sell these word lists, the associated scripts, the
# output created from the scripts, and its documentation for any purpose is hereby granted without fee,
# provided that the above copyright notice appears in all copies and that both that copyright notice
# and this permission notice appear in supporting documentation. Kevin Atkinson makes no
# representations about the suitability of this array for any purpose. It is provided "as is" without
# express or implied warranty.
#
# SCOWL also draws on word lists placed in the public domain (Moby Words II by Grady Ward, Brian Kelk's
# UK English Wordlist) and on others under similar terms; see the SCOWL README for the full notice.
"""


def bases(word: str) -> Iterator[str]:
    """The words a regularly inflected form may come from: stalling -> stall, hoped -> hope, tries -> try."""
    n = len(word)
    if n > 4 and word.endswith("ies"):
        yield word[:-3] + "y"
    if n > 4 and word.endswith("ied"):
        yield word[:-3] + "y"
    if n > 3 and word.endswith("es"):
        yield word[:-2]
    if n > 3 and word.endswith("s") and not word.endswith("ss"):
        yield word[:-1]
    if n > 4 and word.endswith("ed"):
        yield word[:-2]
        yield word[:-1]
        if word[-3] == word[-4]:
            yield word[:-3]
    if n > 5 and word.endswith("ing"):
        yield word[:-3]
        yield word[:-3] + "e"
        if word[-4] == word[-5]:
            yield word[:-4]


@cache
def english_words() -> frozenset[str]:
    """The shipped list, read on first use (about 10 ms, once per process)."""
    try:
        text = WORDS_FILE.read_text(encoding="utf-8")
    except OSError:  # a trimmed install without the list: no word is known, typo correction works as before
        return frozenset()
    header_end = text.find("\n", text.rfind("\n#") + 1) if text.startswith("#") else 0
    return frozenset(text[header_end:].split())


def is_english(word: str) -> bool:
    """A listed word, or a regular inflection of one (`word` lower-case)."""
    words = english_words()
    return word in words or any(base in words for base in bases(word))


def build(lines: Iterable[str]) -> list[str]:
    """The list to ship from raw word-list lines: lower-cased, no possessives, inflections folded in."""
    raw = {w.strip().lower() for w in lines}
    raw = {w for w in raw if w and w.isalpha()}
    kept: set[str] = set()
    for word in sorted(raw, key=lambda w: (len(w), w)):  # a base is shorter than its forms: decided first
        if not any(base in kept for base in bases(word)):
            kept.add(word)
    return sorted(kept)


def main(paths: list[str]) -> None:
    lines: list[str] = []
    for path in paths:
        lines.extend(Path(path).read_text(encoding="utf-8").splitlines())
    WORDS_FILE.write_text(HEADER + "\n".join(build(lines)) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
