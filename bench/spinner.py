"""A content-farm "article spinner" simulator, for testing and benchmarking unspin.

Content farms run articles through spinners that swap words for thesaurus synonyms, leaving
names, numbers and function words alone. This module does the same, with a thesaurus that is
deliberately *not* the detector's: unspin ranks candidate originals with WordNet, so a
simulator built on WordNet would let the detector invert exactly the table that made the
substitutions. Here the synonyms come from the Moby thesaurus instead.

Synonym source
--------------
The Moby thesaurus (Grady Ward, public domain) as packaged by Debian's
``libaiksaurus-1.2-data`` (``apt-get install libaiksaurus-1.2-data``), installed as two
binary files in ``/usr/share/aiksaurus``:

``words.dat``
    A sequence of entries, one per headword, in file order. Each entry is the word as
    Latin-1 bytes, terminated by ``\\0`` (multiword entries use ``:`` for spaces, e.g.
    ``give:up``), followed by big-endian ``uint16`` *meaning ids*, terminated by ``0xFFFF``.
    There is no padding between the ``\\0`` and the first id. A word's *word id* is the index
    of its entry in the file (0-based).
``meanings.dat``
    A sequence of meanings, each a list of big-endian ``uint16`` word ids terminated by
    ``0xFFFF``; a meaning's id is its index. The first two ids of a list are the meaning's
    "title" words and are repeated in the sorted list that follows, so lists are deduplicated.

The synonyms of a word are the union of the words of all its meanings, minus the word itself,
minus capitalised entries (proper names).

Spinning
--------
``Spinner.spin`` tokenizes with a regex (keeping offsets), picks the *eligible* words
(lower-case, alphabetic, not a stopword, with at least one synonym), chooses
``round(rate * eligible)`` of them at random (seeded) and replaces each with a random
synonym: a single word usually, a multiword synonym about 20% of the time. Inflected words
(-s, -ed, -ing, -ly) are looked up directly when the thesaurus has the inflected form;
otherwise their base form's synonyms are inflected naïvely ("quickly" -> "fastly" is what
real spinners produce too). The original's capitalisation pattern is kept. Every
substitution is recorded with offsets into the spun text.
"""

from __future__ import annotations

import random
import re
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DEFAULT_AIKSAURUS = Path("/usr/share/aiksaurus")
MULTIWORD_SHARE = 0.2

# Words with letters and inner apostrophes/hyphens; only purely alphabetic ones are eligible.
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# A capitalised word counts as sentence-initial when only space/quotes separate it from . ! ? or the start.
_SENT_START_RE = re.compile(r"(?:^|[.!?][\"'”’)\]]*\s+|\n\s*\n)[\"'“‘(\[]*$")

_STOPWORDS_TEXT = """
    a about above after again against all also although am among an and another any are as at
    be because been before being below between both but by can cannot could did do does doing
    done down during each either else even ever every few for from further had has have having
    he her here hers herself him himself his how however i if in into is it its itself just
    least less let like many may me might more most much must my myself neither no nor not now
    of off often on once one only onto or other others our ours ourselves out over own per
    perhaps quite rather same shall she should since so some such than that the their theirs
    them themselves then there therefore these they this those though through thus to too
    toward towards under until up upon us very via was we well were what whatever when where
    whether which while who whom whose why will with within without would yet you your yours
    yourself yourselves said says say mr mrs ms
    zero two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty
    hundred thousand million billion trillion first second third fourth fifth sixth seventh
    eighth ninth tenth half twice
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORDS_TEXT.split())

_SUFFIXES = ("ing", "ed", "ly", "s")


class ThesaurusMissingError(FileNotFoundError):
    """Raised when the Moby/aiksaurus data files are not installed."""


@dataclass(frozen=True)
class Substitution:
    """One replaced word: ``start``/``end`` are offsets into the *spun* text."""

    start: int
    end: int
    original: str
    replacement: str


@dataclass(frozen=True)
class SpunText:
    """The result of spinning a text.

    ``eligible`` is how many words could have been replaced; ``substitutions`` are in text order.
    """

    text: str
    substitutions: tuple[Substitution, ...]
    eligible: int


def read_aiksaurus(
    path: str | Path = DEFAULT_AIKSAURUS,
) -> tuple[list[str], list[tuple[int, ...]], list[tuple[int, ...]]]:
    """Parse ``words.dat`` and ``meanings.dat``.

    Returns ``(words, word_meanings, meaning_words)``: the headwords (``:`` turned into spaces),
    each word's meaning ids, and each meaning's deduplicated word ids.
    """
    root = Path(path)
    words_path, meanings_path = root / "words.dat", root / "meanings.dat"
    if not words_path.is_file() or not meanings_path.is_file():
        raise ThesaurusMissingError(
            f"Moby thesaurus not found in {root} (need words.dat and meanings.dat): "
            "install it with `apt-get install libaiksaurus-1.2-data`"
        )
    wdata = words_path.read_bytes()
    mdata = meanings_path.read_bytes()

    words: list[str] = []
    word_meanings: list[tuple[int, ...]] = []
    i, n = 0, len(wdata)
    while i < n:
        j = wdata.index(b"\0", i)
        word = wdata[i:j].decode("latin-1").replace(":", " ")
        i = j + 1
        ids: list[int] = []
        while True:
            (v,) = struct.unpack_from(">H", wdata, i)
            i += 2
            if v == 0xFFFF:
                break
            ids.append(v)
        words.append(word)
        word_meanings.append(tuple(ids))

    meaning_words: list[tuple[int, ...]] = []
    cur: list[int] = []
    for (v,) in struct.iter_unpack(">H", mdata[: len(mdata) - len(mdata) % 2]):
        if v == 0xFFFF:
            meaning_words.append(tuple(dict.fromkeys(cur)))
            cur = []
        else:
            cur.append(v)
    return words, word_meanings, meaning_words


def match_case(template: str, word: str) -> str:
    """Give ``word`` the capitalisation pattern of ``template`` (lower, Title, or UPPER)."""
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def base_forms(word: str, suffix: str) -> list[str]:
    """Candidate base forms of ``word`` that ends in ``suffix`` (naïve English morphology)."""
    stem = word[: -len(suffix)]
    out: list[str] = []
    if suffix == "s":
        if word.endswith("ies"):
            out.append(word[:-3] + "y")
        if word.endswith("es"):
            out.append(word[:-2])
        out.append(stem)
    elif suffix in ("ed", "ing"):
        if suffix == "ed" and word.endswith("ied"):
            out.append(word[:-3] + "y")
        out.append(stem)
        out.append(stem + "e")
        if len(stem) > 2 and stem[-1] == stem[-2]:
            out.append(stem[:-1])
    elif suffix == "ly":
        if word.endswith("ily"):
            out.append(word[:-3] + "y")
        out.append(stem)
        if word.endswith("ally"):
            out.append(word[:-4])
    return [b for b in out if len(b) >= 2]


def inflect(base: str, suffix: str) -> str:
    """Add ``suffix`` to ``base`` naïvely (e-drop, y->i); no consonant doubling."""
    vowels = "aeiou"
    if suffix == "s":
        if base.endswith(("s", "x", "z", "ch", "sh")):
            return base + "es"
        if base.endswith("y") and len(base) > 1 and base[-2] not in vowels:
            return base[:-1] + "ies"
        return base + "s"
    if suffix in ("ed", "ing"):
        if base.endswith("e"):
            return base[:-1] + suffix if suffix == "ing" else base + "d"
        if suffix == "ed" and base.endswith("y") and len(base) > 1 and base[-2] not in vowels:
            return base[:-1] + "ied"
        return base + suffix
    if suffix == "ly":
        if base.endswith("y") and len(base) > 1 and base[-2] not in vowels:
            return base[:-1] + "ily"
        if base.endswith("le"):
            return base[:-1] + "y"
        return base + "ly"
    return base + suffix


def _zipf() -> Callable[[str], float] | None:
    """wordfreq's Zipf frequency (0 = unknown word), or None when wordfreq is not installed."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - wordfreq is a dependency of unspin
        return None

    def zipf(word: str) -> float:
        return float(zipf_frequency(word, "en"))

    return zipf


def _common_weight(zipf: Callable[[str], float]) -> Callable[[str], float]:
    """Weight ~ sqrt(frequency) of the rarest word of a replacement, at least 1."""

    def weight(replacement: str) -> float:
        return max(1.0, 10 ** (min(zipf(w) for w in replacement.split()) / 2))

    return weight


class Spinner:
    """A seeded thesaurus spinner. Build it with :meth:`from_aiksaurus` or from a synonym map."""

    def __init__(
        self,
        synonyms: Mapping[str, Sequence[str]],
        *,
        sentence_initial: bool = False,
        known_word: Callable[[str], bool] | None = None,
        word_weight: Callable[[str], float] | None = None,
    ) -> None:
        """``synonyms`` maps a lower-case word to its synonyms (multiword ones contain spaces).

        With ``sentence_initial=True``, capitalised words at the start of a sentence are eligible
        too (their capital is kept); by default only lower-case words are, so names stay.
        ``known_word`` filters naïvely inflected synonyms ("tryout" + "ed" is not a word); by
        default every inflected form is accepted. ``word_weight`` weights the random choice among
        a word's synonyms; by default the choice is uniform.
        """
        self._synonyms = synonyms
        self.sentence_initial = sentence_initial
        self._known_word = known_word
        self._word_weight = word_weight
        self._cache: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._weights: dict[str, float] = {}

    @classmethod
    def from_aiksaurus(
        cls,
        path: str | Path = DEFAULT_AIKSAURUS,
        *,
        sentence_initial: bool = False,
        weighting: Literal["uniform", "common"] = "uniform",
    ) -> Spinner:
        """Load the Moby thesaurus from the aiksaurus data files in ``path``.

        Naïvely inflected synonyms are kept only when ``wordfreq`` (a dependency of unspin) knows
        them as English words, as a real spinner's table would only hold real words.
        ``weighting="uniform"`` picks any synonym with equal chance; ``"common"`` favours common
        replacements (weight ~ sqrt of the wordfreq frequency), closer to commercial spinners,
        whose curated tables rarely offer words like "folderol".
        """
        if weighting not in ("uniform", "common"):
            raise ValueError(f"weighting must be 'uniform' or 'common', got {weighting!r}")
        words, word_meanings, meaning_words = read_aiksaurus(path)
        synonyms: dict[str, tuple[str, ...]] = {}
        for wid, word in enumerate(words):
            if not word or word[:1].isupper():
                continue
            syns: dict[str, None] = {}
            for mid in word_meanings[wid]:
                if mid >= len(meaning_words):
                    continue
                for other in meaning_words[mid]:
                    if other == wid or other >= len(words):
                        continue
                    cand = words[other]
                    if (
                        cand
                        and not cand[:1].isupper()
                        and cand.lower() != word.lower()
                        and cand.lower() not in STOPWORDS
                    ):
                        syns[cand] = None
            if syns:
                key = word.lower()
                merged = dict.fromkeys(synonyms.get(key, ()))
                merged.update(syns)
                synonyms[key] = tuple(sorted(merged))
        zipf = _zipf()
        known = (lambda w: zipf(w) > 0.0) if zipf is not None else None
        weight = _common_weight(zipf) if weighting == "common" and zipf is not None else None
        return cls(synonyms, sentence_initial=sentence_initial, known_word=known, word_weight=weight)

    def __len__(self) -> int:
        return len(self._synonyms)

    def synonyms(self, word: str) -> tuple[str, ...]:
        """All synonyms of the lower-case ``word`` as the spinner would use them (inflected)."""
        single, multi = self._candidates(word)
        return single + multi

    def _candidates(self, word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(single-word, multiword) replacement candidates for a lower-case word, cached."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        found: Sequence[str] = self._synonyms.get(word, ())
        if found:
            cands = list(found)
        else:
            cands = []
            for suffix in _SUFFIXES:
                if not word.endswith(suffix) or len(word) <= len(suffix) + 2:
                    continue
                for base in base_forms(word, suffix):
                    syns = self._synonyms.get(base, ())
                    if syns:
                        # Multiword synonyms are not inflected (where would the suffix go?).
                        cands = [inflect(s, suffix) for s in syns if " " not in s]
                        cands = [c for c in cands if c != word]
                        if self._known_word is not None:
                            cands = [c for c in cands if self._known_word(c)]
                        break
                if cands:
                    break
        single = tuple(dict.fromkeys(c for c in cands if " " not in c))
        multi = tuple(dict.fromkeys(c for c in cands if " " in c))
        self._cache[word] = (single, multi)
        return single, multi

    def _weight(self, replacement: str) -> float:
        """Cached ``word_weight`` of a replacement."""
        w = self._weights.get(replacement)
        if w is None:
            assert self._word_weight is not None
            w = self._weights[replacement] = self._word_weight(replacement)
        return w

    def _is_eligible_form(self, text: str, start: int, surface: str) -> bool:
        """Lower-case alphabetic words, or (optionally) a Capitalised sentence-initial one."""
        if not surface.isalpha():
            return False
        if surface.islower():
            return True
        if self.sentence_initial and surface[0].isupper() and surface[1:].islower():
            return _SENT_START_RE.search(text[max(0, start - 8) : start]) is not None or start == 0
        return False

    def spin(self, text: str, *, rate: float, seed: int) -> SpunText:
        """Replace ``round(rate * eligible)`` eligible words of ``text`` with synonyms.

        Deterministic for a given ``(text, rate, seed)``.
        """
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be in [0, 1], got {rate}")
        eligible: list[tuple[int, int, str]] = []
        for m in _WORD_RE.finditer(text):
            surface = m.group(0)
            if not self._is_eligible_form(text, m.start(), surface):
                continue
            low = surface.lower()
            if low in STOPWORDS or len(low) < 3:
                continue
            single, multi = self._candidates(low)
            if single or multi:
                eligible.append((m.start(), m.end(), surface))

        rng = random.Random(seed)
        k = min(len(eligible), round(rate * len(eligible)))
        chosen = sorted(rng.sample(range(len(eligible)), k))

        parts: list[str] = []
        subs: list[Substitution] = []
        pos = 0
        out_len = 0
        for idx in chosen:
            start, end, surface = eligible[idx]
            single, multi = self._candidates(surface.lower())
            pool = multi if multi and (not single or rng.random() < MULTIWORD_SHARE) else single
            if self._word_weight is None:
                pick = pool[rng.randrange(len(pool))]
            else:
                pick = rng.choices(pool, weights=[self._weight(c) for c in pool])[0]
            replacement = match_case(surface, pick)
            chunk = text[pos:start]
            parts.append(chunk)
            out_len += len(chunk)
            subs.append(Substitution(out_len, out_len + len(replacement), surface, replacement))
            parts.append(replacement)
            out_len += len(replacement)
            pos = end
        parts.append(text[pos:])
        return SpunText("".join(parts), tuple(subs), len(eligible))

    @staticmethod
    def unspin(spun: SpunText) -> str:
        """Undo the recorded substitutions (returns the original text); useful for checks."""
        parts: list[str] = []
        pos = 0
        for s in spun.substitutions:
            parts.append(spun.text[pos : s.start])
            parts.append(s.original)
            pos = s.end
        parts.append(spun.text[pos:])
        return "".join(parts)
