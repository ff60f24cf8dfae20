"""A corpus with known copy relations, shared by the engine tests (Spark parity, worker pool).

Synthetic news-like articles written by the project (no shared data): spun copies, verbatim
copies, a copy of a copy, a duplicate id, two independent reports of one story; and the
non-default settings the engines must agree at (``non_default_settings``, ``non_default_trace``).
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

from unspin.core.config import CheckConfig, TraceConfig
from unspin.core.detect import DetectorParams
from unspin.core.fingerprint import FingerprintParams
from unspin.core.odd_pairs import OddPairParams
from unspin.core.relation import RelationParams
from unspin.core.spin_evidence import SpinModel
from unspin.core.winnow import ContainmentParams
from unspin.spec import LexiconSpec

FIRST = ["Mark", "Sarah", "David", "Helen", "Rhys", "Priya", "Tom", "Claire", "Kofi", "Fiona", "Owen", "Nadia",
         "Gareth", "Aisha", "Colin", "Ruth"]
LAST = ["Hollis", "Pemberton", "Okafor", "Marsh", "Evans", "Shah", "Whitfield", "Dunmore", "Mensah", "Baird",
        "Carter", "Rahman", "Lloyd", "Begum", "Fraser", "Quinn"]
ORGS = ["Barclays", "Tesco", "Network Rail", "Ofcom", "Rolls-Royce", "Unilever", "Channel 4", "Aviva", "Centrica",
        "Arriva", "Severn Trent", "Greggs", "Serco", "Capita", "Halfords", "Rightmove"]
PLACES = ["Leeds", "Cardiff", "Glasgow", "Bristol", "Belfast", "Norwich", "Swansea", "York", "Derby", "Hull",
          "Exeter", "Dundee", "Preston", "Luton", "Bangor", "Carlisle"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "last week", "last month",
        "earlier this year", "in March", "in October"]
NOUNS = ["plan", "report", "deal", "market", "price", "service", "project", "budget", "fund", "strike", "contract",
         "network", "review", "scheme", "profit", "loss", "vote", "match", "season", "study", "council", "hospital",
         "factory", "school", "railway", "bridge", "station", "tax", "wage", "pension", "airport", "harbour",
         "library", "festival", "election", "inquiry", "merger", "licence", "tariff", "subsidy"]
PLURALS = ["workers", "passengers", "patients", "pupils", "residents", "shoppers", "voters", "farmers", "drivers",
           "tenants", "nurses", "teachers", "fans", "investors", "visitors", "families"]
ADJS = ["new", "big", "early", "final", "public", "local", "strong", "weak", "major", "recent", "costly",
        "controversial", "modest", "ambitious", "temporary", "national", "rural", "urgent"]
VERBS = [("announce", "announced"), ("reject", "rejected"), ("approve", "approved"), ("delay", "delayed"),
         ("launch", "launched"), ("cut", "cut"), ("raise", "raised"), ("criticise", "criticised"),
         ("welcome", "welcomed"), ("review", "reviewed"), ("block", "blocked"), ("fund", "funded"),
         ("expand", "expanded"), ("close", "closed"), ("defend", "defended"), ("scrap", "scrapped"),
         ("back", "backed"), ("question", "questioned")]
SWAPS = {
    "said": "stated", "expected": "anticipated", "plan": "arrangement", "report": "account", "deal": "bargain",
    "market": "showcase", "price": "cost", "service": "administration", "project": "undertaking",
    "budget": "spending plan", "fund": "reserve", "strike": "walkout", "contract": "agreement", "review": "survey",
    "scheme": "plot", "profit": "benefit", "loss": "misfortune", "vote": "ballot", "season": "period",
    "study": "investigation", "factory": "manufacturing plant", "school": "educational institution",
    "railway": "rail line", "wage": "compensation", "pension": "annuity", "inquiry": "request",
    "workers": "labourers", "passengers": "travellers", "patients": "clients", "pupils": "understudies",
    "residents": "occupants", "shoppers": "customers", "voters": "balloters", "drivers": "drivers",
    "big": "huge", "early": "untimely", "final": "last", "public": "open", "strong": "solid", "weak": "feeble",
    "major": "significant", "recent": "late", "costly": "expensive", "modest": "humble", "urgent": "earnest",
    "announced": "declared", "rejected": "dismissed", "approved": "endorsed", "delayed": "postponed",
    "launched": "propelled", "criticised": "censured", "welcomed": "invited", "closed": "shut",
    "defended": "shielded", "backed": "upheld", "questioned": "addressed", "expand": "grow", "block": "square",
}


def _np(rng: random.Random, ctx: dict) -> str:
    r = rng.random()
    if r < 0.25:
        return f"the {rng.choice(ADJS)} {rng.choice(ctx['topic'])}"
    if r < 0.4:
        return f"the {rng.choice(ctx['topic'])}"
    if r < 0.55:
        return rng.choice(ctx["people"])
    if r < 0.68:
        return rng.choice(ctx["orgs"])
    if r < 0.8:
        return f"{rng.randint(12, 9000):,} {rng.choice(PLURALS)}"
    if r < 0.9:
        return f"its {rng.choice(NOUNS)}"
    return f"a {rng.choice(NOUNS)} in {rng.choice(ctx['places'])}"


def _vp(rng: random.Random, ctx: dict) -> str:
    base, past = rng.choice(VERBS)
    return rng.choice([
        f"{past} {_np(rng, ctx)}", f"had {past} {_np(rng, ctx)}", f"would {base} {_np(rng, ctx)}",
        f"was {past} by {_np(rng, ctx)}", f"is expected to {base} {_np(rng, ctx)}",
        f"could not {base} {_np(rng, ctx)}", f"{past} {_np(rng, ctx)} worth £{rng.randint(2, 900)}m",
    ])


def _sentence(rng: random.Random, ctx: dict) -> str:
    c = lambda: f"{_np(rng, ctx)} {_vp(rng, ctx)}"  # noqa: E731
    p = rng.choice(ctx["people"])
    s = rng.choice([
        lambda: f"{c()} {rng.choice(DAYS)}.",
        lambda: f'"{c()}," said {p}.',
        lambda: f"{p} said {c()}.",
        lambda: f"According to {rng.choice(ctx['orgs'])}, {c()}.",
        lambda: f"{rng.choice(DAYS).capitalize()}, {c()}.",
        lambda: f"{c()} after {c()}.",
        lambda: f"Shares in {rng.choice(ctx['orgs'])} fell {rng.randint(1, 40)}% when {c()}.",
        lambda: f"In {rng.choice(ctx['places'])}, {c()}, while {c()}.",
        lambda: f"It was not clear whether {c()}.",
    ])()
    return s[0].upper() + s[1:] if s[0] != '"' else s[:1] + s[1].upper() + s[2:]


STORY_A = (
    "Flooding closed the M62 between Leeds and Huddersfield on Tuesday after 80mm of rain fell in twelve hours. "
    "West Yorkshire Police said three drivers were rescued from their cars near junction 24. "
    "The Environment Agency issued 14 flood warnings across the county and said river levels in Calder Valley "
    "would peak overnight. Highways England expected the motorway to reopen by Wednesday morning."
)
STORY_B = (
    "Motorists were stranded on Tuesday when torrential downpours turned part of the M62 into a lake. "
    "Near junction 24, officers from West Yorkshire Police pulled three people from stranded vehicles, while "
    "14 flood warnings remained in force. Residents of Calder Valley were told to move belongings upstairs "
    "as the Environment Agency predicted the worst was still to come, with 80mm recorded since Monday night."
)


def article(i: int) -> str:
    """BBC-like article ``i`` (deterministic): 8 to 11 sentences about a few people and places."""
    rng = random.Random(1000 + i)
    ctx = {"people": [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(3)],
           "orgs": rng.sample(ORGS, 2), "places": rng.sample(PLACES, 2), "topic": rng.sample(NOUNS, 4)}
    return " ".join(_sentence(rng, ctx) for _ in range(rng.randint(8, 11)))


def spin(text: str, every: int = 1) -> str:
    """Swap every ``every``-th word found in ``SWAPS`` for its listed replacement, keeping case."""
    seen = 0

    def swap(m: re.Match[str]) -> str:
        nonlocal seen
        word = m.group(0)
        repl = SWAPS.get(word.lower())
        if repl is None:
            return word
        seen += 1
        if seen % every:
            return word
        return repl[0].upper() + repl[1:] if word[0].isupper() else repl

    return re.sub(r"[A-Za-z]+", swap, text)


def corpus() -> list[tuple[str, str]]:
    """About 60 documents with known copy relations (ids sort differently from input order)."""
    docs = [(f"bbc-{i:03d}", article(i)) for i in range(44)]
    docs += [(f"spun-{i:03d}", spin(article(i))) for i in range(0, 10)]
    docs += [(f"half-spun-{i:03d}", spin(article(i), every=2)) for i in (20, 21)]
    docs += [("copy-of-bbc-030", article(30)), ("aa-copy-of-bbc-031", article(31))]  # verbatim: tie
    docs += [("respun-000", spin(spin(article(0)), every=3))]  # a copy of a spun copy
    docs += [("story-a", STORY_A), ("story-b", STORY_B)]
    docs += [("bbc-005", "A later document with an id already used: the first one is scanned.")]
    docs += [("short", "Rain fell.")]
    return docs


def embed(host: str, source: str, share: float) -> str:
    """``host`` with the first ``share`` of ``source``'s sentences (at least one), verbatim, inserted
    as one block between the two halves of its sentences."""
    taken = source.split(". ")
    taken = taken[: max(1, round(share * len(taken)))]
    body = host.split(". ")
    half = len(body) // 2
    return ". ".join(body[:half] + taken + body[half:])


def partial_copies() -> list[tuple[str, str]]:
    """Two sources and two longer texts that each take 40% of one source's sentences verbatim,
    embedded among the sentences of two unrelated articles: copy and source share no band key,
    so only the containment path (winnow keys) brings them together. With the default winnow
    parameters alignment verifies ``passage-of-044`` as derived from ``source-044`` and
    relates ``passage-of-048`` to nothing; with ``winnow_k=2, winnow_window=4`` both are derived."""
    out = []
    for source, hosts in ((44, (60, 61)), (48, (68, 69))):
        out += [(f"source-{source:03d}", article(source)),
                (f"passage-of-{source:03d}", embed(" ".join(article(h) for h in hosts), article(source), 0.4))]
    return out


def non_default_settings() -> tuple[LexiconSpec, CheckConfig]:
    """A lexicon and a configuration far from the defaults, for the engines' parity tests: known
    pairs of the corpus's own swaps, a lower threshold, the per-word spin model's pivot moved
    (more odd words: every spun score changes) and a stricter odd-pair model."""
    spec = LexiconSpec(known=(("spending plan", "budget"), ("manufacturing plant", "factory"),
                              ("educational institution", "school")))
    config = CheckConfig(threshold=0.35, detector=replace(
        DetectorParams(), spin=replace(SpinModel(), pivot_zipf=4.4),
        odd_pairs=replace(OddPairParams(), threshold=0.7)))
    return spec, config


def non_default_trace() -> TraceConfig:
    """A ``TraceConfig`` far from the defaults, for the engines' parity tests: every part changed.
    Winnow keys of two content words in windows of four (a partial copy of ``partial_copies`` is
    found only so), looser same-story and coverage rules (some fifty more edges on
    ``corpus() + partial_copies()``), other containment thresholds, fewer candidates, smaller buckets."""
    return TraceConfig(fingerprint=FingerprintParams(winnow_k=2, winnow_window=4),
                       relation=replace(RelationParams(), same_story_facts=0.1, same_story_min_facts=3,
                                        derived_coverage=0.3),
                       containment=ContainmentParams(min_containment=0.1, enough_shared=6, limit=5),
                       candidates=8, max_bucket=40)
