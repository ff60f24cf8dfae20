"""Render a ``ScanResult`` as one self-contained HTML page.

The page is static: the scan is embedded as JSON in ``<script type="application/json"
id="data">`` and a small hand-written script (inlined below, no libraries) builds every view
from it on demand: the overview with a histogram of spin scores, the documents table (sorted,
filtered and paged in the browser, so 10,000 documents stay fast), a document view and a
side-by-side pair view. Nothing is fetched: no fonts, scripts, styles or images from anywhere,
and a Content-Security-Policy forbids any request and any script but the page's own.

Documents are untrusted. The JSON escapes ``<``, ``>``, ``&``, U+2028 and U+2029 so that no text
can end the data block, and the script inserts document-derived strings only as text
(``textContent``, text nodes, ``setAttribute``), never as markup.

Embedded data (``report_data``), compact arrays rather than objects to keep the file small::

    {"version": 1, "threshold": 0.5,
     "docs": [[id, score, spun (0/1), n_words, [[start, end, suggestion|null, confidence, [evidence]]]]],
     "texts": {id: text},
     "edges": [[copy_id, source_id, relation, score, coverage, n_substitutions, direction, match|null]],
     "clusters": [[id, [member ids], n_derived_edges, n_same_story_edges]],
     "problems": [[source, reason]]}

where ``match`` is ``[score, coverage, alignments, substitutions]``: ``alignments`` a flat list of
``copy_start, copy_end, source_start, source_end, similarity`` quintuples and ``substitutions``
a list of ``[copy_start, copy_end, source_start, source_end, copy_phrase, source_phrase]``.
Matches are oriented so the copy (``copy_id``) is always the first side. All offsets are in
UTF-16 code units (how JavaScript indexes strings); they equal Python's character offsets
unless a text contains characters outside the Basic Multilingual Plane (emoji, say).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from unspin.core.results import CheckResult, Edge, Match, ScanResult

__all__ = ["render_report", "report_data"]

DATA_VERSION = 1
DEFAULT_THRESHOLD = 0.5

_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# Characters that must not appear raw inside <script>: they could end the element or open a
# comment ("</script>", "<!--"), or (U+2028/U+2029) break older JavaScript parsers.
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


# --------------------------------------------------------------------------------------------
# Data


def _num(x: float, digits: int = 4) -> float | None:
    """A finite float rounded for the page, or ``None`` (JSON has no NaN or infinity)."""
    x = float(x)
    return round(x, digits) if math.isfinite(x) else None


def _offset_map(text: str | None) -> Callable[[int], int]:
    """Return a function mapping a Python character offset in ``text`` to a UTF-16 offset.

    Out-of-range offsets are clamped to the text. Identity (after clamping) for texts with no
    character outside the Basic Multilingual Plane, which is nearly all of them.
    """
    if text is None:
        return lambda i: max(0, int(i))
    n = len(text)
    if not _ASTRAL_RE.search(text):
        return lambda i: min(max(0, int(i)), n)
    table = [0] * (n + 1)
    units = 0
    for k, ch in enumerate(text):
        table[k] = units
        units += 2 if ord(ch) > 0xFFFF else 1
    table[n] = units
    return lambda i: table[min(max(0, int(i)), n)]


def _doc_row(doc: CheckResult, conv: Callable[[int], int]) -> list[Any]:
    """``[id, score, spun, n_words, findings]`` with finding offsets converted by ``conv``."""
    findings = [[conv(f.start), conv(f.end), f.suggestion, _num(f.confidence, 3), list(f.evidence)]
                for f in doc.findings]
    return [doc.id, _num(doc.score), 1 if doc.spun else 0, doc.n_words, findings]


def _match_row(edge: Edge, match: Match, texts: dict[str, str],
               convs: dict[str, Callable[[int], int]]) -> list[Any]:
    """The match of an edge, copy first (``build_edges`` orients every match copy -> source)."""
    cconv = _conv_for(edge.copy_id, texts, convs)
    sconv = _conv_for(edge.source_id, texts, convs)
    alignments: list[Any] = []
    for a in match.alignments:
        alignments += [cconv(a.input_start), cconv(a.input_end), sconv(a.source_start), sconv(a.source_end),
                       _num(a.similarity, 3)]
    subs: list[Any] = [[cconv(s.input_start), cconv(s.input_end), sconv(s.source_start), sconv(s.source_end),
                        s.text, s.source_text] for s in match.substitutions]
    return [_num(match.score), _num(match.coverage), alignments, subs]


def _conv_for(doc_id: str, texts: dict[str, str], convs: dict[str, Callable[[int], int]]) -> Callable[[int], int]:
    """The (cached) offset map of document ``doc_id``'s text."""
    conv = convs.get(doc_id)
    if conv is None:
        conv = convs[doc_id] = _offset_map(texts.get(doc_id))
    return conv


def report_data(scan: ScanResult) -> dict[str, Any]:
    """Return the JSON-ready data ``render_report`` embeds in the page (layout in the module
    docstring): documents, texts, edges with their aligned passages and substitutions, story
    clusters and unreadable inputs."""
    texts = dict(scan.texts)
    convs: dict[str, Callable[[int], int]] = {}
    thresholds = Counter(d.threshold for d in scan.documents)
    threshold = thresholds.most_common(1)[0][0] if thresholds else DEFAULT_THRESHOLD
    edges = []
    for e in scan.edges:
        match = _match_row(e, e.match, texts, convs) if e.match is not None else None
        edges.append([e.copy_id, e.source_id, e.relation, _num(e.score), _num(e.coverage), e.n_substitutions,
                      e.direction, match])
    return {
        "version": DATA_VERSION,
        "threshold": _num(threshold),
        "docs": [_doc_row(d, _conv_for(d.id, texts, convs)) for d in scan.documents],
        "texts": texts,
        "edges": edges,
        "clusters": [[c.id, list(c.members), c.n_derived_edges, c.n_same_story_edges] for c in scan.clusters],
        "problems": [[str(source), str(reason)] for source, reason in scan.problems],
    }


def _script_json(data: Any) -> str:
    """JSON safe to place inside ``<script>``: ``<``, ``>``, ``&``, U+2028 and U+2029 (and any lone
    surrogate, which UTF-8 cannot encode) written as ``\\uXXXX`` escapes. Outside strings JSON
    never contains these characters, so the escaped text parses to the same value."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES.get(m.group(0)) or f"\\u{ord(m.group(0)):04x}", raw)


def _csp_hash(source: str) -> str:
    """The Content-Security-Policy source expression that allows exactly this inline script."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


# --------------------------------------------------------------------------------------------
# Page


def render_report(scan: ScanResult, *, title: str = "unspin report") -> str:
    """Return a self-contained HTML report of ``scan`` (one page, no external resources).

    Views: an overview (counts, the largest copy networks, the most copied sources, a histogram
    of spin scores), a documents table sortable by every column with an id filter and paging, a
    view of each document with its findings highlighted and their suggestions, a side-by-side
    view of each derived pair (copy left, source right, aligned passages linked, substituted
    phrases highlighted on both sides with the original wording shown on the copy's side),
    lists of edges and clusters, and the inputs that could not be read.
    """
    safe_title = html.escape(_SURROGATE_RE.sub("\ufffd", title), quote=True)
    data = _script_json(report_data(scan))
    csp = ("default-src 'none'; "
           f"script-src {_csp_hash(_JS)}; style-src 'unsafe-inline'; "
           "base-uri 'none'; form-action 'none'")
    n_docs = len(scan.documents)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="unspin">\n'
        f"<title>{safe_title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        '<header class="top"><div class="brand">'
        f'<h1 id="title">{safe_title}</h1>'
        f'<span class="sub">unspin scan report · {n_docs:,} document{"" if n_docs == 1 else "s"}</span>'
        '</div><nav id="nav" aria-label="Views"></nav></header>\n'
        '<main id="app"><noscript><p class="note">This report needs JavaScript to show its views; '
        "the data is in the <code>data</code> script element.</p></noscript></main>\n"
        f'<script type="application/json" id="data">{data}</script>\n'
        f"<script>{_JS}</script>\n"
        "</body>\n</html>\n"
    )


# --------------------------------------------------------------------------------------------
# Inline assets (kept here, not in package data files, so the page needs nothing installed
# beside this module).

_CSS = r"""
:root{--bg:#f4f5f7;--card:#fff;--ink:#1d2530;--muted:#5f6b7a;--line:#e2e6ec;--accent:#2759c9;
--accent-bg:#e8effc;--spun:#d4521a;--spun-bg:#fde8dc;--clean:#2f8a4c;--clean-bg:#dcf2e3;
--al:#eef3fb;--al-hl:#c3d7fc;--sub:#ffd9a8;--sub-hl:#ffb964;--orig:#c8efd2;--orig-ink:#1f6b37;
--mono:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
font:14px/1.45 system-ui,-apple-system,"Segoe UI","Liberation Sans","DejaVu Sans",sans-serif}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
header.top{position:sticky;top:0;z-index:5;display:flex;align-items:center;gap:24px;flex-wrap:wrap;
padding:10px 28px;background:#18202b;color:#fff;box-shadow:0 1px 4px rgba(0,0,0,.15)}
.brand{display:flex;align-items:baseline;gap:12px;min-width:0}
.brand h1{font-size:18px;margin:0;font-weight:650;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:50vw}
.brand .sub{color:#a9b4c2;font-size:12.5px;white-space:nowrap}
nav{display:flex;gap:4px;flex-wrap:wrap}
nav a{color:#cbd3dd;padding:6px 12px;border-radius:6px;font-weight:500}
nav a:hover{background:#2a3441;color:#fff;text-decoration:none}
nav a.active{background:#fff;color:#18202b}
nav a .badge{margin-left:6px}
main{max-width:1400px;margin:0 auto;padding:22px 28px 60px}
h2{font-size:20px;margin:0 0 4px;font-weight:650;word-break:break-word}
h3{font-size:15px;margin:0 0 12px;font-weight:650}
.muted{color:var(--muted)}
.note{color:var(--muted);font-style:italic}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin-bottom:18px;
box-shadow:0 1px 2px rgba(16,24,40,.04)}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:14px;margin-bottom:18px}
.stat{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;color:var(--ink);
display:block;box-shadow:0 1px 2px rgba(16,24,40,.04)}
a.stat:hover{border-color:var(--accent);text-decoration:none}
.stat .v{font-size:28px;font-weight:700;letter-spacing:-.5px;line-height:1.1;font-variant-numeric:tabular-nums}
.stat .l{color:var(--muted);font-size:12.5px;margin-top:4px}
.stat.spun .v{color:var(--spun)}
.stat.warn .v{color:#b42318}
.grid2{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:18px;align-items:start}
.grid2>.card{margin-bottom:0}
.row{margin-bottom:18px}
@media (max-width:1000px){.grid2{grid-template-columns:1fr}}
.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:12.5px;color:var(--muted);margin-top:6px}
.sw{display:inline-block;width:11px;height:11px;border-radius:3px;vertical-align:-1px;margin-right:5px}
.hist{width:100%;height:auto;display:block}
.hist .bar{cursor:pointer}
.hist .bar:hover{opacity:.8}
.hist text{font:11px system-ui,"Liberation Sans","DejaVu Sans",sans-serif;fill:#5f6b7a}
.hist .cnt{fill:#1d2530;font-weight:600}
.pill{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;line-height:18px;white-space:nowrap}
.pill.spun{background:var(--spun-bg);color:#a33b0c}
.pill.clean{background:var(--clean-bg);color:#22693a}
.pill.derived{background:#efe6fb;color:#6034a8}
.pill.same{background:#e3f1f7;color:#1e6482}
.pill.ext{background:#eceef1;color:#4a5565}
.badge{display:inline-block;min-width:18px;padding:0 6px;border-radius:9px;background:#b42318;color:#fff;font-size:11px;
text-align:center;line-height:17px}
.net{border-top:1px solid var(--line);padding:12px 0 4px}
.net:first-of-type{border-top:0;padding-top:0}
.net-h{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;margin-bottom:8px}
.net-h .t{font-weight:650}
.grp{display:grid;grid-template-columns:minmax(140px,280px) minmax(0,1fr);gap:4px 16px;align-items:start;margin:8px 0}
.grp .src{min-width:0}
.grp .src .id{display:block;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.grp .src small{display:block;color:var(--muted);font-size:12px}
.chips{display:flex;flex-wrap:wrap;gap:6px}
.chip{display:inline-flex;align-items:center;gap:6px;max-width:280px;padding:2px 9px;border:1px solid var(--line);
border-radius:999px;background:#fafbfc;color:var(--ink);font-size:12.5px}
.chip span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.chip:hover{border-color:var(--accent);background:var(--accent-bg);text-decoration:none}
.chip .sc{color:var(--muted);font-variant-numeric:tabular-nums;flex:none}
.more{font-size:12.5px}
.toprank{list-style:none;margin:0;padding:0}
.toprank li{display:grid;grid-template-columns:minmax(0,1fr) auto;gap:10px;padding:5px 0;border-bottom:1px dashed var(--line)}
.toprank li:last-child{border-bottom:0}
.toprank .id{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.toprank .pill{margin-left:8px}
.card h3.sub2{margin-top:18px}
.toprank .n{font-variant-numeric:tabular-nums;color:var(--muted)}
.toolbar{display:flex;gap:10px;flex-wrap:wrap;align-items:center;margin-bottom:12px}
.toolbar input[type=search]{width:260px}
input,select,button{font:inherit;color:inherit}
input[type=search],select{padding:6px 10px;border:1px solid #cdd3db;border-radius:7px;background:#fff}
input[type=search]:focus,select:focus{outline:2px solid var(--accent-bg);border-color:var(--accent)}
button{padding:5px 12px;border:1px solid #cdd3db;border-radius:7px;background:#fff;cursor:pointer}
button:hover:not(:disabled){border-color:var(--accent);color:var(--accent)}
button:disabled{opacity:.45;cursor:default}
.filterchip{display:inline-flex;gap:6px;align-items:center;background:var(--accent-bg);color:var(--accent);
border-radius:999px;padding:3px 6px 3px 11px;font-size:12.5px}
.filterchip button{border:0;background:transparent;padding:0 5px;color:inherit}
.count{color:var(--muted);margin-left:auto;font-variant-numeric:tabular-nums}
.tablewrap{overflow-x:auto;border:1px solid var(--line);border-radius:10px;background:#fff}
table.grid{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
table.grid th{position:sticky;top:0;background:#f8f9fb;text-align:left;font-weight:600;font-size:12.5px;color:#3d4754;
border-bottom:1px solid var(--line);padding:0;white-space:nowrap}
table.grid th button{all:unset;display:block;padding:9px 12px;cursor:pointer;width:100%;box-sizing:border-box}
table.grid th button:hover{color:var(--accent)}
table.grid th.num,table.grid td.num{text-align:right}
table.grid th .arrow{display:inline-block;width:12px;color:var(--accent)}
table.grid td{padding:7px 12px;border-bottom:1px solid #eef0f3;vertical-align:middle}
table.grid tbody tr{cursor:pointer}
table.grid tbody tr:hover{background:#f6f9ff}
table.grid tbody tr:last-child td{border-bottom:0}
td.id{max-width:420px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
td.wrap{white-space:normal;word-break:break-word;max-width:none}
.scorebar{display:inline-flex;align-items:center;gap:8px;justify-content:flex-end}
.scorebar i{display:inline-block;width:54px;height:6px;border-radius:3px;background:#edf0f3;position:relative;overflow:hidden}
.scorebar i b{position:absolute;left:0;top:0;bottom:0;border-radius:3px}
.zero{color:#b6bec8}
.pager{display:flex;gap:8px;align-items:center;justify-content:flex-end;margin-top:10px}
.pager .pageinfo{color:var(--muted);margin:0 6px;font-variant-numeric:tabular-nums}
.empty{padding:28px;text-align:center;color:var(--muted)}
.back{display:inline-block;margin-bottom:10px;font-size:13px}
.meta{display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center;color:var(--muted);margin:6px 0 16px}
.meta b{color:var(--ink);font-weight:600}
.doclayout{display:grid;grid-template-columns:minmax(0,1fr) 320px;gap:18px;align-items:start}
@media (max-width:1000px){.doclayout{grid-template-columns:1fr}}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font:16px/1.75 Georgia,"DejaVu Serif","Liberation Serif",serif;color:#1b2129}
.text.sm{font-size:15px;line-height:1.7}
mark{color:inherit;border-radius:3px;padding:0 1px}
mark.find{background:var(--spun-bg);box-shadow:inset 0 -2px 0 #f08c54}
mark.find.hi{background:#fbd2b9;box-shadow:inset 0 -2px 0 var(--spun)}
mark.find.lo{background:#fdf0e7;box-shadow:inset 0 -2px 0 #f4b48e}
mark.flash,.al.flash,mark.sub.flash{animation:flash 1.2s ease-out}
@keyframes flash{0%{outline:3px solid #ffb964}100%{outline:3px solid transparent}}
.sugg,.orig{font:600 11.5px/1 system-ui,"Liberation Sans","DejaVu Sans",sans-serif;padding:2px 6px;margin:0 3px 0 4px;
border-radius:5px;vertical-align:1px;overflow-wrap:anywhere;-webkit-box-decoration-break:clone;box-decoration-break:clone}
.sugg{background:var(--clean-bg);color:#1f6b37}
.orig{background:var(--orig);color:var(--orig-ink)}
.orig.del{background:#e9ecef;color:#4a5565}
.side h3{margin-bottom:8px}
.findlist{list-style:none;margin:0;padding:0;max-height:70vh;overflow:auto}
.findlist li{padding:7px 8px;border-radius:6px;cursor:pointer;border-bottom:1px solid #f0f2f5;overflow-wrap:anywhere}
.findlist li:hover{background:#f6f9ff}
.findlist .ph{font-weight:600;color:#a33b0c}
.findlist .to{color:#1f6b37}
.findlist .cf{float:right;color:var(--muted);font-variant-numeric:tabular-nums;font-size:12px}
.findlist .ev{display:block;font-size:11.5px;color:var(--muted)}
.morebtn{margin-top:10px;width:100%}
.rel{list-style:none;margin:0;padding:0}
.rel li{display:flex;gap:10px;align-items:center;flex-wrap:wrap;padding:5px 0;border-bottom:1px dashed var(--line)}
.rel li:last-child{border-bottom:0}
.rel .k{color:var(--muted);min-width:96px}
.rel .id{font-weight:600;overflow-wrap:anywhere}
.pair{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:14px;margin-bottom:18px}
.pane{background:#fff;border:1px solid var(--line);border-radius:10px;display:flex;flex-direction:column;min-width:0}
.pane-h{padding:10px 14px;border-bottom:1px solid var(--line);display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;
background:#fafbfc;border-radius:10px 10px 0 0}
.pane-h .role{font-size:11px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);font-weight:700}
.pane-h .id{font-weight:650;overflow-wrap:anywhere}
.pane-b{padding:14px 18px;overflow:auto;max-height:calc(100vh - 260px);min-height:160px;position:relative}
.al{background:var(--al);border-radius:3px;cursor:pointer}
.al.odd{background:#f1eefa}
.al.hl,.al.odd.hl{background:var(--al-hl);box-shadow:0 0 0 1px #8fb3f2}
mark.sub{background:var(--sub);box-shadow:inset 0 -2px 0 #f59f3a}
.src-side mark.sub{background:var(--orig);box-shadow:inset 0 -2px 0 #4fb46d}
mark.sub.hl{background:var(--sub-hl);outline:2px solid #e8590c}
.src-side mark.sub.hl{background:#8ce0a4;outline:2px solid #2f8a4c}
.missing{padding:40px 10px;text-align:center;color:var(--muted)}
.missing b{display:block;font-size:15px;color:var(--ink);margin-bottom:6px}
.sublist{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:2px 18px}
.sublist li{display:grid;grid-template-columns:26px minmax(0,1fr) 18px minmax(0,1fr);gap:6px;padding:5px 8px;border-radius:6px;
cursor:pointer;border-bottom:1px solid #f0f2f5}
.sublist li:hover,.sublist li.hl{background:#fff4e6}
.sublist .n{color:var(--muted);font-variant-numeric:tabular-nums;text-align:right}
.sublist .ar{color:var(--muted);text-align:center}
.sublist .c{color:#a33b0c;font-weight:600;overflow-wrap:anywhere}
.sublist .s{color:#1f6b37;font-weight:600;overflow-wrap:anywhere}
.hint{font-size:12.5px;color:var(--muted)}
footer{color:var(--muted);font-size:12px;text-align:center;padding:20px}
"""  # noqa: E501 (a stylesheet, not Python)

_JS = r"""
(function () {
'use strict';
var D = JSON.parse(document.getElementById('data').textContent);
var DOCS = D.docs || [], TEXTS = D.texts || {}, EDGES = D.edges || [], CLUSTERS = D.clusters || [];
var PROBLEMS = D.problems || [];
var THR = typeof D.threshold === 'number' ? D.threshold : 0.5;
var N = DOCS.length;
var PAGE = 50, FIND_PAGE = 200;
var hasOwn = Object.prototype.hasOwnProperty;
var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: 'base'});
var app = document.getElementById('app');
var nav = document.getElementById('nav');

/* ---------- indexes ---------- */
var docIndex = new Map();
for (var i = 0; i < N; i++) if (!docIndex.has(DOCS[i][0])) docIndex.set(DOCS[i][0], i);
var nFrom = new Int32Array(N), nBy = new Int32Array(N), nSame = new Int32Array(N);
var clusterOf = new Array(N).fill(null);
var docEdges = new Map(), external = new Map(), clusterEdges = new Map(), clusterPos = new Map();
function push(map, key, v) { var l = map.get(key); if (!l) { l = []; map.set(key, l); } l.push(v); }
CLUSTERS.forEach(function (c, ci) {
  clusterPos.set(c[0], ci);
  (c[1] || []).forEach(function (m) { var d = docIndex.get(m); if (d !== undefined) clusterOf[d] = c[0]; });
});
EDGES.forEach(function (e, k) {
  var c = docIndex.get(e[0]), s = docIndex.get(e[1]);
  if (e[2] === 'derived') {
    if (c !== undefined) nFrom[c]++;
    if (s !== undefined) nBy[s]++; else push(external, e[1], k);
  } else {
    if (c !== undefined) nSame[c]++;
    if (s !== undefined) nSame[s]++;
  }
  if (c !== undefined) push(docEdges, c, k);
  if (s !== undefined && s !== c) push(docEdges, s, k);
  if (c !== undefined && s !== undefined && clusterOf[c] !== null && clusterOf[c] === clusterOf[s]) {
    push(clusterEdges, clusterOf[c], k);
  }
});
var nDerived = 0;
EDGES.forEach(function (e) { if (e[2] === 'derived') nDerived++; });
var nSpun = 0;
DOCS.forEach(function (d) { if (d[2]) nSpun++; });

/* ---------- DOM helpers (data only ever enters as text or attribute values) ---------- */
function h(tag, attrs) {
  var el = document.createElement(tag);
  if (attrs) for (var k in attrs) {
    if (!hasOwn.call(attrs, k) || attrs[k] === null || attrs[k] === undefined || attrs[k] === false) continue;
    var v = attrs[k];
    if (k === 'class') el.className = v;
    else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (var j = 2; j < arguments.length; j++) add(el, arguments[j]);
  return el;
}
function add(el, c) {
  if (c === null || c === undefined || c === false) return;
  if (Array.isArray(c)) { c.forEach(function (x) { add(el, x); }); return; }
  el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
}
var SVGNS = 'http://www.w3.org/2000/svg';
function s(tag, attrs) {
  var el = document.createElementNS(SVGNS, tag);
  for (var k in attrs) if (hasOwn.call(attrs, k)) el.setAttribute(k, String(attrs[k]));
  for (var j = 2; j < arguments.length; j++) add(el, arguments[j]);
  return el;
}
function fmt(n) { return Number(n).toLocaleString('en-US'); }
function f2(x) { return typeof x === 'number' ? x.toFixed(2) : '–'; }
function pct(x) { return typeof x === 'number' ? Math.round(x * 100) + '%' : '–'; }
function docHref(i) { return '#doc/' + i; }
function edgeHref(k) { return '#edge/' + k; }
function clusterHref(c) { return '#cluster/' + c; }
function verdictPill(spun) { return h('span', {class: 'pill ' + (spun ? 'spun' : 'clean')}, spun ? 'spun' : 'clean'); }
function relPill(rel) {
  return rel === 'derived' ? h('span', {class: 'pill derived'}, 'derived')
    : h('span', {class: 'pill same'}, rel === 'same-story' ? 'same story' : String(rel));
}
function docLink(id, cls) {
  var i = docIndex.get(id);
  if (i === undefined) return h('span', {class: cls || 'id', title: id + ' (not in this scan)'}, id);
  return h('a', {href: docHref(i), class: cls || 'id', title: id}, id);
}
function scoreColor(x) { return x >= THR ? 'var(--spun)' : 'var(--clean)'; }
function scoreBar(x) {
  var b = h('b');
  if (typeof x === 'number') {
    b.style.width = Math.max(0, Math.min(1, x)) * 100 + '%';
    b.style.background = scoreColor(x);
  }
  return h('span', {class: 'scorebar'}, f2(x), h('i', null, b));
}
function countCell(n) { return n ? String(n) : h('span', {class: 'zero'}, '0'); }
function card(title) {
  var c = h('section', {class: 'card'});
  if (title) c.appendChild(h('h3', null, title));
  for (var j = 1; j < arguments.length; j++) add(c, arguments[j]);
  return c;
}

/* ---------- a sortable, paged table over row numbers ---------- */
function pagedTable(opts) {
  var st = opts.state, cols = opts.columns, rows = [];
  var thead = h('thead'), tbody = h('tbody');
  var table = h('table', {class: 'grid'}, thead, tbody);
  var info = h('span', {class: 'pageinfo'});
  var first = h('button', {type: 'button', title: 'first page', 'aria-label': 'first page'}, '«');
  var prev = h('button', {type: 'button', class: 'prev'}, '‹ Previous');
  var next = h('button', {type: 'button', class: 'next'}, 'Next ›');
  var last = h('button', {type: 'button', title: 'last page', 'aria-label': 'last page'}, '»');
  var pager = h('div', {class: 'pager'}, first, prev, info, next, last);
  var wrap = h('div', null, h('div', {class: 'tablewrap'}, table), pager);
  var headRow = h('tr');
  var arrows = {};
  cols.forEach(function (c) {
    var arrow = h('span', {class: 'arrow'});
    arrows[c.key] = arrow;
    var b = h('button', {type: 'button', 'data-key': c.key, title: 'sort by ' + c.label}, c.label, ' ', arrow);
    b.addEventListener('click', function () {
      if (st.sort === c.key) st.dir = -st.dir; else { st.sort = c.key; st.dir = c.num ? -1 : 1; }
      st.page = 0; sort(); draw();
    });
    headRow.appendChild(h('th', {class: c.num ? 'num' : null, 'aria-sort': 'none'}, b));
  });
  thead.appendChild(headRow);
  function pages() { return Math.max(1, Math.ceil(rows.length / PAGE)); }
  function go(p) {
    st.page = Math.max(0, Math.min(pages() - 1, p));
    draw();
    var top = table.getBoundingClientRect().top;  // paging from the bottom: show the new page from its top
    if (top < 0) window.scrollBy(0, top - 70);
  }
  first.addEventListener('click', function () { go(0); });
  prev.addEventListener('click', function () { go(st.page - 1); });
  next.addEventListener('click', function () { go(st.page + 1); });
  last.addEventListener('click', function () { go(pages() - 1); });
  tbody.addEventListener('click', function (ev) {
    if (ev.target.closest('a')) return;
    var tr = ev.target.closest('tr[data-row]');
    if (tr) location.hash = opts.href(Number(tr.getAttribute('data-row')));
  });
  function sort() {
    var col = null;
    cols.forEach(function (c) { if (c.key === st.sort) col = c; });
    if (!col) return;
    var keys = new Map(), dir = st.dir;
    rows.forEach(function (r) { keys.set(r, col.value(r)); });
    var cmp = col.num
      ? function (a, b) {
        var x = keys.get(a), y = keys.get(b);
        if (x === y) return a - b;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (x - y) * dir || a - b;
      }
      : function (a, b) { return collator.compare(keys.get(a), keys.get(b)) * dir || a - b; };
    rows.sort(cmp);
  }
  function draw() {
    var p = Math.min(st.page, pages() - 1);
    st.page = p;
    var frag = document.createDocumentFragment();
    var end = Math.min(rows.length, (p + 1) * PAGE);
    for (var r = p * PAGE; r < end; r++) {
      var row = rows[r];
      var tr = h('tr', {'data-row': row});
      cols.forEach(function (c) { tr.appendChild(h('td', {class: c.cls || (c.num ? 'num' : null)}, c.cell(row))); });
      frag.appendChild(tr);
    }
    if (!rows.length) frag.appendChild(h('tr', null, h('td', {colspan: cols.length, class: 'empty'}, opts.empty || 'Nothing to show.')));
    tbody.replaceChildren(frag);
    info.textContent = 'Page ' + fmt(p + 1) + ' of ' + fmt(pages());
    first.disabled = prev.disabled = p === 0;
    next.disabled = last.disabled = p >= pages() - 1;
    cols.forEach(function (c, ci) {
      var on = c.key === st.sort;
      arrows[c.key].textContent = on ? (st.dir > 0 ? '▲' : '▼') : '';
      headRow.children[ci].setAttribute('aria-sort', on ? (st.dir > 0 ? 'ascending' : 'descending') : 'none');
    });
    if (opts.onDraw) opts.onDraw(rows.length);
  }
  function refresh() { rows = opts.rows(); sort(); draw(); }
  return {el: wrap, refresh: refresh};
}

function toolbar() { return h('div', {class: 'toolbar'}); }
function searchBox(st, placeholder, onChange) {
  var box = h('input', {type: 'search', placeholder: placeholder, 'aria-label': placeholder, value: st.q || ''});
  box.value = st.q || '';
  box.addEventListener('input', function () { st.q = box.value; st.page = 0; onChange(); });
  return box;
}
function selectBox(st, key, label, options, onChange) {
  var sel = h('select', {'aria-label': label});
  options.forEach(function (o) { sel.appendChild(h('option', {value: o[0]}, o[1])); });
  sel.value = st[key];
  sel.addEventListener('change', function () { st[key] = sel.value; st.page = 0; onChange(); });
  return sel;
}

/* ---------- navigation ---------- */
var TABS = [['overview', 'Overview'], ['docs', 'Documents'], ['edges', 'Edges'], ['clusters', 'Clusters']];
if (PROBLEMS.length) TABS.push(['problems', 'Unreadable inputs']);
var tabLinks = {};
TABS.forEach(function (t) {
  var a = h('a', {href: '#' + t[0]}, t[1]);
  if (t[0] === 'problems') a.appendChild(h('span', {class: 'badge'}, fmt(PROBLEMS.length)));
  tabLinks[t[0]] = a;
  nav.appendChild(a);
});
var TAB_OF = {overview: 'overview', docs: 'docs', doc: 'docs', edges: 'edges', edge: 'edges', clusters: 'clusters',
  cluster: 'clusters', problems: 'problems'};

function route() {
  var hash = location.hash.replace(/^#/, '');
  var cut = hash.indexOf('/');
  var name = cut < 0 ? hash : hash.slice(0, cut), arg = cut < 0 ? '' : hash.slice(cut + 1);
  if (!hasOwn.call(TAB_OF, name)) name = 'overview';
  for (var t in tabLinks) if (hasOwn.call(tabLinks, t)) tabLinks[t].classList.toggle('active', TAB_OF[name] === t);
  app.replaceChildren();
  var view = {overview: viewOverview, docs: viewDocs, doc: viewDoc, edges: viewEdges, edge: viewEdge,
    clusters: viewClusters, cluster: viewCluster, problems: viewProblems}[name];
  view(arg);
  window.scrollTo(0, 0);
}
function back(href, label) { return h('a', {class: 'back', href: href}, '← ' + label); }

/* ---------- overview ---------- */
function stat(value, label, href, cls) {
  return h(href ? 'a' : 'div', {class: 'stat' + (cls ? ' ' + cls : ''), href: href || null},
    h('div', {class: 'v'}, value), h('div', {class: 'l'}, label));
}
function viewOverview() {
  var clean = N - nSpun;
  app.appendChild(h('div', {class: 'stats'},
    stat(fmt(N), 'documents', '#docs'),
    stat(fmt(nSpun), 'spun' + (N ? ' (' + Math.round(100 * nSpun / N) + '%)' : ''), '#docs/spun', 'spun'),
    stat(fmt(clean), 'clean', '#docs/clean'),
    stat(fmt(nDerived), 'derived edges (copy → source)', '#edges/derived'),
    stat(fmt(EDGES.length - nDerived), 'same-story edges', '#edges/same-story'),
    stat(fmt(CLUSTERS.length), 'story clusters', '#clusters'),
    PROBLEMS.length ? stat(fmt(PROBLEMS.length), 'unreadable inputs', '#problems', 'warn') : null));
  app.appendChild(h('div', {class: 'grid2 row'},
    card('Spin scores', histogram(),
      h('div', {class: 'legend'},
        h('span', null, swatch('var(--spun)'), 'spun'),
        h('span', null, swatch('var(--clean)'), 'clean'),
        h('span', null, '┆ threshold ' + f2(THR)),
        h('span', null, 'click a bar to list its documents'))),
    card('Most copied sources', mostCopied(), h('h3', {class: 'sub2'}, 'Highest spin scores'), mostSpun())));
  app.appendChild(card('Largest copy networks', networks()));
  if (PROBLEMS.length) {
    app.appendChild(card('Unreadable inputs', h('p', null, fmt(PROBLEMS.length) +
      ' input' + (PROBLEMS.length === 1 ? '' : 's') + ' could not be read and are not in this report. ',
      h('a', {href: '#problems'}, 'Show them'), '.')));
  }
}

function swatch(color) { var el = h('i', {class: 'sw'}); el.style.background = color; return el; }
function histogram() {
  var spun = new Array(10).fill(0), clean = new Array(10).fill(0);
  for (var i = 0; i < N; i++) {
    var x = DOCS[i][1];
    var b = typeof x === 'number' ? Math.max(0, Math.min(9, Math.floor(x * 10))) : 0;
    if (DOCS[i][2]) spun[b]++; else clean[b]++;
  }
  var max = 0;
  for (var k = 0; k < 10; k++) max = Math.max(max, spun[k] + clean[k]);
  var W = 560, H = 250, L = 44, R = 12, T = 18, B = 34, pw = W - L - R, ph = H - T - B, bw = pw / 10;
  var svg = s('svg', {class: 'hist', viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'histogram of spin scores'});
  var step = niceStep(max);
  var top = Math.max(step, Math.ceil(max / step) * step);
  for (var v = 0; v <= top; v += step) {
    var y = T + ph - ph * v / top;
    svg.appendChild(s('line', {x1: L, x2: W - R, y1: y, y2: y, stroke: v ? '#eef0f3' : '#c9cfd7'}));
    svg.appendChild(s('text', {x: L - 6, y: y + 4, 'text-anchor': 'end'}, fmt(v)));
  }
  for (var j = 0; j < 10; j++) {
    var x0 = L + j * bw + 3, w = bw - 6, tot = spun[j] + clean[j];
    var hc = ph * clean[j] / top, hs = ph * spun[j] / top;
    var g = s('g', {class: 'bar', 'data-bin': j},
      s('title', null, (j / 10).toFixed(1) + '–' + ((j + 1) / 10).toFixed(1) + ': ' + fmt(spun[j]) + ' spun, ' +
        fmt(clean[j]) + ' clean'),
      s('rect', {x: x0, y: T, width: w, height: ph, fill: 'transparent'}));
    if (clean[j]) g.appendChild(s('rect', {x: x0, y: T + ph - hc, width: w, height: hc, rx: 2, fill: '#3d9a5b'}));
    if (spun[j]) g.appendChild(s('rect', {x: x0, y: T + ph - hc - hs, width: w, height: hs, rx: 2, fill: '#e0622a'}));
    if (tot) g.appendChild(s('text', {class: 'cnt', x: x0 + w / 2, y: T + ph - hc - hs - 5, 'text-anchor': 'middle'}, fmt(tot)));
    g.addEventListener('click', (function (bin) {
      return function () {
        docState.lo = bin / 10; docState.hi = (bin + 1) / 10; docState.verdict = 'all'; docState.page = 0;
        location.hash = '#docs';
      };
    })(j));
    svg.appendChild(g);
  }
  for (var t = 0; t <= 10; t++) {
    svg.appendChild(s('text', {x: L + t * bw, y: H - B + 16, 'text-anchor': 'middle'}, (t / 10).toFixed(1)));
  }
  svg.appendChild(s('text', {x: L + pw / 2, y: H - 4, 'text-anchor': 'middle'}, 'spin score'));
  var tx = L + pw * Math.max(0, Math.min(1, THR));
  svg.appendChild(s('line', {x1: tx, x2: tx, y1: T - 6, y2: T + ph, stroke: '#1d2530', 'stroke-dasharray': '4 3',
    'stroke-width': 1.2}));
  return svg;
}
function niceStep(max) {
  if (max <= 5) return 1;
  var raw = max / 4, mag = Math.pow(10, Math.floor(Math.log10(raw))), n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

function mostCopied() {
  var list = [];
  for (var i = 0; i < N; i++) if (nBy[i]) list.push([nBy[i], DOCS[i][0], true]);
  external.forEach(function (ks, id) { list.push([ks.length, id, false]); });
  list.sort(function (a, b) { return b[0] - a[0] || collator.compare(a[1], b[1]); });
  if (!list.length) return h('p', {class: 'note'}, 'No document was copied by another.');
  var ul = h('ol', {class: 'toprank'});
  list.slice(0, 6).forEach(function (x) {
    ul.appendChild(h('li', null,
      h('span', {class: 'id'}, docLink(x[1]), x[2] ? null : h('span', {class: 'pill ext'}, 'outside the scan')),
      h('span', {class: 'n'}, 'copied by ' + fmt(x[0]))));
  });
  return ul;
}

function mostSpun() {
  var order = [];
  for (var i = 0; i < N; i++) if (DOCS[i][2]) order.push(i);
  if (!order.length) return h('p', {class: 'note'}, 'No document was judged spun.');
  order.sort(function (a, b) { return (DOCS[b][1] || 0) - (DOCS[a][1] || 0) || a - b; });
  var ul = h('ol', {class: 'toprank'});
  order.slice(0, 5).forEach(function (i) {
    var n = DOCS[i][4].length;
    ul.appendChild(h('li', null, h('span', {class: 'id'}, docLink(DOCS[i][0])),
      h('span', {class: 'n'}, f2(DOCS[i][1]) + ' · ' + fmt(n) + ' finding' + (n === 1 ? '' : 's'))));
  });
  if (order.length > 5) {
    ul.appendChild(h('li', null, h('a', {href: '#docs/spun'}, 'all ' + fmt(order.length) + ' spun documents →'), h('span')));
  }
  return ul;
}
function edgeChip(k, showSource) {
  var e = EDGES[k];
  var label = showSource ? e[1] : e[0];
  return h('a', {class: 'chip', href: edgeHref(k),
    title: (showSource ? 'source ' : 'copy ') + label + ' · score ' + f2(e[3]) + ' · coverage ' + pct(e[4]) + ' · ' +
      e[5] + ' substitutions — open side by side'},
  h('span', null, label), h('span', {class: 'sc'}, e[5] ? fmt(e[5]) + ' swaps' : pct(e[4])));
}

// One network: derived edges grouped by source ("source ← copies"), then same-story-only members.
function networkBody(cid, limit) {
  var ks = clusterEdges.get(cid) || [];
  var bySource = new Map(), inDerived = new Set();
  ks.forEach(function (k) {
    var e = EDGES[k];
    if (e[2] !== 'derived') return;
    push(bySource, e[1], k); inDerived.add(e[0]); inDerived.add(e[1]);
  });
  var groups = Array.from(bySource.entries()).sort(function (a, b) { return b[1].length - a[1].length || collator.compare(a[0], b[0]); });
  var body = h('div');
  var shown = 0;
  groups.forEach(function (g) {
    if (shown >= limit) return;
    var chips = h('div', {class: 'chips'});
    g[1].slice(0, Math.max(1, limit - shown)).forEach(function (k) { chips.appendChild(edgeChip(k, false)); shown++; });
    if (g[1].length > chips.children.length) chips.appendChild(h('a', {class: 'more', href: clusterHref(cid)}, '+' + (g[1].length - chips.children.length) + ' more'));
    body.appendChild(h('div', {class: 'grp'},
      h('div', {class: 'src'}, docLink(g[0]), h('small', null, 'source · copied by ' + fmt(g[1].length))), chips));
  });
  if (groups.length && shown >= limit) body.appendChild(h('a', {class: 'more', href: clusterHref(cid)}, 'all copies in this cluster →'));
  var c = CLUSTERS[clusterPos.get(cid)];
  var others = (c ? c[1] : []).filter(function (m) { return !inDerived.has(m); });
  if (others.length) {
    var chips2 = h('div', {class: 'chips'});
    others.slice(0, 12).forEach(function (m) {
      var i = docIndex.get(m);
      chips2.appendChild(h('a', {class: 'chip', href: i === undefined ? clusterHref(cid) : docHref(i), title: m}, h('span', null, m)));
    });
    if (others.length > 12) chips2.appendChild(h('a', {class: 'more', href: clusterHref(cid)}, '+' + (others.length - 12) + ' more'));
    body.appendChild(h('div', {class: 'grp'}, h('div', {class: 'src'}, h('small', null, 'same story, not copied')), chips2));
  }
  return body;
}
function clusterTitle(c) {
  return h('div', {class: 'net-h'},
    h('a', {class: 't', href: clusterHref(c[0])}, 'Cluster ' + c[0]),
    h('span', {class: 'muted'}, fmt(c[1].length) + ' documents · ' + fmt(c[2]) + ' derived · ' + fmt(c[3]) + ' same-story'));
}
function networks() {
  var ranked = CLUSTERS.filter(function (c) { return c[2] > 0; })
    .sort(function (a, b) { return b[2] - a[2] || b[1].length - a[1].length || a[0] - b[0]; });
  var box = h('div');
  ranked.slice(0, 8).forEach(function (c) {
    box.appendChild(h('div', {class: 'net'}, clusterTitle(c), networkBody(c[0], 24)));
  });
  var ext = Array.from(external.entries()).sort(function (a, b) { return b[1].length - a[1].length; });
  if (ext.length) {
    var div = h('div', {class: 'net'}, h('div', {class: 'net-h'}, h('span', {class: 't'}, 'Sources outside the scan'),
      h('span', {class: 'muted'}, 'found in the index (--db); their texts are not in this report')));
    ext.slice(0, 6).forEach(function (g) {
      var chips = h('div', {class: 'chips'});
      g[1].slice(0, 24).forEach(function (k) { chips.appendChild(edgeChip(k, false)); });
      div.appendChild(h('div', {class: 'grp'}, h('div', {class: 'src'}, h('span', {class: 'id', title: g[0]}, g[0]),
        h('small', null, 'outside the scan · copied by ' + fmt(g[1].length))), chips));
    });
    box.appendChild(div);
  }
  if (!box.children.length) return h('p', {class: 'note'}, 'No derived copies were found in this scan.');
  if (ranked.length > 8) box.appendChild(h('p', null, h('a', {href: '#clusters'}, 'All ' + fmt(CLUSTERS.length) + ' clusters →')));
  return box;
}

/* ---------- documents table ---------- */
var docState = {q: '', verdict: 'all', links: 'all', lo: null, hi: null, sort: 'score', dir: -1, page: 0};
var lowerIds = null;
function docRows() {
  if (!lowerIds) lowerIds = DOCS.map(function (d) { return String(d[0]).toLowerCase(); });
  var q = docState.q.trim().toLowerCase(), v = docState.verdict, l = docState.links, lo = docState.lo, hi = docState.hi;
  var out = [];
  for (var i = 0; i < N; i++) {
    if (q && lowerIds[i].indexOf(q) < 0) continue;
    var d = DOCS[i];
    if (v === 'spun' && !d[2]) continue;
    if (v === 'clean' && d[2]) continue;
    if (l === 'copies' && !nFrom[i]) continue;
    if (l === 'sources' && !nBy[i]) continue;
    if (l === 'cluster' && clusterOf[i] === null) continue;
    if (l === 'none' && (nFrom[i] || nBy[i] || nSame[i])) continue;
    if (lo !== null) {
      var x = d[1] || 0;
      if (x < lo || (hi < 1 ? x >= hi : x > hi)) continue;
    }
    out.push(i);
  }
  return out;
}
// "Derived from" (side 0) / "Copied by" (side 1) counts: one edge opens the pair, several the document.
function edgeCountCell(i, side) {
  var n = side ? nBy[i] : nFrom[i];
  if (!n) return countCell(0);
  if (n > 1) return h('a', {href: docHref(i), title: 'see the links of this document'}, String(n));
  var k = (docEdges.get(i) || []).filter(function (k) {
    return EDGES[k][2] === 'derived' && EDGES[k][side] === DOCS[i][0];
  })[0];
  return h('a', {href: k === undefined ? docHref(i) : edgeHref(k), title: 'open side by side'}, '1');
}
var DOC_COLUMNS = [
  {key: 'id', label: 'Document', cls: 'id', value: function (i) { return DOCS[i][0]; },
    cell: function (i) { return h('a', {href: docHref(i), title: DOCS[i][0]}, DOCS[i][0]); }},
  {key: 'score', label: 'Score', num: true, value: function (i) { return DOCS[i][1]; },
    cell: function (i) { return scoreBar(DOCS[i][1]); }},
  {key: 'verdict', label: 'Verdict', value: function (i) { return DOCS[i][2] ? 'spun' : 'clean'; },
    cell: function (i) { return verdictPill(DOCS[i][2]); }},
  {key: 'findings', label: 'Findings', num: true, value: function (i) { return DOCS[i][4].length; },
    cell: function (i) { return countCell(DOCS[i][4].length); }},
  {key: 'words', label: 'Words', num: true, value: function (i) { return DOCS[i][3]; },
    cell: function (i) { return fmt(DOCS[i][3]); }},
  {key: 'from', label: 'Derived from', num: true, value: function (i) { return nFrom[i]; },
    cell: function (i) { return edgeCountCell(i, 0); }},
  {key: 'by', label: 'Copied by', num: true, value: function (i) { return nBy[i]; },
    cell: function (i) { return edgeCountCell(i, 1); }},
  {key: 'same', label: 'Same story', num: true, value: function (i) { return nSame[i]; },
    cell: function (i) { return countCell(nSame[i]); }},
  {key: 'cluster', label: 'Cluster', num: true, value: function (i) { return clusterOf[i]; },
    cell: function (i) { return clusterOf[i] === null ? h('span', {class: 'zero'}, '–') : h('a', {href: clusterHref(clusterOf[i])}, '#' + clusterOf[i]); }}
];
function viewDocs(arg) {
  if (arg === 'spun' || arg === 'clean') {
    docState.verdict = arg; docState.lo = docState.hi = null; docState.page = 0;
    history.replaceState(null, '', '#docs');
  }
  var count = h('span', {class: 'count'});
  var table = pagedTable({state: docState, columns: DOC_COLUMNS, rows: docRows, href: docHref,
    empty: N ? 'No document matches these filters.' : 'This scan has no documents.',
    onDraw: function (n) { count.textContent = fmt(n) + ' of ' + fmt(N) + ' documents'; }});
  var bar = toolbar();
  bar.appendChild(searchBox(docState, 'Filter by id…', table.refresh));
  bar.appendChild(selectBox(docState, 'verdict', 'verdict', [['all', 'All verdicts'], ['spun', 'Spun'], ['clean', 'Clean']], table.refresh));
  bar.appendChild(selectBox(docState, 'links', 'links', [['all', 'Any links'], ['copies', 'Copies (derived from another)'],
    ['sources', 'Sources (copied by another)'], ['cluster', 'In a story cluster'], ['none', 'No links']], table.refresh));
  if (docState.lo !== null) {
    var chip = h('span', {class: 'filterchip'}, 'score ' + docState.lo.toFixed(1) + '–' + docState.hi.toFixed(1),
      h('button', {type: 'button', 'aria-label': 'clear score filter', title: 'clear'}, '✕'));
    chip.querySelector('button').addEventListener('click', function () {
      docState.lo = docState.hi = null; docState.page = 0; chip.remove(); table.refresh();
    });
    bar.appendChild(chip);
  }
  bar.appendChild(count);
  app.appendChild(bar);
  app.appendChild(table.el);
  table.refresh();
}

/* ---------- document view ---------- */
function findingsText(text, finds, listEl) {
  var frag = document.createDocumentFragment(), pos = 0, L = text.length;
  var order = finds.map(function (f, j) { return j; }).sort(function (a, b) { return finds[a][0] - finds[b][0] || a - b; });
  order.forEach(function (j) {
    var f = finds[j], st = Math.max(0, Math.min(L, f[0] | 0)), en = Math.max(0, Math.min(L, f[1] | 0));
    if (st < pos || en <= st) return;
    frag.appendChild(document.createTextNode(text.slice(pos, st)));
    var conf = typeof f[3] === 'number' ? f[3] : 0;
    var tip = 'confidence ' + f2(f[3]) + (f[2] !== null && f[2] !== undefined ? ' · suggestion: ' + f[2] : ' · no suggestion') +
      ((f[4] || []).length ? ' · ' + f[4].join(', ') : '');
    frag.appendChild(h('mark', {class: 'find' + (conf >= 0.8 ? ' hi' : conf < 0.5 ? ' lo' : ''), id: 'f' + j, title: tip},
      text.slice(st, en)));
    if (f[2] !== null && f[2] !== undefined) frag.appendChild(h('span', {class: 'sugg', title: tip}, '→ ' + f[2]));
    pos = en;
  });
  frag.appendChild(document.createTextNode(text.slice(pos)));
  return frag;
}
function relationList(i) {
  var ks = docEdges.get(i) || [];
  var id = DOCS[i][0];
  if (!ks.length) return h('p', {class: 'note'}, 'Not linked to any other document.');
  var groups = [['Derived from', []], ['Copied by', []], ['Same story', []]];
  ks.forEach(function (k) {
    var e = EDGES[k];
    if (e[2] === 'derived') groups[e[0] === id ? 0 : 1][1].push(k); else groups[2][1].push(k);
  });
  var ul = h('ul', {class: 'rel'});
  groups.forEach(function (g) {
    g[1].sort(function (a, b) { return (EDGES[b][3] || 0) - (EDGES[a][3] || 0); });
    g[1].forEach(function (k) {
      var e = EDGES[k], other = e[0] === id ? e[1] : e[0];
      ul.appendChild(h('li', null, h('span', {class: 'k'}, g[0]), docLink(other),
        docIndex.has(other) ? null : h('span', {class: 'pill ext'}, 'outside the scan'),
        h('span', {class: 'muted'}, 'score ' + f2(e[3]) + ' · coverage ' + pct(e[4]) +
          (e[2] === 'derived' ? ' · ' + e[5] + ' substitutions' : '')),
        h('a', {href: edgeHref(k)}, 'side by side →')));
    });
  });
  return ul;
}
function viewDoc(arg) {
  var i = Number(arg);
  if (!(i >= 0 && i < N && Math.floor(i) === i)) { app.appendChild(h('p', {class: 'note'}, 'No such document.')); return; }
  var d = DOCS[i], id = d[0], finds = d[4];
  app.appendChild(back('#docs', 'Documents'));
  app.appendChild(h('h2', null, id));
  app.appendChild(h('div', {class: 'meta'}, verdictPill(d[2]),
    h('span', null, 'score ', h('b', null, f2(d[1]))),
    h('span', null, h('b', null, fmt(d[3])), ' words'),
    h('span', null, h('b', null, fmt(finds.length)), ' finding' + (finds.length === 1 ? '' : 's')),
    clusterOf[i] === null ? h('span', null, 'in no story cluster')
      : h('span', null, 'story ', h('a', {href: clusterHref(clusterOf[i])}, 'cluster ' + clusterOf[i]))));
  app.appendChild(card('Links to other documents', relationList(i)));
  var textEl = h('div', {class: 'text'});
  var list = h('ol', {class: 'findlist'});
  if (hasOwn.call(TEXTS, id)) textEl.appendChild(findingsText(String(TEXTS[id]), finds));
  else textEl.appendChild(h('div', {class: 'missing'}, h('b', null, 'Text not in this scan')));
  textEl.setAttribute('dir', 'auto');  // after the content: dir=auto on a filling element re-scans it per child
  var text = hasOwn.call(TEXTS, id) ? String(TEXTS[id]) : '';
  var order = finds.map(function (f, j) { return j; }).sort(function (a, b) { return finds[a][0] - finds[b][0] || a - b; });
  var shown = 0;
  function more(n) {  // long documents: the list grows on demand, the text shows every finding at once
    var stop = Math.min(order.length, shown + n);
    for (; shown < stop; shown++) {
      var j = order[shown], f = finds[j];
      list.appendChild(h('li', {title: 'show in the text', 'data-f': j}, h('span', {class: 'cf'}, f2(f[3])),
        h('span', {class: 'ph'}, text.slice(f[0], f[1])),
        f[2] !== null && f[2] !== undefined ? [' → ', h('span', {class: 'to'}, f[2])] : h('span', {class: 'muted'}, ' (no suggestion)'),
        (f[4] || []).length ? h('span', {class: 'ev'}, f[4].join(', ')) : null));
    }
    moreBtn.hidden = shown >= order.length;
    moreBtn.textContent = 'Show ' + fmt(Math.min(FIND_PAGE, order.length - shown)) + ' more of ' + fmt(order.length - shown);
  }
  var moreBtn = h('button', {type: 'button', class: 'morebtn'});
  moreBtn.addEventListener('click', function () { more(FIND_PAGE); });
  list.addEventListener('click', function (ev) {
    var li = ev.target.closest('li[data-f]');
    var m = li && document.getElementById('f' + li.getAttribute('data-f'));
    if (m) { m.scrollIntoView({block: 'center'}); flash(m); }
  });
  more(FIND_PAGE);
  var side = h('aside', {class: 'card side'}, h('h3', null, 'Findings'),
    finds.length ? [list, moreBtn] : h('p', {class: 'note'}, 'No suspicious phrase was found in this document.'));
  app.appendChild(h('div', {class: 'doclayout'}, card('Text', textEl), side));
}
function flash(el) { el.classList.remove('flash'); void el.offsetWidth; el.classList.add('flash'); }

/* ---------- pair view ---------- */
// Text with aligned passages (span.al[data-a]) and substituted phrases (mark.sub[data-s]).
// als: [[start, end, index, similarity]], subs: [[start, end, index]]; origOf(index) labels the copy side.
function linkedText(text, als, subs, origOf, subTip) {
  var L = text.length;
  function cl(x) { return Math.max(0, Math.min(L, x | 0)); }
  var A = [], S = [], zero = new Map(), pts = new Set([0, L]);
  als.forEach(function (a) { var p = [cl(a[0]), cl(a[1]), a[2], a[3]]; if (p[1] > p[0]) { A.push(p); pts.add(p[0]); pts.add(p[1]); } });
  subs.forEach(function (x) {
    var p = [cl(x[0]), cl(x[1]), x[2]];
    if (p[1] > p[0]) { S.push(p); pts.add(p[0]); pts.add(p[1]); } else if (origOf) push(zero, p[0], p[2]);
  });
  var P = Array.from(pts).sort(function (a, b) { return a - b; });
  var at = new Map();
  P.forEach(function (p, j) { at.set(p, j); });
  var alAt = new Int32Array(P.length).fill(-1), subAt = new Int32Array(P.length).fill(-1), subEnd = new Map();
  A.forEach(function (a) { for (var j = at.get(a[0]); j < at.get(a[1]); j++) if (alAt[j] < 0) alAt[j] = a[2]; });
  S.forEach(function (x) {
    for (var j = at.get(x[0]); j < at.get(x[1]); j++) if (subAt[j] < 0) subAt[j] = x[2];
    subEnd.set(x[2], Math.max(subEnd.get(x[2]) || 0, x[1]));
  });
  var simOf = new Map();
  A.forEach(function (a) { simOf.set(a[2], a[3]); });
  var root = document.createDocumentFragment(), alEls = new Map(), subEls = new Map();
  var cur = -2, wrap = root;
  function zeros(p) {
    (zero.get(p) || []).forEach(function (si) {
      var el = h('span', {class: 'orig del', 'data-s': si, title: 'in the source, left out of the copy'}, '+ ' + origOf(si));
      wrap.appendChild(el); push(subEls, si, el);
    });
  }
  for (var j = 0; j + 1 < P.length; j++) {
    var a = alAt[j];
    if (a !== cur) {
      cur = a;
      if (a >= 0) {
        wrap = h('span', {class: a % 2 ? 'al odd' : 'al', 'data-a': a, title: 'aligned passage ' + (a + 1) + ' · similarity ' + f2(simOf.get(a))});
        root.appendChild(wrap); push(alEls, a, wrap);
      } else wrap = root;
    }
    zeros(P[j]);
    var seg = text.slice(P[j], P[j + 1]), si = subAt[j];
    if (si >= 0) {
      var m = h('mark', {class: 'sub', 'data-s': si, title: subTip(si)}, seg);
      wrap.appendChild(m); push(subEls, si, m);
      if (origOf && subEnd.get(si) === P[j + 1]) {
        var o = origOf(si);
        var lab = h('span', {class: 'orig', 'data-s': si, title: 'the source says: ' + o}, o === '' ? '∅ not in source' : o);
        wrap.appendChild(lab); push(subEls, si, lab);
      }
    } else wrap.appendChild(document.createTextNode(seg));
  }
  wrap = root; zeros(L);
  return {frag: root, al: alEls, sub: subEls};
}
function ensureVisible(pane, el, center) {
  var pr = pane.getBoundingClientRect(), er = el.getBoundingClientRect();
  if (center || er.top < pr.top + 8 || er.bottom > pr.bottom - 8) {
    pane.scrollTop += er.top - pr.top - Math.max(16, (pane.clientHeight - Math.min(er.height, pane.clientHeight)) / 3);
  }
}
function linkPanes(panes, sides, subRows) {
  var hl = [];
  function clear() { hl.forEach(function (el) { el.classList.remove('hl'); }); hl = []; }
  function mark(list) { (list || []).forEach(function (el) { el.classList.add('hl'); hl.push(el); }); }
  function pick(target) {
    var subEl = target.closest('[data-s]'), alEl = target.closest('[data-a]');
    return {s: subEl ? Number(subEl.getAttribute('data-s')) : -1, a: alEl ? Number(alEl.getAttribute('data-a')) : -1};
  }
  function show(p, from, center) {
    clear();
    sides.forEach(function (sd) { if (p.a >= 0) mark(sd.al.get(p.a)); if (p.s >= 0) mark(sd.sub.get(p.s)); });
    if (p.s >= 0 && subRows[p.s]) mark([subRows[p.s]]);
    [0, 1].forEach(function (k) {
      if (k === from || !sides[k]) return;
      var el = (p.s >= 0 && (sides[k].sub.get(p.s) || [])[0]) || (p.a >= 0 && (sides[k].al.get(p.a) || [])[0]);
      if (el) { ensureVisible(panes[k], el, center); if (center) flash(el); }
    });
  }
  var last = '';
  panes.forEach(function (pane, k) {
    pane.addEventListener('mouseover', function (ev) {
      var p = pick(ev.target), key = p.a + ':' + p.s;
      if (key === last) return;
      last = key;
      if (p.a < 0 && p.s < 0) { clear(); return; }
      show(p, k, false);
    });
    pane.addEventListener('mouseleave', function () { last = ''; clear(); });
    pane.addEventListener('click', function (ev) {
      var p = pick(ev.target);
      if (p.a >= 0 || p.s >= 0) show(p, k, true);
    });
  });
  return function (si) { show({a: -1, s: si}, -1, true); };
}
var DIRECTION = {'spin-score': 'the copy is the more spun of the two', 'external': 'the source was found in the index (--db), outside the scan',
  'tie': 'both look equally clean: which one copied the other is uncertain', 'undirected': 'same-story links have no direction'};
function pane(role, id, cls) {
  var i = docIndex.get(id);
  var head = h('div', {class: 'pane-h'}, h('span', {class: 'role'}, role), docLink(id),
    i === undefined ? h('span', {class: 'pill ext'}, 'outside the scan') : [verdictPill(DOCS[i][2]), h('span', {class: 'muted'}, 'score ' + f2(DOCS[i][1]))]);
  var body = h('div', {class: 'pane-b text sm ' + cls});
  return {el: h('section', {class: 'pane'}, head, body), body: body};
}
function viewEdge(arg) {
  var k = Number(arg);
  if (!(k >= 0 && k < EDGES.length && Math.floor(k) === k)) { app.appendChild(h('p', {class: 'note'}, 'No such edge.')); return; }
  var e = EDGES[k], derived = e[2] === 'derived', m = e[7];
  var ci = docIndex.get(e[0]);
  app.appendChild(back(ci === undefined ? '#edges' : docHref(ci), ci === undefined ? 'Edges' : String(e[0])));
  var tie = e[6] === 'tie';
  app.appendChild(h('h2', null, !derived ? 'Same story, reported separately'
    : tie ? 'Derived pair: one copies the other (which one is uncertain)' : 'Derived copy: copy (left) and its source (right)'));
  app.appendChild(h('div', {class: 'meta'}, relPill(e[2]),
    h('span', null, 'score ', h('b', null, f2(e[3]))),
    h('span', null, 'coverage ', h('b', null, pct(e[4]))),
    derived ? h('span', null, h('b', null, fmt(e[5])), ' substitutions') : null,
    h('span', null, 'direction: ' + (DIRECTION[e[6]] || e[6]))));
  var left = pane(!derived ? 'Document' : tie ? 'Copy?' : 'Copy', e[0], 'copy-side');
  var right = pane(!derived ? 'Document' : tie ? 'Source?' : 'Source', e[1], 'src-side');
  var als = [], subsL = [], subsR = [], subs = derived && m ? m[3] : [];
  if (m) for (var a = 0; a + 4 < m[2].length; a += 5) {
    var n = a / 5;
    als.push([[m[2][a], m[2][a + 1], n, m[2][a + 4]], [m[2][a + 2], m[2][a + 3], n, m[2][a + 4]]]);
  }
  subs.forEach(function (x, j) { subsL.push([x[0], x[1], j]); subsR.push([x[2], x[3], j]); });
  var sides = [null, null];
  [[left, e[0], 0], [right, e[1], 1]].forEach(function (t) {
    var p = t[0], id = t[1], side = t[2];
    if (!hasOwn.call(TEXTS, id)) {
      p.body.classList.remove('text');
      p.body.appendChild(h('div', {class: 'missing'}, h('b', null, 'Text not in this scan'),
        e[6] === 'external' && side === 1 ? 'This source was found in the index given with --db.' : id));
      return;
    }
    var r = linkedText(String(TEXTS[id]), als.map(function (x) { return x[side]; }), side ? subsR : subsL,
      side ? null : function (j) { return String(subs[j][5]); },
      side ? function (j) { return 'replaced in the copy by: ' + subs[j][4]; }
        : function (j) { return 'spun phrase; the source says: ' + subs[j][5]; });
    p.body.appendChild(r.frag);
    p.body.setAttribute('dir', 'auto');
    sides[side] = r;
  });
  app.appendChild(h('p', {class: 'hint'}, m && (als.length || subs.length)
    ? 'Aligned passages are tinted blue; hover or click one to highlight and scroll to its counterpart. ' +
      (derived ? 'Substituted phrases are orange in the copy, with the source’s wording in green beside them; green on the source side.' : '')
    : 'No aligned passages were recorded for this pair.'));
  app.appendChild(h('div', {class: 'pair'}, left.el, right.el));
  var subRows = [];
  var focus = linkPanes([left.body, right.body], [sides[0] || {al: new Map(), sub: new Map()}, sides[1] || {al: new Map(), sub: new Map()}], subRows);
  if (derived && subs.length) {
    var list = h('ol', {class: 'sublist'});
    subs.forEach(function (x, j) {
      var li = h('li', {title: 'show in both texts'}, h('span', {class: 'n'}, String(j + 1)),
        h('span', {class: 'c'}, x[4] === '' ? '∅' : x[4]), h('span', {class: 'ar'}, '←'),
        h('span', {class: 's'}, x[5] === '' ? '∅' : x[5]));
      li.addEventListener('click', function () { focus(j); });
      subRows[j] = li;
      list.appendChild(li);
    });
    app.appendChild(card('Substitutions (' + fmt(subs.length) + '): spun phrase in the copy ← wording of the source',
      list));
  }
}

/* ---------- edges, clusters, problems ---------- */
var edgeState = {q: '', rel: 'all', sort: 'score', dir: -1, page: 0};
var EDGE_COLUMNS = [
  {key: 'copy', label: 'Copy', cls: 'id', value: function (k) { return EDGES[k][0]; }, cell: function (k) { return docLink(EDGES[k][0]); }},
  {key: 'source', label: 'Source', cls: 'id', value: function (k) { return EDGES[k][1]; }, cell: function (k) { return docLink(EDGES[k][1]); }},
  {key: 'rel', label: 'Relation', value: function (k) { return EDGES[k][2]; }, cell: function (k) { return relPill(EDGES[k][2]); }},
  {key: 'score', label: 'Score', num: true, value: function (k) { return EDGES[k][3]; }, cell: function (k) { return f2(EDGES[k][3]); }},
  {key: 'coverage', label: 'Coverage', num: true, value: function (k) { return EDGES[k][4]; }, cell: function (k) { return pct(EDGES[k][4]); }},
  {key: 'subs', label: 'Substitutions', num: true, value: function (k) { return EDGES[k][5]; }, cell: function (k) { return countCell(EDGES[k][5]); }},
  {key: 'dir', label: 'Direction', value: function (k) { return EDGES[k][6]; }, cell: function (k) { return EDGES[k][6]; }}
];
function viewEdges(arg) {
  if (arg === 'derived' || arg === 'same-story') {
    edgeState.rel = arg; edgeState.page = 0;
    history.replaceState(null, '', '#edges');
  }
  var count = h('span', {class: 'count'});
  var table = pagedTable({state: edgeState, columns: EDGE_COLUMNS, href: edgeHref,
    empty: EDGES.length ? 'No edge matches these filters.' : 'No document of this scan is linked to another.',
    onDraw: function (n) { count.textContent = fmt(n) + ' of ' + fmt(EDGES.length) + ' edges'; },
    rows: function () {
      var q = edgeState.q.trim().toLowerCase(), out = [];
      EDGES.forEach(function (e, k) {
        if (edgeState.rel !== 'all' && e[2] !== edgeState.rel) return;
        if (q && String(e[0]).toLowerCase().indexOf(q) < 0 && String(e[1]).toLowerCase().indexOf(q) < 0) return;
        out.push(k);
      });
      return out;
    }});
  var bar = toolbar();
  bar.appendChild(searchBox(edgeState, 'Filter by copy or source id…', table.refresh));
  bar.appendChild(selectBox(edgeState, 'rel', 'relation', [['all', 'All relations'], ['derived', 'Derived'], ['same-story', 'Same story']], table.refresh));
  bar.appendChild(count);
  app.appendChild(bar);
  app.appendChild(table.el);
  table.refresh();
}
var clusterState = {q: '', sort: 'derived', dir: -1, page: 0};
var CLUSTER_COLUMNS = [
  {key: 'id', label: 'Cluster', num: true, value: function (c) { return CLUSTERS[c][0]; },
    cell: function (c) { return h('a', {href: clusterHref(CLUSTERS[c][0])}, '#' + CLUSTERS[c][0]); }},
  {key: 'size', label: 'Documents', num: true, value: function (c) { return CLUSTERS[c][1].length; }, cell: function (c) { return fmt(CLUSTERS[c][1].length); }},
  {key: 'derived', label: 'Derived edges', num: true, value: function (c) { return CLUSTERS[c][2]; }, cell: function (c) { return countCell(CLUSTERS[c][2]); }},
  {key: 'same', label: 'Same-story edges', num: true, value: function (c) { return CLUSTERS[c][3]; }, cell: function (c) { return countCell(CLUSTERS[c][3]); }},
  {key: 'members', label: 'Members', cls: 'id', value: function (c) { return CLUSTERS[c][1].join(' '); },
    cell: function (c) { var m = CLUSTERS[c][1]; return m.slice(0, 4).join(', ') + (m.length > 4 ? ', … (' + (m.length - 4) + ' more)' : ''); }}
];
function viewClusters() {
  var count = h('span', {class: 'count'});
  var table = pagedTable({state: clusterState, columns: CLUSTER_COLUMNS, href: function (c) { return clusterHref(CLUSTERS[c][0]); },
    empty: 'No story clusters: no two documents of this scan are linked.',
    onDraw: function (n) { count.textContent = fmt(n) + ' of ' + fmt(CLUSTERS.length) + ' clusters'; },
    rows: function () {
      var q = clusterState.q.trim().toLowerCase(), out = [];
      CLUSTERS.forEach(function (c, k) {
        if (q && !c[1].some(function (m) { return String(m).toLowerCase().indexOf(q) >= 0; })) return;
        out.push(k);
      });
      return out;
    }});
  var bar = toolbar();
  bar.appendChild(searchBox(clusterState, 'Clusters with a member id containing…', table.refresh));
  bar.appendChild(count);
  app.appendChild(bar);
  app.appendChild(table.el);
  table.refresh();
}
function viewCluster(arg) {
  var ci = clusterPos.get(Number(arg));
  if (ci === undefined) { app.appendChild(h('p', {class: 'note'}, 'No such cluster.')); return; }
  var c = CLUSTERS[ci];
  app.appendChild(back('#clusters', 'Clusters'));
  app.appendChild(h('h2', null, 'Story cluster ' + c[0]));
  app.appendChild(h('div', {class: 'meta'}, h('span', null, h('b', null, fmt(c[1].length)), ' documents'),
    h('span', null, h('b', null, fmt(c[2])), ' derived edges'), h('span', null, h('b', null, fmt(c[3])), ' same-story edges')));
  app.appendChild(card('Who copied whom', networkBody(c[0], 100000)));
  var members = c[1].map(function (m) { return docIndex.get(m); }).filter(function (i) { return i !== undefined; });
  var st = {q: '', sort: 'score', dir: -1, page: 0};
  var table = pagedTable({state: st, columns: DOC_COLUMNS, rows: function () { return members.slice(); }, href: docHref});
  app.appendChild(card('Members', table.el));
  table.refresh();
}
var problemState = {q: '', sort: 'source', dir: 1, page: 0};
function viewProblems() {
  var count = h('span', {class: 'count'});
  var table = pagedTable({state: problemState, href: function () { return '#problems'; },
    columns: [
      {key: 'source', label: 'Input', cls: 'id wrap', value: function (k) { return PROBLEMS[k][0]; }, cell: function (k) { return PROBLEMS[k][0]; }},
      {key: 'reason', label: 'Why it could not be read', cls: 'wrap', value: function (k) { return PROBLEMS[k][1]; }, cell: function (k) { return PROBLEMS[k][1]; }}],
    empty: 'Every input was read.',
    onDraw: function (n) { count.textContent = fmt(n) + ' of ' + fmt(PROBLEMS.length) + ' inputs'; },
    rows: function () {
      var q = problemState.q.trim().toLowerCase(), out = [];
      PROBLEMS.forEach(function (p, k) { if (!q || (p[0] + ' ' + p[1]).toLowerCase().indexOf(q) >= 0) out.push(k); });
      return out;
    }});
  var bar = toolbar();
  bar.appendChild(searchBox(problemState, 'Filter…', table.refresh));
  bar.appendChild(count);
  app.appendChild(h('p', {class: 'muted'}, 'These inputs could not be read; they are not part of the scan.'));
  app.appendChild(bar);
  app.appendChild(table.el);
  table.refresh();
}

window.addEventListener('hashchange', route);
var t0 = performance.now();
route();
document.body.setAttribute('data-render-ms', String(Math.round(performance.now() - t0)));
document.body.setAttribute('data-ready', '1');
})();
"""  # noqa: E501 (a script, not Python)
