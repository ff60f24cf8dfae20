"""Scan results for the HTML report's tests, built directly from the result types without running
the detector: ``small_scan`` (hostile ids and texts), ``demo_scan`` (a readable story set) and
``synthetic_scan`` (any size). Shared by ``test_report.py`` and ``test_report_browser.py``; not a
test module.
"""

from __future__ import annotations

import bisect
import random
import re

from unspin.core.results import Alignment, CheckResult, Cluster, Edge, Finding, Match, ScanResult, Substitution
from unspin.text import sentence_spans

XSS_SCRIPT = "</script><script>window.__pwned=1;alert(1)</script>"
XSS_ATTR = '" onmouseover="window.__pwned=1;alert(1)" x="'
XSS_IMG = "<img src=x onerror=\"window.__pwned=1;alert(1)\">"
XSS_SVG = "<svg onload=\"window.__pwned=1\"></svg><!--"
LINE_SEP = "\u2028"

SOURCE_TEXT = (
    "Researchers trained the model on a large collection of training data. "
    "The artificial intelligence system then predicted rainfall across the region. "
    "A random forest was used as the baseline, and it performed worse on every test."
)
SWAPS = {"training data": "preparation information", "artificial intelligence": "counterfeit consciousness",
         "random forest": "irregular timberland", "performed worse": "did more regrettable"}


UNICODE_TEXT = "😀 Пример: 人工智能 🚀 counterfeit consciousness 𝔎 مرحبا done."
UNICODE_FINDING = Finding(UNICODE_TEXT.index("counterfeit"), UNICODE_TEXT.index(" 𝔎"), "counterfeit consciousness",
                          "artificial intelligence", 0.9, ("known-phrase",))


def spin(source: str, swaps: dict[str, str], *, confidence: float = 0.9
         ) -> tuple[str, tuple[Alignment, ...], tuple[Substitution, ...], tuple[Finding, ...]]:
    """Replace each phrase of ``swaps`` in ``source``; return the copy, its sentence alignments,
    substitutions (offsets in both texts) and the findings a detector would report."""
    pattern = re.compile("|".join(re.escape(k) for k in sorted(swaps, key=len, reverse=True)))
    parts, subs, findings, shifts = [], [], [], []
    pos = shift = 0
    for m in pattern.finditer(source):
        new = swaps[m.group(0)]
        parts.append(source[pos:m.start()])
        start = m.start() + shift
        parts.append(new)
        subs.append(Substitution(start, start + len(new), new, m.start(), m.end(), m.group(0)))
        findings.append(Finding(start, start + len(new), new, m.group(0), confidence, ("context-fit",)))
        shift += len(new) - len(m.group(0))
        shifts.append((m.end(), shift))
        pos = m.end()
    parts.append(source[pos:])
    copy = "".join(parts)

    ends = [end for end, _ in shifts]

    def to_copy(p: int) -> int:
        k = bisect.bisect_right(ends, p)
        return p + (shifts[k - 1][1] if k else 0)

    alignments = tuple(Alignment(to_copy(a), to_copy(b), a, b, 0.8) for a, b in sentence_spans(source))
    return copy, alignments, tuple(subs), tuple(findings)


def doc(doc_id: str, text: str, score: float, findings: tuple[Finding, ...] = ()) -> CheckResult:
    """A CheckResult as ``check`` would return it (threshold 0.5)."""
    return CheckResult(doc_id, score >= 0.5, score, 0.5, findings, text, len(text.split()))


def derived_edge(copy_id: str, source_id: str, alignments: tuple[Alignment, ...],
                 subs: tuple[Substitution, ...], *, direction: str = "spin-score") -> Edge:
    match = Match(source_id, "derived", 0.95, 1.0, alignments, subs, "")
    return Edge(copy_id, source_id, "derived", 0.95, 1.0, len(subs), direction, match)


def small_scan() -> ScanResult:
    """Three documents and a derived copy, one same-story edge, one cluster, two hostile
    documents (in ids and texts), an edge to a source outside the scan and unreadable inputs."""
    copy, alignments, subs, findings = spin(SOURCE_TEXT, SWAPS)
    same = "Rainfall forecasts from an artificial intelligence system were tested across the region this week."
    hostile_id = f"evil {XSS_SCRIPT} {XSS_ATTR} {XSS_IMG}"
    hostile_text = f"Hostile text {XSS_SCRIPT} then {XSS_ATTR} and {XSS_IMG} {XSS_SVG} line{LINE_SEP}break."
    hostile_finding = Finding(len("Hostile text "), len("Hostile text ") + len(XSS_SCRIPT), XSS_SCRIPT,
                              XSS_IMG, 0.7, (XSS_ATTR,))
    texts = {"source.txt": SOURCE_TEXT, "copy.txt": copy, "same-story.txt": same, hostile_id: hostile_text,
             "ext-copy.txt": copy, "unicode-😀.txt": UNICODE_TEXT}
    docs = (doc("source.txt", SOURCE_TEXT, 0.1), doc("copy.txt", copy, 0.93, findings),
            doc("same-story.txt", same, 0.2), doc(hostile_id, hostile_text, 0.6, (hostile_finding,)),
            doc("ext-copy.txt", copy, 0.9, findings), doc("unicode-😀.txt", UNICODE_TEXT, 0.7, (UNICODE_FINDING,)),
            doc("no-text.txt", "", 0.0))
    edges = (derived_edge("copy.txt", "source.txt", alignments, subs),
             Edge("same-story.txt", "source.txt", "same-story", 0.4, 0.1, 0, "undirected", None),
             derived_edge("ext-copy.txt", f"db:{XSS_IMG}", alignments, subs, direction="external"),
             Edge(hostile_id, "copy.txt", "derived", 0.6, 0.5, 0, "tie", None))
    clusters = (Cluster(0, ("copy.txt", hostile_id, "same-story.txt", "source.txt"), 2, 1),)
    problems = (("broken.bin", "binary file"), (f"{XSS_SCRIPT}.txt", f"undecodable {XSS_IMG}"))
    return ScanResult(docs, edges, clusters, texts, problems)


STORIES = [
    ("bbc-rates", "The Bank of England raised interest rates to 4.75% on Thursday, the fifth rise in a year. "
     "Governor Mervyn King said the decision was taken to keep inflation close to its target. "
     "Analysts at Barclays had expected the move, which was backed by seven of the nine members. "
     "House prices in London fell by 2% in the three months to June, official figures showed.",
     {"raised": "hiked", "interest rates": "loan costs", "rise": "increase", "said": "stated",
      "decision": "choice", "inflation": "expansion", "close to": "near to", "target": "objective",
      "Analysts": "Experts", "expected": "anticipated", "move": "step", "backed": "supported",
      "members": "individuals", "House prices": "Home costs", "fell": "dropped", "official": "authority"}),
    ("ai-weather", SOURCE_TEXT, SWAPS),
    ("bbc-football", "The club confirmed on Monday that its manager had left after a poor run of results. "
     "The board thanked him for his work and said a replacement would be named within two weeks. "
     "Supporters had called for a change after the team won only twice in eleven games. "
     "The chairman said the search for a new coach had already begun.",
     {"confirmed": "affirmed", "poor run": "feeble streak", "results": "outcomes", "thanked": "expressed gratitude to",
      "replacement": "substitution", "Supporters": "Allies", "called for": "requested", "team": "group",
      "search": "inquiry", "new coach": "new mentor", "already": "as of now"}),
]


def demo_scan() -> ScanResult:
    """A readable scan of 40 documents: sources, spun copies, a copy of a copy, same-story
    reports, unrelated clean and spun documents, a source outside the scan, unreadable inputs."""
    rng = random.Random(7)
    docs, texts, edges, clusters = [], {}, [], []
    clean_filler = ("Local councils will publish their budgets next month. Officials said spending on roads "
                    "would stay flat, while money for libraries would rise slightly.")
    for n, (name, source, swaps) in enumerate(STORIES):
        src_id = f"{name}/original.txt"
        texts[src_id] = source
        docs.append(doc(src_id, source, rng.uniform(0.02, 0.2)))
        members = [src_id]
        n_derived = 0
        keys = list(swaps)
        for c in range(6 - 2 * n):
            chosen = {k: swaps[k] for k in keys if rng.random() < 0.75}
            copy, alignments, subs, findings = spin(source, chosen, confidence=round(rng.uniform(0.55, 0.97), 2))
            copy_id = f"{name}/spun-{c + 1}.html"
            texts[copy_id] = copy
            docs.append(doc(copy_id, copy, rng.uniform(0.62, 0.99), findings))
            edges.append(derived_edge(copy_id, src_id, alignments, subs))
            members.append(copy_id)
            n_derived += 1
        same_id = f"{name}/other-outlet.txt"
        same = "Another outlet covered the same events with its own reporting. " + source.split(". ")[0] + "."
        texts[same_id] = same
        docs.append(doc(same_id, same, rng.uniform(0.05, 0.3)))
        edges.append(Edge(*sorted((same_id, src_id)), "same-story", 0.41, 0.12, 0, "undirected", None))
        members.append(same_id)
        clusters.append(Cluster(n, tuple(sorted(members)), n_derived, 1))
    for k in range(40 - len(docs)):
        doc_id = f"misc/article-{k:03d}.txt"
        texts[doc_id] = clean_filler
        docs.append(doc(doc_id, clean_filler, rng.betavariate(1.3, 4) if k % 5 else rng.uniform(0.5, 0.8)))
    copy, alignments, subs, findings = spin(SOURCE_TEXT, SWAPS)
    texts["feeds/ext-copy.txt"] = copy
    docs.append(doc("feeds/ext-copy.txt", copy, 0.88, findings))
    edges.append(derived_edge("feeds/ext-copy.txt", "archive:2021/ai-weather", alignments, subs, direction="external"))
    problems = (("crawl/broken.pdf", "binary file"), ("crawl/huge.html", "larger than --max-bytes (10000000)"))
    return ScanResult(tuple(docs), tuple(edges), tuple(clusters), texts, problems)


def synthetic_scan(n: int, *, seed: int = 1) -> ScanResult:
    """``n`` short documents with random scores, some findings, derived chains and clusters."""
    rng = random.Random(seed)
    base = "Officials said on {d} that {k} people attended the event in the city centre, more than last year."
    docs, texts = [], {}
    for i in range(n):
        doc_id = f"doc-{i:05d}"
        text = base.format(d=rng.choice(["Monday", "Tuesday", "Friday"]), k=rng.randint(10, 9999))
        texts[doc_id] = text
        score = rng.betavariate(0.7, 1.6)
        findings = ()
        if score >= 0.5:
            s = text.index("attended")
            findings = (Finding(s, s + 8, "attended", "went to", round(score, 2), ("context-fit",)),)
        docs.append(doc(doc_id, text, score, findings))
    edges, clusters = [], []
    for c, start in enumerate(range(0, n - 4, 50)):
        src = f"doc-{start:05d}"
        members = [src]
        for j in range(1, 4):
            copy_id = f"doc-{start + j:05d}"
            a = Alignment(0, len(texts[copy_id]), 0, len(texts[src]), 0.9)
            edges.append(Edge(copy_id, src, "derived", 0.9, 1.0, 0, "spin-score",
                              Match(src, "derived", 0.9, 1.0, (a,), (), "")))
            members.append(copy_id)
        clusters.append(Cluster(c, tuple(members), 3, 0))
    return ScanResult(tuple(docs), tuple(edges), tuple(clusters), texts)
