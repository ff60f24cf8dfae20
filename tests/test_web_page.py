"""The web page of ``unspin serve`` in a real headless Chromium (Debian's ``/usr/bin/chromium``
driven by the ``playwright`` package) against a live server: check, trace, side-by-side view,
token field, no request to any other host, and no way for document text or ids to run script.

Screenshots go to ``bench/out/page-check.png`` and ``bench/out/page-trace.png``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium): the page tests need a real "
                "browser at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the page tests drive Chromium with the 'playwright' "
                                                             "package (pip install playwright; no browser download)")

from unspin import Index  # noqa: E402

from .web_server import SOURCE, SPUN, build_index, running_server  # noqa: E402

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUT = Path(__file__).resolve().parent.parent / "bench" / "out"
TOKEN = "page-token-42"

SCRIPT = "<script>window.__pwned=1</script>"
ATTR = '" onmouseover="window.__pwned=1'
IMG = '<img src=x onerror="window.__pwned=1">'
PAYLOADS = (SCRIPT, ATTR, IMG)
EVIL_ID = IMG  # an indexed document whose id is itself a payload
EVIL_SOURCE = (
    "The harbour board in Portsmouth approved a new ferry timetable on Friday after months of complaints "
    f"from commuters. {SCRIPT} Officials said the first boats would leave at six in the morning from March. "
    f"The chair of the board told reporters that the change was overdue {ATTR} and promised that late services "
    "would be checked every week.\n\n"
    f"Passengers said the old timetable had caused long queues at the terminal. {IMG} The operator expects "
    "about 4,000 people a day to use the new routes, and fares will not rise until next year."
)
EVIL_SPUN = (
    "The harbour board in Portsmouth endorsed a new ferry timetable on Friday after months of grievances "
    f"from commuters. {SCRIPT} Officials said the first vessels would leave at six in the morning from March. "
    f"The chair of the board told journalists that the change was belated {ATTR} and promised that late services "
    "would be examined every week.\n\n"
    f"Passengers said the old timetable had caused long lines at the terminal. {IMG} The operator expects "
    "about 4,000 people a day to utilize the new routes, and fares will not rise until next year."
)


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    other = ("Cats sleep for most of the day in warm places, and many of them hunt at night. Owners in Leeds "
             "said their pets were calmer in winter, according to a survey of 2,000 homes.")
    return build_index(tmp_path_factory.mktemp("page") / "page.db",
                       [("bristol-ai", SOURCE), ("cats", other), (EVIL_ID, EVIL_SOURCE)])


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[str]:
    with running_server(db=str(db)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class Session:
    """A fresh browser context and page, recording every request, dialog and script error."""

    def __init__(self, browser: sync_api.Browser, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.set_default_timeout(20_000)

    def _dialog(self, dialog: sync_api.Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def foreign_requests(self) -> list[str]:
        """Requests to anything but the test server (``data:`` URLs are not requests to a host)."""
        own = urlsplit(self.base).netloc
        return [u for u in self.requests if not (u.startswith("data:") or urlsplit(u).netloc == own)]

    def pwned(self) -> object:
        return self.page.evaluate("() => window.__pwned")


@pytest.fixture()
def session(browser: sync_api.Browser, server: str) -> Iterator[Session]:
    s = Session(browser, server)
    try:
        yield s
    finally:
        s.context.close()


def shot(page: sync_api.Page, name: str, *selectors: str) -> Path:
    """Screenshot the whole page, or the region covering ``selectors``, to bench/out/NAME."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    if not selectors:
        page.screenshot(path=str(path), full_page=True)
        return path
    boxes = [page.locator(sel).bounding_box() for sel in selectors]
    scroll = page.evaluate("() => [window.scrollX, window.scrollY]")
    boxes = [b for b in boxes if b]
    x0 = min(b["x"] for b in boxes) - 16
    y0 = min(b["y"] for b in boxes) - 16
    x1 = max(b["x"] + b["width"] for b in boxes) + 16
    y1 = max(b["y"] + b["height"] for b in boxes) + 16
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": x0 + scroll[0], "y": y0 + scroll[1], "width": x1 - x0, "height": y1 - y0})
    return path


# --------------------------------------------------------------------------------------------
# Check and trace, as a person would


def test_check_then_trace_side_by_side(session: Session) -> None:
    page = session.page
    page.goto(session.base + "/")
    assert page.title().startswith("unspin")
    sync_api.expect(page.locator("#status")).to_contain_text("Index: 3 documents")
    assert page.locator("#token-row").is_hidden()  # no token configured
    assert page.locator("#learn-row").is_hidden()  # not started with --learn: nothing can write

    page.fill("#text", SPUN)
    page.click("#check")
    sync_api.expect(page.locator("#verdict-label")).to_have_text("Likely machine-spun")
    score = float(page.locator("#score").get_attribute("title") or "nan")
    assert 0.5 <= score <= 1
    assert page.locator("#score").inner_text() in (f"{score:.2f}", ">0.99")

    # A highlighted span with its suggestion inline and its confidence in the tooltip.
    finding = page.locator("#annotated .f", has=page.locator("mark", has_text="preparation information"))
    sync_api.expect(finding).to_have_count(1)
    sync_api.expect(finding.locator(".sugg")).to_have_text("training data")
    tip = finding.get_attribute("data-tip") or ""
    assert "training data" in tip and "confidence" in tip and "%" in tip
    sync_api.expect(page.locator("#findings .fitem").first).to_be_visible()
    assert "100% confident" not in page.locator("#findings").inner_text()  # an estimate, capped at 99%
    assert page.evaluate("() => document.querySelector('#findings').textContent.includes('% confident')")
    finding.locator("mark").hover()
    # The annotated text still reads as the original text, spans included.
    assert page.locator("#annotated mark").all_inner_texts()[0] in SPUN

    # Trace: the source with its relation, then the side-by-side view.
    match = page.locator(".match").first
    sync_api.expect(match.locator(".src-id")).to_have_text("bristol-ai")
    sync_api.expect(match.locator(".rel")).to_have_text("derived copy")
    shot(page, "page-check.png")

    match.locator("button", has_text="Compare side by side").click()
    sync_api.expect(page.locator("#compare")).to_be_visible()
    sync_api.expect(page.locator("#source-id")).to_have_text("bristol-ai")
    left = page.locator("#col-input .f", has=page.locator("mark.sub.spun", has_text="counterfeit consciousness"))
    sync_api.expect(left).to_have_count(1)
    sync_api.expect(left.locator(".orig")).to_have_text("artificial intelligence")
    index = left.get_attribute("data-sub")
    right = page.locator(f'#col-source .f[data-sub="{index}"] mark.sub.src')
    sync_api.expect(right).to_have_text("artificial intelligence")
    left.locator("mark").hover()
    sync_api.expect(right).to_have_class("sub src linked")
    # The source column shows the source text exactly.
    assert page.locator("#col-source").inner_text().strip() == SOURCE.strip()
    shot(page, "page-trace.png", "#trace", "#compare")

    assert session.foreign_requests() == []
    assert {urlsplit(u).path for u in session.requests if not u.startswith("data:")} >= {
        "/", "/health", "/check", "/trace", "/documents/bristol-ai"}
    assert session.errors == [] and session.dialogs == []


def test_upload_a_text_file(session: Session, tmp_path: Path) -> None:
    page = session.page
    page.goto(session.base + "/")
    f = tmp_path / "upload-article.md"
    f.write_text(SPUN, encoding="utf-8")
    page.set_input_files("#file", str(f))
    sync_api.expect(page.locator("#file-chip")).to_have_text("upload-article.md")
    assert page.input_value("#text") == SPUN
    page.click("#check")
    sync_api.expect(page.locator("#verdict-label")).to_have_text("Likely machine-spun")
    assert session.foreign_requests() == [] and session.errors == []


# --------------------------------------------------------------------------------------------
# Untrusted text never runs


def assert_not_pwned(session: Session) -> None:
    assert session.pwned() is None, "a payload ran"
    assert session.dialogs == []
    page = session.page
    assert page.locator("#results script, #results img, #results [onmouseover], #results [onerror]").count() == 0


def test_payloads_in_the_text_and_in_an_indexed_document_are_shown_as_text(session: Session) -> None:
    page = session.page
    page.goto(session.base + "/")
    page.fill("#text", EVIL_SPUN)
    page.click("#check")
    sync_api.expect(page.locator("#verdict-label")).to_be_visible()
    annotated = page.locator("#annotated").inner_text()
    for p in PAYLOADS:
        assert p in annotated
    page.locator("#annotated").hover()
    assert_not_pwned(session)

    # The trace finds the indexed document whose id and text are payloads.
    match = page.locator(".match", has=page.locator(".src-id", has_text=EVIL_ID))
    sync_api.expect(match).to_have_count(1)
    sync_api.expect(match.locator(".src-id")).to_have_text(EVIL_ID)
    match.locator("button").click()
    sync_api.expect(page.locator("#source-id")).to_have_text(EVIL_ID)
    source_text = page.locator("#col-source").inner_text()
    for p in PAYLOADS:
        assert p in source_text
    page.locator("#col-source").hover()
    page.locator("#col-input").hover()
    page.locator("#restored").evaluate("n => n.closest('details').open = true")
    assert EVIL_SPUN.split(SCRIPT)[0] in page.locator("#annotated").inner_text()
    assert_not_pwned(session)
    assert session.foreign_requests() == []
    assert session.errors == []


def test_payloads_in_an_uploaded_html_file_do_not_run(session: Session, tmp_path: Path) -> None:
    page = session.page
    page.goto(session.base + "/")
    f = tmp_path / "evil.html"
    f.write_text(f"<html><head><script>window.__pwned=1</script></head><body><p>{EVIL_SPUN}</p>"
                 f"<p>Visible &lt;b&gt;text&lt;/b&gt; {IMG}</p><svg onload=\"window.__pwned=1\"></svg></body></html>",
                 encoding="utf-8")
    page.set_input_files("#file", str(f))
    sync_api.expect(page.locator("#file-chip")).to_have_text("evil.html")
    text = page.input_value("#text")
    assert "Visible <b>text</b>" in text and "harbour board" in text
    page.click("#check")
    sync_api.expect(page.locator("#verdict-label")).to_be_visible()
    assert "Visible <b>text</b>" in page.locator("#annotated").inner_text()
    assert_not_pwned(session)
    assert session.foreign_requests() == []


# --------------------------------------------------------------------------------------------
# Token


def test_token_field(browser: sync_api.Browser, db: Path, tmp_path: Path) -> None:
    ro_db = tmp_path / "ro.db"
    shutil.copy(db, ro_db)
    before = Index.open(ro_db, read_only=True)
    learned = before.info().substitutions
    before.close()
    with running_server(db=str(ro_db), token=TOKEN, read_only=True) as url:
        s = Session(browser, url)
        try:
            page = s.page
            page.goto(url + "/")
            sync_api.expect(page.locator("#token-row")).to_be_visible()
            sync_api.expect(page.locator("#status")).to_contain_text("read-only")
            page.fill("#text", SPUN)
            page.click("#check")
            sync_api.expect(page.locator("#error")).to_contain_text("API token")
            page.fill("#token", "wrong")
            page.click("#check")
            sync_api.expect(page.locator("#error")).to_contain_text("wrong API token")
            page.fill("#token", TOKEN)
            page.click("#check")
            sync_api.expect(page.locator("#verdict-label")).to_have_text("Likely machine-spun")
            sync_api.expect(page.locator(".match .src-id").first).to_have_text("bristol-ai")
            assert page.evaluate("() => sessionStorage.getItem('unspin.token')") == TOKEN
            assert page.evaluate("() => localStorage.length") == 0
            page.reload()
            assert page.input_value("#token") == TOKEN  # kept for the tab
            assert s.foreign_requests() == [] and s.errors == []
        finally:
            s.context.close()
    with Index.open(ro_db, read_only=True) as after:
        assert after.info().substitutions == learned  # the page's traces on a read-only server learn nothing


# --------------------------------------------------------------------------------------------
# Learning


def test_the_learn_box_is_unticked_and_learns_only_when_ticked(browser: sync_api.Browser, db: Path,
                                                                tmp_path: Path) -> None:
    learning_db = tmp_path / "learn.db"
    shutil.copy(db, learning_db)

    def learned() -> int:
        with Index.open(learning_db, read_only=True) as idx:
            return idx.info().substitutions

    before = learned()
    with running_server(db=str(learning_db), learn=True) as url:
        s = Session(browser, url)
        try:
            page = s.page
            page.goto(url + "/")
            sync_api.expect(page.locator("#learn-row")).to_be_visible()
            sync_api.expect(page.locator("#learn-row")).to_contain_text("writes to the index")
            assert not page.is_checked("#learn")
            page.fill("#text", SPUN)
            page.click("#check")
            sync_api.expect(page.locator(".match .src-id").first).to_have_text("bristol-ai")
            assert learned() == before  # unticked: the trace wrote nothing
            page.check("#learn")
            page.click("#check")
            sync_api.expect(page.locator(".match .src-id").first).to_have_text("bristol-ai")
            page.wait_for_function("() => !document.getElementById('check').disabled")
            assert learned() > before
            assert s.foreign_requests() == [] and s.errors == []
        finally:
            s.context.close()
