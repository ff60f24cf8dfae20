"""Loaders for the evaluation data in ``../shared/data`` (never shipped with unspin).

The data lives beside the repository, not in it: ``<repo>/../shared/data``, or wherever the
``UNSPIN_SHARED`` environment variable points (the folder that holds ``data/``). Everything
here reads files only; nothing is copied into the project.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

PAIRS_FILE = "tortured-phrases-dev.csv"
BBC_FILE = "bbc-news.jsonl"
README_ORIGINAL = "spun-readme/original.md"
README_SPUN = "spun-readme/spun.md"

# Expected phrases longer than this (after dropping parentheticals) are notes, not phrases.
MAX_EXPECTED_WORDS = 6

_QUOTED_RE = re.compile(r'"([^"]+)"')
_BRACKETED_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_NON_WORD_RE = re.compile(r"[^\w]+")
_TRAILING_PAREN_RE = re.compile(r"\s*\(([^()]+)\)$")


def shared_dir(explicit: str | Path | None = None) -> Path:
    """The shared folder: ``explicit``, else ``$UNSPIN_SHARED``, else ``<repo>/../shared``."""
    if explicit is not None:
        return Path(explicit).resolve()
    env = os.environ.get("UNSPIN_SHARED")
    if env:
        return Path(env).resolve()
    return REPO_ROOT.parent / "shared"


def data_dir(shared: str | Path | None = None) -> Path:
    """The ``data/`` folder inside the shared folder (may not exist)."""
    return shared_dir(shared) / "data"


def have_data(shared: str | Path | None = None) -> bool:
    """True when the pairs, BBC and spun-readme files are all present."""
    d = data_dir(shared)
    return all((d / f).is_file() for f in (PAIRS_FILE, BBC_FILE, README_ORIGINAL, README_SPUN))


def file_digests(paths: Iterable[Path]) -> dict[str, str]:
    """``{file name: sha256 hex}`` for the given files, to pin which data a result came from."""
    out: dict[str, str] = {}
    for p in paths:
        h = hashlib.sha256()
        with open(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        out[p.name if p.parent.name == "data" else f"{p.parent.name}/{p.name}"] = h.hexdigest()
    return out


def normalise_phrase(text: str) -> str:
    """Comparison form: case-folded, punctuation and hyphens as spaces, whitespace collapsed."""
    return " ".join(_NON_WORD_RE.sub(" ", text.casefold()).split())


# --------------------------------------------------------------------------- tortured phrases


@dataclass(frozen=True)
class PhrasePair:
    """A tortured phrase and the phrase it replaced.

    ``expected`` is the canonical form (parentheticals dropped); ``accepted`` holds every form a
    suggestion may take to count as exact (canonical, and with bracketed content unbracketed).
    """

    tortured: str
    expected: str
    accepted: tuple[str, ...]
    num_papers: int


def tortured_from_query(query: str) -> str:
    """The tortured phrase of a search query: its first quoted phrase (or the bare query)."""
    m = _QUOTED_RE.search(query)
    phrase = m.group(1) if m else query
    return " ".join(phrase.split())


def expected_forms(expected: str) -> tuple[str, tuple[str, ...]]:
    """``(canonical, accepted forms)`` of an expected phrase.

    ``"back propagation (BP)"`` -> ``("back propagation", ("back propagation", "back propagation BP"))``;
    ``"[neural network] layer outputs"`` -> canonical ``"layer outputs"``, also accepting
    ``"neural network layer outputs"``. Quotes and backslashes are removed first.
    """
    clean = expected.replace("\\", "").replace('"', "").strip()
    canonical = " ".join(_BRACKETED_RE.sub(" ", clean).split())
    unbracketed = " ".join(re.sub(r"[()\[\]]", " ", clean).split())
    accepted = tuple(dict.fromkeys(x for x in (canonical, unbracketed) if x))
    return canonical, accepted


def _carry_acronym(tortured: str, canonical: str, accepted: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """Keep a tortured phrase's own trailing "(IT)" on the expected side too.

    ``"data technology (IT)"`` -> ``"information technology (IT)"``: spinners leave acronyms
    alone, so the clean text had the acronym as well.
    """
    m = _TRAILING_PAREN_RE.search(tortured)
    if not m or normalise_phrase(m.group(1)) in normalise_phrase(canonical):
        return canonical, accepted
    extra = m.group(1).strip()
    with_acr = f"{canonical} ({extra})"
    forms = [with_acr]
    for a in accepted:
        forms.append(a if normalise_phrase(extra) in normalise_phrase(a) else f"{a} {extra}")
    return with_acr, tuple(dict.fromkeys(forms))


def _int(text: str) -> int:
    digits = re.sub(r"[^\d]", "", text or "")
    return int(digits) if digits else 0


def load_pairs(data: Path) -> list[PhrasePair]:
    """Read ``tortured-phrases-dev.csv`` into cleaned, deduplicated pairs (file order).

    Dropped: rows whose expected phrase is a note rather than a phrase (a URL, or more than
    ``MAX_EXPECTED_WORDS`` words), and rows whose tortured and expected phrases are equal.
    Duplicates (same tortured and expected phrase, ignoring case) are merged.
    """
    seen: dict[tuple[str, str], int] = {}
    pairs: list[PhrasePair] = []
    with open(data / PAIRS_FILE, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            tortured = tortured_from_query(row["tortured_phrase"])
            canonical, accepted = expected_forms(row["expected_phrase"])
            canonical, accepted = _carry_acronym(tortured, canonical, accepted)
            if not tortured or not canonical or "http" in row["expected_phrase"]:
                continue
            if len(canonical.split()) > MAX_EXPECTED_WORDS:
                continue
            if normalise_phrase(tortured) == normalise_phrase(canonical):
                continue
            key = (tortured.casefold(), canonical.casefold())
            if key in seen:
                continue
            seen[key] = len(pairs)
            pairs.append(PhrasePair(tortured, canonical, accepted, _int(row.get("num_papers", ""))))
    return pairs


# --------------------------------------------------------------------------- BBC articles


@dataclass(frozen=True)
class Article:
    """One BBC News article."""

    id: str
    title: str
    text: str
    topic: str


def load_articles(data: Path) -> list[Article]:
    """Read ``bbc-news.jsonl`` (file order)."""
    out: list[Article] = []
    with open(data / BBC_FILE, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                out.append(Article(str(d["id"]), d.get("title", ""), d["text"], d.get("topic", "")))
    return out


def load_readme_case(data: Path) -> tuple[str, str]:
    """``(original, spun)`` texts of the real spun README case."""
    return (
        (data / README_ORIGINAL).read_text(encoding="utf-8"),
        (data / README_SPUN).read_text(encoding="utf-8"),
    )


def data_files(data: Path) -> list[Path]:
    """The evaluation files this benchmark reads, for digests."""
    return [data / PAIRS_FILE, data / BBC_FILE, data / README_ORIGINAL, data / README_SPUN]
