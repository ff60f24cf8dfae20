"""The HTML report in a real headless Chromium (Debian's, at /usr/bin/chromium, driven by
Playwright): hostile documents do not run, nothing is fetched, the table pages and sorts
10,000 documents, and the pair view links a copy to its source.

Screenshots of the overview and of a pair view go to ``bench/out/`` (gitignored) for a look.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.report_fixtures import (
    SOURCE_TEXT,
    SWAPS,
    UNICODE_TEXT,
    demo_scan,
    derived_edge,
    doc,
    small_scan,
    spin,
    synthetic_scan,
)
from unspin.core.results import ScanResult
from unspin.report import render_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUT = Path(__file__).resolve().parent.parent / "bench" / "out"

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium: apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Watched:
    """A page that records dialogs, script errors and every request that is not a file."""

    def __init__(self, browser: Any, width: int = 1400, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.remote: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        # a blocked inline handler or resource means markup was injected, even if it did not run
        self.page.on("console", lambda m: "Content Security Policy" in m.text and self.errors.append(m.text))
        self.context.route("**/*", self._route)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.remote.append(url)
            route.abort()

    def open(self, path: Path, view: str = "") -> Any:
        self.page.goto(path.as_uri() + ("#" + view if view else ""))
        self.page.wait_for_selector("body[data-ready='1']")
        return self.page

    def go(self, view: str) -> Any:
        self.page.evaluate("v => { location.hash = v; }", view)
        self.page.wait_for_timeout(30)
        return self.page

    def assert_clean(self) -> None:
        assert self.dialogs == [], f"a dialog opened: {self.dialogs}"
        assert self.page.evaluate("typeof window.__pwned") == "undefined", "an injected payload ran"
        assert self.remote == [], f"the page tried to fetch {self.remote}"
        assert all(u.startswith(("file://", "data:", "about:")) for u in self.requests), self.requests
        assert self.errors == [], f"script errors: {self.errors}"

    def close(self) -> None:
        self.context.close()


def write(tmp_path: Path, scan: ScanResult, name: str = "report.html", **kw: Any) -> Path:
    path = tmp_path / name
    path.write_text(render_report(scan, **kw), encoding="utf-8")
    return path


def visit_everything(w: Watched, scan: ScanResult) -> None:
    """Open every view and move the mouse over every highlighted span and link."""
    views = ["overview", "docs", "edges", "clusters", "problems"]
    views += [f"doc/{i}" for i in range(len(scan.documents))]
    views += [f"edge/{k}" for k in range(len(scan.edges))]
    views += [f"cluster/{c.id}" for c in scan.clusters]
    for view in views:
        page = w.go(view)
        # every element gets mouse events (would fire any injected on* attribute) ...
        page.evaluate("""() => document.querySelectorAll('body *').forEach(el => {
            for (const type of ['mouseover', 'mouseenter', 'mousemove', 'focus', 'mouseout'])
                el.dispatchEvent(new MouseEvent(type, {bubbles: type !== 'mouseenter'}));
        })""")
        # ... and the highlighted spans a real pointer
        for el in page.query_selector_all("mark, .orig, .sugg")[:6]:
            if el.is_visible():
                el.hover(timeout=2000, force=True)
        w.assert_clean()


@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "without-csp"])
def test_hostile_documents_do_not_run(browser: Any, tmp_path: Path, csp: bool) -> None:
    scan = small_scan()
    page_html = render_report(scan, title='<img src=x onerror="window.__pwned=1;alert(1)">')
    if not csp:  # the script itself must be safe, not only the Content-Security-Policy
        page_html, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page_html)
        assert n == 1
    path = tmp_path / "hostile.html"
    path.write_text(page_html, encoding="utf-8")
    w = Watched(browser)
    try:
        page = w.open(path)
        assert page.title() == '<img src=x onerror="window.__pwned=1;alert(1)">'
        visit_everything(w, scan)
        # the hostile id and text are shown as text
        hostile = scan.documents[3]
        page = w.go("doc/3")
        assert page.inner_text("h2") == hostile.id
        assert "</script><script>window.__pwned=1" in page.inner_text(".text")
        assert page.query_selector(".text img, .text script, .text svg") is None
        assert page.inner_text("mark.find") == hostile.findings[0].text
        assert page.inner_text(".text .sugg") == "→ " + hostile.findings[0].suggestion
        # non-Latin text with characters outside the BMP: the finding still lands on its phrase
        page = w.go("doc/5")
        assert page.inner_text("mark.find") == "counterfeit consciousness"
        assert UNICODE_TEXT.split()[1] in page.inner_text(".text")
        page = w.go("doc/6")  # a document whose text is not in the scan
        assert "Text not in this scan" in page.inner_text("main")
        page = w.go("edge/2")  # a source found only in the index
        assert "Text not in this scan" in page.inner_text(".src-side")
        assert page.inner_text(".copy-side mark.sub >> nth=0") == "preparation information"
        page = w.go("problems")
        assert "binary file" in page.inner_text("table")
        w.assert_clean()
    finally:
        w.close()


def test_empty_scan(browser: Any, tmp_path: Path) -> None:
    w = Watched(browser)
    try:
        page = w.open(write(tmp_path, ScanResult((), (), (), {})))
        assert page.inner_text(".stat .v >> nth=0") == "0"
        assert page.query_selector("svg.hist") is not None
        page = w.go("docs")
        assert "This scan has no documents." in page.inner_text("table")
        w.assert_clean()
    finally:
        w.close()


def first_ids(page: Any) -> list[str]:
    return page.eval_on_selector_all("table.grid tbody tr td:first-child", "els => els.map(e => e.textContent)")


def test_ten_thousand_documents_page_and_sort(browser: Any, tmp_path: Path) -> None:
    scan = synthetic_scan(10_000)
    path = write(tmp_path, scan, "big.html")
    w = Watched(browser)
    try:
        page = w.open(path, "docs")
        build_ms = int(page.get_attribute("body", "data-render-ms"))
        assert build_ms < 1000, f"building the table took {build_ms} ms"
        assert len(first_ids(page)) == 50
        assert page.inner_text(".pageinfo") == "Page 1 of 200"
        assert page.inner_text(".count") == "10,000 of 10,000 documents"
        scores = page.eval_on_selector_all("table.grid tbody tr td:nth-child(2)",
                                           "els => els.map(e => parseFloat(e.textContent))")
        assert scores == sorted(scores, reverse=True) and scores[0] > 0.9  # default: highest score first
        page1 = first_ids(page)
        page.click("button.next")
        assert page.inner_text(".pageinfo") == "Page 2 of 200"
        page2 = first_ids(page)
        assert len(page2) == 50 and not set(page1) & set(page2)

        page.click("th button[data-key=id]")  # sort by id, ascending
        assert first_ids(page)[:3] == ["doc-00000", "doc-00001", "doc-00002"]
        assert page.inner_text(".pageinfo") == "Page 1 of 200"
        page.click("th button[data-key=id]")  # and descending
        assert first_ids(page)[0] == "doc-09999"
        page.click("th button[data-key=score]")
        scores = page.eval_on_selector_all("table.grid tbody tr td:nth-child(2)",
                                           "els => els.map(e => parseFloat(e.textContent))")
        assert scores == sorted(scores, reverse=True)
        page.click("th button[data-key=score]")
        scores = page.eval_on_selector_all("table.grid tbody tr td:nth-child(2)",
                                           "els => els.map(e => parseFloat(e.textContent))")
        assert scores == sorted(scores)

        page.fill("input[type=search]", "doc-0999")
        assert page.inner_text(".count") == "10 of 10,000 documents"
        page.fill("input[type=search]", "")
        page.select_option("select[aria-label=verdict]", "spun")
        n_spun = sum(d.spun for d in scan.documents)
        assert page.inner_text(".count") == f"{n_spun:,} of 10,000 documents"

        # the overview and its histogram, timed from a fresh load
        page = w.open(path, "overview")
        assert int(page.get_attribute("body", "data-render-ms")) < 1000
        assert len(page.query_selector_all("svg.hist g.bar")) == 10
        counts = page.eval_on_selector_all("svg.hist g.bar text.cnt", "els => els.map(e => e.textContent)")
        assert sum(int(c.replace(",", "")) for c in counts) == 10_000
        # clicking a bar lists that bin's documents
        page.click("svg.hist g.bar[data-bin='9'] rect >> nth=0")
        page.wait_for_selector(".filterchip")
        assert re.fullmatch(r"[\d,]+ of 10,000 documents", page.inner_text(".count"))
        w.assert_clean()
    finally:
        w.close()


def test_pair_view_and_screenshots(browser: Any, tmp_path: Path) -> None:
    scan = demo_scan()
    path = write(tmp_path, scan, "demo.html", title="Crawl of 2024-05-01")
    OUT.mkdir(parents=True, exist_ok=True)
    w = Watched(browser)
    try:
        page = w.open(path)
        hist = page.query_selector("svg.hist")
        assert hist is not None and len(page.query_selector_all("svg.hist g.bar")) == 10
        assert page.inner_text(".stat .v >> nth=0") == str(len(scan.documents))
        page.screenshot(path=str(OUT / "report-overview.png"), full_page=True)

        # from the largest copy network to the side-by-side view
        page.click(".net a.chip >> nth=0")
        page.wait_for_selector(".pair")
        k = int(page.evaluate("location.hash").split("/")[1])
        edge = scan.edges[k]
        assert edge.relation == "derived" and edge.match is not None
        assert page.inner_text(".copy-side") and page.inner_text(".src-side")
        left = page.query_selector_all(".copy-side mark.sub")
        right = page.query_selector_all(".src-side mark.sub")
        subs = edge.match.substitutions
        assert len(left) == len(right) == len(subs) > 0
        labels = page.eval_on_selector_all(".copy-side .orig", "els => els.map(e => e.textContent)")
        assert labels == [s.source_text for s in subs]
        assert [m.inner_text() for m in left] == [s.text for s in subs]
        assert [m.inner_text() for m in right] == [s.source_text for s in subs]
        # hovering an aligned passage highlights its counterpart
        passages = page.query_selector_all(".src-side .al")
        assert len(passages) == len(edge.match.alignments)
        x, y = page.evaluate("""() => { const r = document.querySelectorAll('.copy-side .al')[2].getClientRects()[0];
                                        return [r.left + 3, r.top + r.height / 2]; }""")
        page.mouse.move(x, y)
        assert "hl" in (passages[2].get_attribute("class") or "")
        assert "hl" not in (passages[1].get_attribute("class") or "")
        # hovering a substituted phrase highlights it on both sides (and its passage)
        left[3].hover()
        assert "hl" in (right[3].get_attribute("class") or "")
        assert "hl" in (left[3].get_attribute("class") or "")
        page.screenshot(path=str(OUT / "report-pair.png"), full_page=True)
        # the same pair from the documents table and the document view
        w.go("docs")
        page.fill("input[type=search]", edge.copy_id)
        page.click("table.grid tbody tr >> nth=0")
        page.wait_for_selector(".rel")
        page.click(".rel a:has-text('side by side')")
        page.wait_for_selector(".pair")
        assert page.evaluate("location.hash") == f"#edge/{k}"
        # ... and straight from the "Derived from" count of the documents table
        w.go("docs")
        page.fill("input[type=search]", edge.copy_id)
        page.click("table.grid tbody tr >> nth=0 >> td:nth-child(6) a")
        page.wait_for_selector(".pair")
        assert page.evaluate("location.hash") == f"#edge/{k}"
        # a same-story pair: side by side, no substitutions
        same = next(i for i, e in enumerate(scan.edges) if e.relation == "same-story")
        page = w.go(f"edge/{same}")
        assert page.query_selector(".pair") is not None and page.query_selector("mark.sub") is None
        w.assert_clean()
    finally:
        w.close()


def test_very_long_texts_stay_fast(browser: Any, tmp_path: Path) -> None:
    source = " ".join([SOURCE_TEXT] * 2000)  # about 450,000 characters, 8,000 substitutions
    copy, alignments, subs, findings = spin(source, SWAPS)
    scan = ScanResult((doc("copy", copy, 0.9, findings), doc("source", source, 0.1)),
                      (derived_edge("copy", "source", alignments, subs),), (), {"copy": copy, "source": source})
    path = write(tmp_path, scan, "long.html")
    w = Watched(browser)
    try:
        page = w.open(path, "doc/0")
        assert int(page.get_attribute("body", "data-render-ms")) < 1500
        assert page.eval_on_selector_all(".text mark.find", "els => els.length") == len(findings)
        page = w.open(path, "edge/0")
        assert int(page.get_attribute("body", "data-render-ms")) < 3000
        # hovering a phrase near the end highlights and scrolls to its counterpart quickly
        ms = page.evaluate("""() => {
            const marks = document.querySelectorAll('.copy-side mark.sub');
            const t = performance.now();
            marks[marks.length - 3].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
            document.body.offsetHeight;
            return performance.now() - t; }""")
        assert ms < 150, f"a hover took {ms} ms"
        assert page.evaluate("document.querySelector('.src-side').scrollTop") > 10_000
        assert page.eval_on_selector_all(".src-side mark.sub.hl", "els => els.length") == 1
        w.assert_clean()
    finally:
        w.close()
