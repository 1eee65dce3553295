"""Find the risk and success factors in what a manager writes."""

from bot.matching.matcher import MAX_CHARS, Matcher, get_matcher, match_text
from bot.matching.models import FactorHit, MatchResult

__all__ = ["MAX_CHARS", "FactorHit", "MatchResult", "Matcher", "get_matcher", "match_text"]
