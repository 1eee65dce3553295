"""Text handling for the matcher: clean-up, tokens with offsets, a light stemmer and clause splitting.

Offsets always refer to the cleaned text, which is what evidence spans are cut from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_TOKEN = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*", re.UNICODE)
# Clause boundaries: sentence ends, semicolons, colons, dashes used as breaks, and contrastive joins.
_BREAK = re.compile(
    r"[.!?;:\n]+(?:\s|$)|\s-\s|,?\s+(?:but|however|although|though|whereas|except that|apart from that|until)\s+"
    r"|,\s+(?:and|so|while|which|since|because|as|yet)\s+"  # "yet" alone is often "not yet": no break
    r"|\(|\)",
    re.IGNORECASE,
)

# Words too common to say anything about a factor on their own.
STOPWORDS = frozenset(
    "a an the and or of to in on at for with by from as is are was were be been being it its it's this that "
    "these those there their they them we our us i me my you your he she his her him has have had do does did "
    "so if then than too very just also about into over up out off all any some more most such can could would "
    "should will shall may might must what which who whom when where why how again once here s t".split()
)

NEGATORS = frozenset({
    "no", "not", "never", "without", "none", "neither", "nor", "nobody", "nothing", "noone", "nowhere",
    "cannot", "can't", "won't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't",
    "haven't", "hasn't", "hadn't", "wouldn't", "couldn't", "shouldn't", "lack", "lacks", "zero",
    "barely", "hardly", "rarely", "seldom",
})
# Negations written without the apostrophe, read as the usual spelling (so "doesnt care" meets "doesn't
# care"); an apostrophe in the wrong place ("does'nt") is put right the same way.
_NEGATION_SPELLINGS = {
    "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't", "arent": "aren't",
    "wasnt": "wasn't", "werent": "weren't", "havent": "haven't", "hasnt": "hasn't", "hadnt": "hadn't",
    "wouldnt": "wouldn't", "couldnt": "couldn't", "shouldnt": "shouldn't", "cant": "can't", "wont": "won't",
}
# A clitic after a negating word leaves it negating: nobody's, no one's, nothing's, nobody'll, noone'd.
_CLITICS = ("'s", "'ll", "'d", "'ve")


def negation_base(word: str) -> str:
    """The word without a clitic ("nobody's" -> "nobody", "one's" -> "one"), to tell what negates."""
    if "'" in word:
        for clitic in _CLITICS:
            if word.endswith(clitic):
                return word[: -len(clitic)]
    return word


def clean(text: str) -> str:
    """NFKC, straight quotes, control characters to spaces (keeps newlines as clause breaks)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    if text.replace("\n", " ").isprintable():  # the usual case: nothing to replace, no need to look at each character
        return text
    return "".join(
        ch if ch == "\n" or unicodedata.category(ch)[0] != "C" else " " for ch in text
    )


_KEEP = frozenset({"spring", "thing", "bring", "nothing", "something", "anything", "everything", "during",
                   "morning", "evening", "string", "sing", "king", "ring", "wing", "sting", "swing", "ceiling",
                   "news", "this", "his", "was", "has", "is", "us", "bus", "gas", "yes", "series", "species"})


# Words whose final e stays: without it they would meet another common word (note/not, made/mad,
# site/sit, quite/quit, here/her, care/car, plane/plan). Their inflections keep it too (noted, caring).
_E_KEPT = frozenset("""
    bare bite came cane care change code come cope crude cube cure cute date dime dine done dose dude
    dune fade fare fate fine fire gene globe grade hate here hide hinge hope huge lame late line lone
    lose lunge made mane mate mile mine mode name node nose note pace pale pane pine plane pole prime
    quite rage range rate ride ripe robe rode route sale same sane scare secrete severe shade shame
    shine side site slate slide slope sole spare spine spite stage stare state stole tame tape theme
    time tinge tone tube tune unite vice wade wage ware white wine wise write
""".split())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light stemmer: enough to make leave/leaving/leaves and fund/funded/funding meet."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    if w.endswith("n't"):
        return w
    if len(w) <= 3 or w in _KEEP:
        return w
    if w.endswith("eed") and len(w) > 5:
        return w[:-1]
    for suffix, replacement, minimum in (
        ("ies", "y", 5), ("ied", "y", 5), ("sses", "ss", 5), ("ing", "", 6), ("ed", "", 5),
        ("es", "", 5), ("s", "", 4),
    ):
        if w.endswith(suffix) and len(w) >= minimum:
            if suffix == "es" and not w[:-2].endswith(("s", "x", "ch", "sh", "z")):
                w = w[:-1]
                break
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                break
            w = w[: len(w) - len(suffix)] + replacement
            if suffix in ("ing", "ed") and len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            elif suffix in ("ing", "ed") and w + "e" in _E_KEPT:  # noting -> note, not "not"
                w += "e"
            break
    if len(w) >= 4 and w.endswith("e") and not w.endswith("ee") and w not in _E_KEPT:
        w = w[:-1]
    return w


@dataclass(slots=True, eq=False)
class Token:  # not frozen: a frozen dataclass is several times slower to create, and a message makes hundreds
    text: str  # lower-cased surface form
    stem: str
    start: int
    end: int
    negator: bool
    after_comma: bool = False  # a comma stands between this word and the one before: negation stops there


@dataclass(frozen=True, slots=True)
class Clause:
    start: int
    end: int
    tokens: tuple[Token, ...]


def tokenize(text: str, offset: int = 0) -> list[Token]:
    tokens: list[Token] = []
    append = tokens.append
    previous_end = 0
    for m in _TOKEN.finditer(text):
        surface = m.group().lower()
        start, end = m.span()
        comma = "," in text[previous_end:start]
        previous_end = end
        if "-" not in surface:
            word = _WORDS.get(surface) or _word(surface)
            append(Token(word[0], word[1], offset + start, offset + end, word[2], comma))
            continue
        for part_start, part in _split_hyphen(surface, start):
            word = _WORDS.get(part) or _word(part)
            append(Token(word[0], word[1], offset + part_start, offset + part_start + len(part), word[2], comma))
            comma = False
    return tokens


_WORDS: dict[str, tuple[str, str, bool]] = {}  # surface -> (word, stem, negates): messages repeat their words
_MAX_WORDS = 50_000


def _word(surface: str) -> tuple[str, str, bool]:
    word = _normal_negation(surface)
    entry = (word, stem(word), _is_negator(word))
    if len(_WORDS) >= _MAX_WORDS:
        _WORDS.clear()
    _WORDS[surface] = entry
    return entry


def _normal_negation(word: str) -> str:
    if word.endswith("'nt") and len(word) > 4:  # does'nt, is'nt
        return word[:-3] + "n't"
    return _NEGATION_SPELLINGS.get(word, word)


def _is_negator(word: str) -> bool:
    return word in NEGATORS or word.endswith("n't") or ("'" in word and negation_base(word) in NEGATORS)


def _split_hyphen(surface: str, start: int) -> list[tuple[int, str]]:
    """Hyphenated words count as their parts ("short-term" -> short, term), as people write both ways."""
    if "-" not in surface:
        return [(start, surface)]
    parts, position = [], start
    for piece in surface.split("-"):
        if piece:
            parts.append((position, piece))
        position += len(piece) + 1
    return parts


def clauses(text: str) -> list[Clause]:
    """Split cleaned text into clauses, the unit of evidence and of negation scope."""
    out: list[Clause] = []
    position = 0
    for boundary in [*_BREAK.finditer(text), None]:
        end = boundary.start() if boundary else len(text)
        chunk = text[position:end]
        stripped = chunk.strip(" ,\t\"'")
        if stripped:
            lead = chunk.index(stripped[0])
            start = position + lead
            tokens = tuple(tokenize(stripped, start))
            if tokens:
                out.append(Clause(start, start + len(stripped), tokens))
        position = boundary.end() if boundary else len(text)
    return out
