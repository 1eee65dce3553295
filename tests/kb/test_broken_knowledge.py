"""A broken knowledge file fails with an error naming the file, the entry and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.kb.loader import KnowledgeError, default_knowledge_dir, load_knowledge


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), target)
    return target


def _edit_yaml(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_unknown_factor_id_in_a_lesson(copy: Path) -> None:
    lessons = sorted((copy / "lessons").glob("*.yaml"))[0]
    _edit_yaml(lessons, lambda data: data[0].update(factors=["no-such-factor"]))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(base_dir=copy)
    error = caught.value
    assert error.file.endswith(lessons.name) and error.field == "factors" and "no-such-factor" in str(error)


def test_missing_taxonomy_id(copy: Path) -> None:
    (copy / "factors" / "bureaucracy.yaml").unlink()
    with pytest.raises(KnowledgeError, match="bureaucracy.*taxonomy id missing"):
        load_knowledge(base_dir=copy)


def test_duplicate_id(copy: Path) -> None:
    shutil.copy(copy / "factors" / "bureaucracy.yaml", copy / "factors" / "zz-copy.yaml")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(base_dir=copy)
    assert caught.value.entry == "bureaucracy" and "duplicate" in str(caught.value)


def test_missing_field(copy: Path) -> None:
    path = copy / "factors" / "lack-of-trust.yaml"
    _edit_yaml(path, lambda data: data.pop("warning_signs"))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(base_dir=copy)
    assert (caught.value.entry, caught.value.field) == ("lack-of-trust", "warning_signs")
    assert caught.value.file.endswith("lack-of-trust.yaml") and "missing" in str(caught.value)


def test_too_few_triggers(copy: Path) -> None:
    _edit_yaml(copy / "factors" / "lack-of-trust.yaml", lambda data: data.update(triggers=data["triggers"][:5]))
    with pytest.raises(KnowledgeError, match="lack-of-trust.*triggers"):
        load_knowledge(base_dir=copy)


def test_kind_must_match_the_taxonomy(copy: Path) -> None:
    _edit_yaml(copy / "factors" / "lack-of-trust.yaml", lambda data: data.update(kind="success"))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(base_dir=copy)
    assert caught.value.field == "kind"


def test_bad_yaml(copy: Path) -> None:
    (copy / "factors" / "lack-of-trust.yaml").write_text("id: lack-of-trust\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"lack-of-trust.yaml: bad YAML at line \d"):
        load_knowledge(base_dir=copy)


def test_unknown_source_key(copy: Path) -> None:
    _edit_yaml(copy / "sources.yaml", lambda data: data.pop(0))  # drops zwisler2024
    with pytest.raises(KnowledgeError, match="unknown source key 'zwisler2024'"):
        load_knowledge(base_dir=copy)
