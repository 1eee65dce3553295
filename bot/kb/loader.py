"""Load the knowledge directory (ours, plus an optional team directory) into validated models.

Every problem is reported as a `KnowledgeError` naming the file, the entry and the field, because the
people editing these files are partnership managers, not Python developers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.kb.models import Factor, FactorKind, Lesson, SectorMix, Source, TaxonomyEntry

M = TypeVar("M", bound=BaseModel)

# libyaml's parser when PyYAML was built with it: the same documents, about ten times faster to read
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class KnowledgeError(ValueError):
    """A knowledge file is broken; the message says where and how."""

    def __init__(self, file: Path | str, entry: str | None, field: str | None, problem: str) -> None:
        self.file, self.entry, self.field, self.problem = str(file), entry, field, problem
        where = self.file
        if entry:
            where += f", entry '{entry}'"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}")


def default_knowledge_dir() -> Path:
    """The shipped knowledge: inside the installed wheel, or the checkout's top-level `knowledge/`."""
    packaged = Path(__file__).resolve().parent.parent / "_knowledge"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "knowledge"


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(path, None, None, f"not UTF-8 text ({exc.reason})") from None
    try:
        return yaml.load(text, Loader=YamlLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise KnowledgeError(path, None, None, f"bad YAML{line}: {problem}") from None


def _validate(model: type[M], data: Any, path: Path, entry: str | None) -> M:
    if not isinstance(data, dict):
        raise KnowledgeError(path, entry, None, f"expected a mapping of fields, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(part) for part in first["loc"]) or None
        message = first["msg"]
        if first["type"] == "missing":
            message = "is missing"
        elif first["type"] == "extra_forbidden":
            message = "is not a known field"
        more = len(exc.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''} in this entry)"
        raise KnowledgeError(path, entry, loc, message) from None


def _entries(path: Path, data: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    """A file may hold one mapping or a list of mappings."""
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise KnowledgeError(path, f"#{index}", None, f"expected a mapping, got {type(item).__name__}")
        yield index, item


def _entry_name(index: int, item: dict[str, Any], key: str = "id") -> str:
    value = item.get(key)
    return str(value) if value else f"#{index}"


@dataclass
class KnowledgeBase:
    """All factors, lessons and sources, cross-checked against each other and the taxonomy."""

    factors: dict[str, Factor]
    lessons: dict[str, Lesson]
    sources: dict[str, Source]
    sector_mixes: list[SectorMix]
    taxonomy: dict[str, TaxonomyEntry]
    directories: list[Path] = field(default_factory=list)

    def factor(self, factor_id: str) -> Factor:
        return self.factors[factor_id]

    @property
    def negatives(self) -> list[Factor]:
        return [f for f in self.factors.values() if f.kind is FactorKind.negative]

    @property
    def successes(self) -> list[Factor]:
        return [f for f in self.factors.values() if f.kind is FactorKind.success]

    def lessons_for(self, factor_id: str) -> list[Lesson]:
        """Lessons about this factor, those where it is the first-named factor first."""
        found = [lesson for lesson in self.lessons.values() if factor_id in lesson.factors]
        return sorted(found, key=lambda lesson: (lesson.factors.index(factor_id), lesson.id))

    def citations(self, keys: Iterable[str]) -> list[Source]:
        return [self.sources[key] for key in dict.fromkeys(keys) if key in self.sources]

    def counts(self) -> dict[str, int]:
        return {
            "factors": len(self.factors),
            "negative": len(self.negatives),
            "success": len(self.successes),
            "lessons": len(self.lessons),
            "sources": len(self.sources),
            "triggers": sum(len(f.triggers) for f in self.factors.values()),
            "sector mixes": len(self.sector_mixes),
        }

    def find_file(self, name: str) -> list[Path]:
        """Every copy of a named data file, ours first, so later directories can override."""
        return [d / name for d in self.directories if (d / name).is_file()]


def _load_taxonomy(path: Path) -> dict[str, TaxonomyEntry]:
    data = read_yaml(path)
    out: dict[str, TaxonomyEntry] = {}
    for index, item in _entries(path, data):
        entry = _validate(TaxonomyEntry, item, path, _entry_name(index, item))
        if entry.id in out:
            raise KnowledgeError(path, entry.id, "id", "duplicate id")
        out[entry.id] = entry
    return out


def _load_factors(directory: Path, base: dict[str, Factor], origin: dict[str, Path]) -> dict[str, Factor]:
    """Factor files in a later directory add new factors or override fields of existing ones."""
    factors = dict(base)
    seen_here: dict[str, Path] = {}
    for path in sorted((directory / "factors").glob("*.yaml")):
        for index, item in _entries(path, read_yaml(path)):
            name = _entry_name(index, item)
            if name in seen_here:
                raise KnowledgeError(path, name, "id", f"duplicate id (also in {seen_here[name].name})")
            merged = {**factors[name].model_dump(mode="json"), **item} if name in factors else item
            factor = _validate(Factor, merged, path, name)
            seen_here[factor.id] = path
            origin[factor.id] = path
            factors[factor.id] = factor
    return factors


def _load_keyed(
    paths: list[Path], model: type[M], key: str, base: dict[str, M]
) -> tuple[dict[str, M], dict[str, Path]]:
    out = dict(base)
    origin: dict[str, Path] = {}
    seen: dict[str, Path] = {}
    for path in paths:
        for index, item in _entries(path, read_yaml(path) or []):
            name = _entry_name(index, item, key)
            if name in seen:
                raise KnowledgeError(path, name, key, f"duplicate {key} (also in {seen[name].name})")
            value = _validate(model, item, path, name)
            seen[name] = path
            origin[name] = path
            out[name] = value
    return out, origin


def load_knowledge(extra_dirs: Iterable[Path | str] = (), base_dir: Path | None = None) -> KnowledgeBase:
    """Read and cross-check everything; raise `KnowledgeError` at the first problem."""
    directories = [base_dir or default_knowledge_dir(), *(Path(d) for d in extra_dirs)]
    for directory in directories:
        if not directory.is_dir():
            raise KnowledgeError(directory, None, None, "knowledge directory not found")
    taxonomy_path = directories[0] / "taxonomy.yaml"
    if not taxonomy_path.is_file():
        raise KnowledgeError(taxonomy_path, None, None, "taxonomy file not found")
    taxonomy = _load_taxonomy(taxonomy_path)

    factors: dict[str, Factor] = {}
    factor_origin: dict[str, Path] = {}
    lessons: dict[str, Lesson] = {}
    lesson_origin: dict[str, Path] = {}
    sources: dict[str, Source] = {}
    mixes: list[SectorMix] = []
    for directory in directories:
        factors = _load_factors(directory, factors, factor_origin)
        lessons, origin = _load_keyed(sorted((directory / "lessons").glob("*.yaml")), Lesson, "id", lessons)
        lesson_origin.update(origin)
        source_files = [directory / "sources.yaml"] if (directory / "sources.yaml").is_file() else []
        sources, _ = _load_keyed(source_files, Source, "key", sources)
        mix_path = directory / "sector-mixes.yaml"
        if mix_path.is_file():
            for index, item in _entries(mix_path, read_yaml(mix_path) or []):
                mixes.append(_validate(SectorMix, item, mix_path, f"#{index}"))

    kb = KnowledgeBase(factors, lessons, sources, mixes, taxonomy, directories)
    _cross_check(kb, factor_origin, lesson_origin, directories)
    return kb


def _cross_check(
    kb: KnowledgeBase, factor_origin: dict[str, Path], lesson_origin: dict[str, Path], dirs: list[Path]
) -> None:
    factors_dir = dirs[0] / "factors"
    for required in kb.taxonomy.values():
        factor = kb.factors.get(required.id)
        if factor is None:
            raise KnowledgeError(factors_dir, required.id, None, "taxonomy id missing from the knowledge base")
        path = factor_origin[factor.id]
        for name in ("kind", "complements", "sources"):
            if getattr(factor, name) != getattr(required, name):
                raise KnowledgeError(path, factor.id, name, f"must be {getattr(required, name)!r} as in the taxonomy")
    for factor in kb.factors.values():
        path = factor_origin[factor.id]
        if factor.complements not in kb.factors:
            raise KnowledgeError(path, factor.id, "complements", f"unknown factor id '{factor.complements}'")
        for key in factor.sources:
            if key not in kb.sources:
                raise KnowledgeError(path, factor.id, "sources", f"unknown source key '{key}'")
    for lesson in kb.lessons.values():
        for factor_id in lesson.factors:
            if factor_id not in kb.factors:
                raise KnowledgeError(lesson_origin[lesson.id], lesson.id, "factors", f"unknown factor id '{factor_id}'")
    for index, mix in enumerate(kb.sector_mixes, start=1):
        for factor_id in mix.factors:
            if factor_id not in kb.factors:
                raise KnowledgeError("sector-mixes.yaml", f"#{index}", "factors", f"unknown factor id '{factor_id}'")
    for factor in kb.factors.values():
        if not kb.lessons_for(factor.id):
            raise KnowledgeError(factor_origin[factor.id], factor.id, None, "no illustrative lesson names this factor")


@lru_cache(maxsize=8)
def _cached(extra: tuple[str, ...]) -> KnowledgeBase:
    from bot.kb import snapshot

    directories = [default_knowledge_dir(), *(Path(d) for d in extra)]
    key = snapshot.fingerprint([d for d in directories if d.is_dir()], ["kb"])
    kb = snapshot.load("knowledge", key)
    if not isinstance(kb, KnowledgeBase):
        kb = load_knowledge(extra)
        snapshot.save("knowledge", key, kb)
    return kb


def get_knowledge(extra_dir: Path | str | None = None) -> KnowledgeBase:
    """The process-wide knowledge base (loaded once; it is read-only)."""
    return _cached((str(extra_dir),) if extra_dir else ())
