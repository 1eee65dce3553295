"""The factor knowledge base: models, loading and validation, and lookup."""

from bot.kb.loader import KnowledgeBase, KnowledgeError, get_knowledge, load_knowledge
from bot.kb.models import Factor, FactorKind, Lesson, PartnershipStatus, Region, Sector, Source, Stage

__all__ = [
    "Factor", "FactorKind", "KnowledgeBase", "KnowledgeError", "Lesson", "PartnershipStatus", "Region",
    "Sector", "Source", "Stage", "get_knowledge", "load_knowledge",
]
