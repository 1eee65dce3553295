"""A disk cache of built objects (the validated knowledge base, the compiled matcher).

Building them reads and validates ~100 YAML files and indexes thousands of phrases, which would cost
about a second at every start of the command line. The cache is keyed by a fingerprint of every
knowledge file and of the code that builds it, so any edit rebuilds; a cache that cannot be read or
written is simply skipped.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from bot import __version__

CODE = Path(__file__).resolve().parents[1]


def cache_dir() -> Path:
    return Path(os.environ.get("PARTNERBOT_CACHE_DIR") or user_cache_dir("partnerbot", appauthor=False))


def fingerprint(directories: Iterable[Path], code_packages: Iterable[str]) -> str:
    """A digest of what the built object depends on: the knowledge files, and the code and data files
    of the packages that build it, by content (another checkout of the same files reuses the cache)."""
    digest = hashlib.sha256(f"{__version__}|{sys.version}".encode())
    for directory in directories:
        for path in sorted(Path(directory).rglob("*.yaml")):
            _add_file(digest, path, Path(directory))
    for package in code_packages:
        for path in sorted((CODE / package).iterdir()):
            if path.suffix in (".py", ".txt", ".json"):
                _add_file(digest, path, CODE)
    return digest.hexdigest()[:24]


def _add_file(digest: Any, path: Path, root: Path) -> None:
    stat = path.stat()
    digest.update(f"{path.relative_to(root).as_posix()}|".encode())
    digest.update(_content_digest(str(path), stat.st_size, stat.st_mtime_ns))


@lru_cache(maxsize=1024)
def _content_digest(path: str, size: int, mtime_ns: int) -> bytes:
    """A file's content digest, read once per process while the file is unchanged: the knowledge base
    and the matcher both fingerprint the same knowledge files at every start."""
    return hashlib.sha256(Path(path).read_bytes()).digest()


def load(name: str, key: str) -> Any | None:
    if os.environ.get("PARTNERBOT_NO_CACHE"):
        return None
    paused = gc.isenabled()
    gc.disable()  # tens of thousands of new long-lived objects would otherwise set off collection after collection
    try:
        with open(cache_dir() / f"{name}-{key}.pickle", "rb") as handle:
            return pickle.load(handle)
    except Exception:  # a missing, stale or unreadable cache is rebuilt, never an error
        return None
    finally:
        if paused:
            gc.enable()


def save(name: str, key: str, value: Any) -> None:
    if os.environ.get("PARTNERBOT_NO_CACHE"):
        return
    try:
        directory = cache_dir()
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob(f"{name}-*.pickle"):
            old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".tmp") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, directory / f"{name}-{key}.pickle")
    except Exception:  # caching is an optimisation; a read-only home must not stop the bot
        return
