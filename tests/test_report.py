"""The HTML report: self-contained, safe with hostile documents, and carrying the whole scan.

The fixtures (``small_scan``, ``demo_scan``, ``synthetic_scan``) are in ``report_fixtures.py``,
shared with ``test_report_browser.py``.
"""

from __future__ import annotations

import html
import json
import re

from unspin.core.results import Finding, ScanResult
from unspin.report import render_report, report_data

from .report_fixtures import (
    XSS_ATTR,
    XSS_IMG,
    XSS_SCRIPT,
    XSS_SVG,
    demo_scan,
    doc,
    small_scan,
    synthetic_scan,
)


def extract_data(page: str) -> str:
    m = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return m.group(1)


def test_page_is_self_contained():
    page = render_report(small_scan())
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "<link" not in page.lower()
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert "@import" not in page and "url(" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # exactly two script elements: the data and the page's own script
    assert len(re.findall(r"<script\b", page, re.I)) == 2
    assert len(re.findall(r"</script", page, re.I)) == 2


def test_embedded_data_round_trips():
    scan = small_scan()
    page = render_report(scan)
    block = extract_data(page)
    data = json.loads(block)
    assert data == json.loads(json.dumps(report_data(scan)))
    assert data["texts"] == scan.texts
    assert [d[0] for d in data["docs"]] == [d.id for d in scan.documents]
    assert [d[1] for d in data["docs"]] == [round(d.score, 4) for d in scan.documents]
    assert [(e[0], e[1], e[2]) for e in data["edges"]] == [(e.copy_id, e.source_id, e.relation) for e in scan.edges]
    assert data["problems"] == [list(p) for p in scan.problems]
    assert data["clusters"] == [[0, ["copy.txt", scan.documents[3].id, "same-story.txt", "source.txt"], 2, 1]]
    # substitution offsets point at the phrases in both texts, copy side first
    match = data["edges"][0][7]
    copy, source = scan.texts["copy.txt"], scan.texts["source.txt"]
    for cs, ce, ss, se, spun, original in match[3]:
        assert copy[cs:ce] == spun and source[ss:se] == original
    al = match[2]
    assert len(al) == 5 * 3 and source[al[2]:al[3]].startswith("Researchers")
    assert data["edges"][1][7] is None  # same-story edge without a match


def test_data_block_cannot_be_escaped():
    page = render_report(small_scan())
    block = extract_data(page)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in block
    assert "\\u003c/script\\u003e" in block
    # the hostile text appears nowhere raw in the page
    for payload in (XSS_SCRIPT, XSS_IMG, XSS_SVG, "<img", "<svg"):
        assert payload not in page
    assert XSS_ATTR not in page


def test_title_is_escaped():
    page = render_report(small_scan(), title='<b>"Report"</b> & </title><script>alert(1)</script>')
    assert "<b>" not in page and "</title><script>" not in page
    assert html.escape('<b>"Report"</b> & </title>', quote=True) in page
    assert page.count("<title>") == 1


def test_offsets_are_utf16_for_astral_text():
    text = "😀 Das 𝔎ünstliche: counterfeit consciousness überall."
    start = text.index("counterfeit")
    f = Finding(start, start + len("counterfeit consciousness"), "counterfeit consciousness",
                "artificial intelligence", 0.9)
    data = report_data(ScanResult((doc("ü.txt", text, 0.8, (f,)),), (), (), {"ü.txt": text}))
    s16, e16 = data["docs"][0][4][0][:2]
    units = text.encode("utf-16-le")
    assert units[2 * s16:2 * e16].decode("utf-16-le") == "counterfeit consciousness"
    assert (s16, e16) == (start + 2, f.end + 2)


def test_edge_cases_render():
    empty = render_report(ScanResult((), (), (), {}))
    assert json.loads(extract_data(empty))["docs"] == []
    nan = ScanResult((doc("a", "x", float("nan")),), (), (), {})  # NaN is not JSON: written as null
    assert json.loads(extract_data(render_report(nan)))["docs"][0][1] is None
    surrogate = ScanResult((doc("s", "bad \udcff byte", 0.1),), (), (), {"s": "bad \udcff byte"})
    page = render_report(surrogate)
    page.encode("utf-8")  # a lone surrogate must not make the page unwritable
    assert json.loads(extract_data(page))["texts"]["s"] == "bad \udcff byte"


def test_size_is_dominated_by_texts():
    scan = synthetic_scan(10_000)
    page = render_report(scan)
    text_chars = sum(len(t) for t in scan.texts.values())
    assert text_chars > 0.55 * len(page), (len(page), text_chars)  # with texts of only ~100 characters




def test_demo_and_synthetic_fixtures_are_consistent():
    for scan in (demo_scan(), small_scan()):
        data = report_data(scan)
        for e in data["edges"]:
            if e[7] is None or e[1] not in scan.texts:
                continue
            copy, source = scan.texts[e[0]], scan.texts[e[1]]
            for cs, ce, ss, se, spun, original in e[7][3]:
                assert copy[cs:ce] == spun and source[ss:se] == original
        for d in scan.documents:
            for f in d.findings:
                assert scan.texts[d.id][f.start:f.end] == f.text
    assert len(synthetic_scan(1000).documents) == 1000
