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


# =========================================================================== more simulators
#
# Real commercial spinners do not pick rare Moby words: they ship curated tables of *fluent*,
# common swaps ("said" -> "stated"), multiword phrase swaps ("currently" -> "at the moment") and
# swap words inside names ("Downing Street" -> "Downing Avenue"). The simulators below imitate
# those styles. All are registered in :data:`SIMULATORS` and share :class:`SpunText`.

DEFAULT_MYTHES = Path("/usr/share/mythes/th_en_US_v2.dat")
FLUENT_MIN_ZIPF = 4.0
FLUENT_MAX_SYNONYMS = 8
# mythes annotations whose synonym is not a same-meaning swap (kept: plain and "similar term").
_MYTHES_SKIP = ("(antonym)", "(generic term)", "(related term)")


def read_mythes(path: str | Path = DEFAULT_MYTHES) -> dict[str, tuple[str, ...]]:
    """Parse a MyThes ``.dat`` file: ``{lower-case headword: synonyms in file order}``.

    Format: an encoding line, then entries ``word|n`` followed by ``n`` lines
    ``(pos)|syn|syn|...``; a synonym may carry an annotation such as ``(generic term)``.
    Capitalised headwords and synonyms (names) and antonym/generic/related terms are dropped.
    """
    p = Path(path)
    if not p.is_file():
        raise ThesaurusMissingError(
            f"MyThes thesaurus not found at {p}: install it with `apt-get install mythes-en-us`"
        )
    lines = p.read_text(encoding="utf-8", errors="replace").splitlines()
    out: dict[str, dict[str, None]] = {}
    i = 1
    while i < len(lines):
        head, _, count = lines[i].rpartition("|")
        i += 1
        try:
            n = int(count)
        except ValueError:
            continue
        senses, i = lines[i : i + n], i + n
        if not head or head[:1].isupper() or not head.replace(" ", "").replace("-", "").isalpha():
            continue
        syns = out.setdefault(head.lower(), {})
        for sense in senses:
            for syn in sense.split("|")[1:]:
                syn = syn.strip()
                if syn.endswith(")"):  # an annotation (checked first: most synonyms carry none)
                    if syn.endswith(_MYTHES_SKIP):
                        continue
                    if syn.endswith("(similar term)"):
                        syn = syn[: -len("(similar term)")].strip()
                if syn and not syn[:1].isupper() and syn.lower() != head.lower():
                    syns[syn] = None
    return {k: tuple(v) for k, v in out.items() if v}


def _zipf_or_fail() -> Callable[[str], float]:
    zipf = _zipf()
    if zipf is None:  # pragma: no cover - wordfreq is a dependency of unspin
        raise RuntimeError("wordfreq is needed for the fluent simulators")
    return zipf


def _memoised(f: Callable[[str], float]) -> Callable[[str], float]:
    """``f`` with its answers kept for the life of the returned function (wordfreq's lookup
    tokenises each word: the fluent table asks for the same words tens of thousands of times)."""
    seen: dict[str, float] = {}

    def g(word: str) -> float:
        v = seen.get(word)
        if v is None:
            v = seen[word] = f(word)
        return v

    return g


def fluent_table(
    path: str | Path = DEFAULT_MYTHES,
    *,
    min_zipf: float = FLUENT_MIN_ZIPF,
    max_synonyms: int = FLUENT_MAX_SYNONYMS,
) -> dict[str, tuple[str, ...]]:
    """MyThes synonyms kept only when every word of them is common (Zipf >= ``min_zipf``).

    Each headword keeps its ``max_synonyms`` most frequent replacements, as a curated
    commercial table would. Multiword replacements ("at the moment") are kept.
    """
    zipf = _memoised(_zipf_or_fail())
    table: dict[str, tuple[str, ...]] = {}
    for head, syns in read_mythes(path).items():
        if " " in head or head in STOPWORDS:
            continue
        good = [
            s
            for s in syns
            if s.lower() not in STOPWORDS
            and all(w.isalpha() for w in s.split())
            and min(zipf(w) for w in s.split()) >= min_zipf
        ]
        if good:
            good.sort(key=lambda s: -min(zipf(w) for w in s.split()))
            table[head] = tuple(good[:max_synonyms])
    return table


def _fluent_spinner(table: Mapping[str, Sequence[str]], min_zipf: float = FLUENT_MIN_ZIPF) -> Spinner:
    zipf = _zipf_or_fail()
    return Spinner(table, known_word=lambda w: zipf(w) >= min_zipf, word_weight=_common_weight(zipf))


# A hand-written table of phrase swaps of the kind commercial spinners ship (both directions
# where they make sense). Keys are lower-case; replacements keep the first letter's case.
PHRASE_SWAPS: dict[str, tuple[str, ...]] = {
    "currently": ("at the moment", "right now", "presently"),
    "at the moment": ("currently", "right now"),
    "because of": ("due to", "owing to", "on account of"),
    "due to": ("because of", "owing to"),
    "a lot of": ("plenty of", "a great deal of", "lots of"),
    "lots of": ("a lot of", "plenty of"),
    "more than": ("over", "in excess of", "greater than"),
    "less than": ("under", "fewer than"),
    "in order to": ("so as to", "to be able to"),
    "as well as": ("along with", "together with"),
    "for example": ("for instance", "as an example"),
    "for instance": ("for example",),
    "however": ("nonetheless", "nevertheless", "even so"),
    "although": ("even though", "despite the fact that"),
    "even though": ("although", "despite the fact that"),
    "in addition": ("furthermore", "moreover", "additionally"),
    "also": ("additionally", "as well", "too"),
    "without": ("with out", "lacking"),
    "about": ("approximately", "around", "roughly"),
    "around": ("approximately", "about"),
    "at least": ("no less than", "a minimum of"),
    "at the same time": ("simultaneously", "concurrently"),
    "in the past": ("previously", "formerly"),
    "in the future": ("down the road", "later on"),
    "as a result": ("consequently", "therefore", "thus"),
    "so far": ("up to now", "thus far"),
    "this year": ("this 12 months", "the current year"),
    "last year": ("final yr", "the previous year"),
    "next year": ("the coming year", "subsequent yr"),
    "a number of": ("a variety of", "several"),
    "a few": ("some", "a small number of"),
    "many": ("numerous", "a lot of", "plenty of"),
    "some": ("a few", "certain"),
    "most": ("the majority of", "nearly all"),
    "said": ("stated", "mentioned", "stated that"),
    "says": ("states", "mentions"),
    "told": ("advised", "informed"),
    "people": ("individuals", "folks"),
    "company": ("corporate", "firm", "business"),
    "companies": ("firms", "businesses"),
    "government": ("authorities", "administration"),
    "according to": ("in accordance with", "as per"),
    "in fact": ("actually", "in reality"),
    "at all": ("in any respect", "whatsoever"),
    "such as": ("like", "including"),
    "set up": ("arrange", "establish"),
    "find out": ("discover", "learn"),
    "take part": ("participate", "partake"),
    "take place": ("happen", "occur"),
    "look at": ("examine", "have a look at"),
    "make sure": ("ensure", "be certain"),
    "as soon as": ("once", "the moment"),
    "in the end": ("ultimately", "finally"),
    "on the other hand": ("then again", "alternatively"),
    "to be": ("to become", "to turn into"),
    "will be": ("shall be", "might be"),
    "would be": ("could be", "can be"),
    "is expected to": ("is anticipated to", "is predicted to"),
    "is going to": ("will", "is about to"),
    "a big": ("a huge", "a large"),
    "big": ("huge", "massive"),
    "laws": ("legal guidelines", "regulations"),
    "bill": ("invoice",),
    "match": ("suit", "fit"),
    "film": ("movie", "picture"),
}


def _phrase_re(keys: Sequence[str]) -> re.Pattern[str]:
    alts = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’-])(?:{alts})(?![\w'’-])", re.IGNORECASE)


# Capitalised multiword names: two or more Capitalised words in a row (single spaces).
_NAME_RE = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?:\s[A-Z][a-z]+)+(?![\w'’-])")
# Words that make good swaps inside names, beyond the fluent table ("Street" -> "Avenue").
NAME_SWAPS: dict[str, tuple[str, ...]] = {
    "street": ("avenue", "road", "lane"),
    "house": ("home", "residence"),
    "standard": ("normal", "typical"),
    "united": ("joined", "unified"),
    "kingdom": ("realm",),
    "league": ("association", "alliance"),
    "party": ("celebration", "get together"),
    "bank": ("financial institution", "lender"),
    "office": ("workplace", "bureau"),
    "union": ("association", "alliance"),
    "national": ("nationwide", "countrywide"),
    "general": ("common", "basic"),
    "world": ("globe", "earth"),
    "cup": ("mug",),
    "new": ("brand new", "novel"),
    "home": ("house", "residence"),
    "court": ("courtroom", "tribunal"),
    "council": ("board", "assembly"),
    "service": ("provider", "support"),
    "health": ("well being", "wellness"),
    "oil": ("petroleum",),
    "park": ("garden", "playground"),
    "city": ("metropolis", "town"),
    "trade": ("commerce", "business"),
    "commission": ("fee", "payment"),
    "association": ("affiliation", "organization"),
    "minister": ("priest", "pastor"),
    "prime": ("top", "major"),
    "secretary": ("assistant", "clerk"),
    "open": ("unlock", "uncovered"),
    "royal": ("regal", "imperial"),
    "games": ("video games", "matches"),
    "awards": ("prizes", "honors"),
    "stock": ("inventory", "stockpile"),
    "common": ("widespread", "frequent"),
    "exchange": ("change", "swap"),
    "times": ("instances", "occasions"),
    "news": ("information", "reports"),
    "foreign": ("overseas", "international"),
    "home office": ("residence workplace",),
}


class SpanSpinner:
    """A seeded spinner over *spans*: table phrases, components of names, then single words.

    ``phrases`` maps lower-case phrases (or words) to replacements; ``names`` maps lower-case
    name components ("street") to replacements used only inside Capitalised multiword names;
    ``words`` is a single-word :class:`Spinner` that fills the rest. A spin picks
    ``round(rate * eligible)`` units, where *eligible* counts every phrase match, name
    component and spinnable single word that do not overlap. Units of the preferred kind
    (``prefer``: "phrases" or "names") are chosen first, then the others at random, so the
    style shows even at low rates. Every substitution is recorded with offsets into the spun
    text, as :meth:`Spinner.spin` does.
    """

    def __init__(
        self,
        *,
        phrases: Mapping[str, Sequence[str]] | None = None,
        names: Mapping[str, Sequence[str]] | None = None,
        words: Spinner | None = None,
        prefer: Literal["phrases", "names"] = "phrases",
    ) -> None:
        self._phrases = {k.lower(): tuple(v) for k, v in (phrases or {}).items() if v}
        self._phrase_re = _phrase_re(list(self._phrases)) if self._phrases else None
        self._names = {k.lower(): tuple(v) for k, v in (names or {}).items() if v}
        self._words = words
        self.prefer = prefer

    def __len__(self) -> int:
        return len(self._phrases) + len(self._names) + (len(self._words) if self._words else 0)

    def _units(
        self, text: str
    ) -> tuple[list[tuple[int, int, str, tuple[str, ...]]], list[tuple[int, int, str, tuple[str, ...]]]]:
        """(preferred units, other units), each ``(start, end, surface, candidates)``, non-overlapping."""
        taken: list[tuple[int, int]] = []

        def free(s: int, e: int) -> bool:
            return all(e <= a or s >= b for a, b in taken)

        phrase_units: list[tuple[int, int, str, tuple[str, ...]]] = []
        name_units: list[tuple[int, int, str, tuple[str, ...]]] = []
        if self._names:
            for m in _NAME_RE.finditer(text):
                for w in re.finditer(r"[A-Za-z]+", m.group(0)):
                    cands = self._names.get(w.group(0).lower())
                    s, e = m.start() + w.start(), m.start() + w.end()
                    if cands and free(s, e):
                        name_units.append((s, e, w.group(0), cands))
                        taken.append((s, e))
        if self._phrase_re is not None:
            for m in self._phrase_re.finditer(text):
                surface = m.group(0)
                if not (surface.islower() or (surface[:1].isupper() and surface[1:].islower())):
                    continue
                if surface[:1].isupper() and not (
                    m.start() == 0 or _SENT_START_RE.search(text[max(0, m.start() - 8) : m.start()])
                ):
                    continue
                key = " ".join(surface.lower().split())
                cands = self._phrases.get(key)
                if cands and free(m.start(), m.end()):
                    phrase_units.append((m.start(), m.end(), surface, cands))
                    taken.append((m.start(), m.end()))
        word_units: list[tuple[int, int, str, tuple[str, ...]]] = []
        if self._words is not None:
            for m in _WORD_RE.finditer(text):
                surface = m.group(0)
                if not self._words._is_eligible_form(text, m.start(), surface):
                    continue
                low = surface.lower()
                if low in STOPWORDS or len(low) < 3 or not free(m.start(), m.end()):
                    continue
                cands = self._words.synonyms(low)
                if cands:
                    word_units.append((m.start(), m.end(), surface, cands))
        if self.prefer == "names":
            return name_units, phrase_units + word_units
        return phrase_units, name_units + word_units

    def spin(self, text: str, *, rate: float, seed: int) -> SpunText:
        """Replace ``round(rate * eligible)`` units; deterministic for ``(text, rate, seed)``."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be in [0, 1], got {rate}")
        preferred, others = self._units(text)
        n = len(preferred) + len(others)
        rng = random.Random(seed)
        k = min(n, round(rate * n))
        first = rng.sample(range(len(preferred)), min(k, len(preferred)))
        rest = rng.sample(range(len(others)), k - len(first))
        chosen = sorted([preferred[i] for i in first] + [others[i] for i in rest])
        zipf = _zipf()
        parts: list[str] = []
        subs: list[Substitution] = []
        pos = out_len = 0
        for start, end, surface, cands in chosen:
            if zipf is None:
                pick = cands[rng.randrange(len(cands))]
            else:
                weights = [max(1.0, 10 ** (min(zipf(w) for w in c.split()) / 2)) for c in cands]
                pick = rng.choices(cands, weights=weights)[0]
            replacement = match_case(surface, pick)
            chunk = text[pos:start]
            parts.append(chunk)
            out_len += len(chunk)
            subs.append(Substitution(out_len, out_len + len(replacement), surface, replacement))
            parts.append(replacement)
            out_len += len(replacement)
            pos = end
        parts.append(text[pos:])
        return SpunText("".join(parts), tuple(subs), n)

    unspin = staticmethod(Spinner.unspin)


def fluent_mythes(path: str | Path = DEFAULT_MYTHES) -> Spinner:
    """Fluent common-word swaps from MyThes (every replacement word Zipf >= 4), inflection kept."""
    return _fluent_spinner(fluent_table(path))


def phrase_spinner(path: str | Path = DEFAULT_MYTHES) -> SpanSpinner:
    """:data:`PHRASE_SWAPS` first, mixed with fluent single-word MyThes swaps."""
    return SpanSpinner(phrases=PHRASE_SWAPS, words=fluent_mythes(path), prefer="phrases")


def name_spinner(path: str | Path = DEFAULT_MYTHES) -> SpanSpinner:
    """Swaps of common-word components inside Capitalised multiword names, then fluent words."""
    table = fluent_table(path)
    names = {k: v for k, v in table.items() if "-" not in k}
    names.update(NAME_SWAPS)
    return SpanSpinner(names=names, words=_fluent_spinner(table), prefer="names")


SpinnerLike = Spinner | SpanSpinner
SIMULATORS: dict[str, Callable[[], SpinnerLike]] = {
    "moby-rare": lambda: Spinner.from_aiksaurus(weighting="uniform"),
    "moby-common": lambda: Spinner.from_aiksaurus(weighting="common"),
    "fluent-mythes": fluent_mythes,
    "phrases": phrase_spinner,
    "names": name_spinner,
}


def make_simulator(name: str) -> SpinnerLike:
    """Build the registered simulator ``name`` (see :data:`SIMULATORS`)."""
    try:
        factory = SIMULATORS[name]
    except KeyError:
        raise ValueError(f"unknown simulator {name!r}; known: {', '.join(SIMULATORS)}") from None
    return factory()
