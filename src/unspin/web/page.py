# ruff: noqa: E501  (the embedded CSS, JS and HTML keep their own line lengths)
"""The web page of ``unspin serve``: one self-contained HTML document (inline CSS and JS, no
CDN, no web fonts, no external request of any kind).

Security model: the page shows untrusted text (the checked text, indexed documents and their
ids). The script builds every node with ``createElement``/``createTextNode``/``textContent``
and sets attributes with ``setAttribute``; it never assigns HTML strings (``innerHTML`` and
friends are not used at all). Defence in depth: the page is served with a Content-Security-
Policy that allows only this page's own inline script and style (by hash), requests to its own
origin, and nothing else; inline event handlers would not run even if markup got in.

The server passes its configuration (index present, token needed, read-only, text limit) as
``data-`` attributes of ``<body>``; they are booleans and integers, never user data.
"""

from __future__ import annotations

import base64
import hashlib
import html
from dataclasses import dataclass

__all__ = ["PageConfig", "page_headers", "render_page"]


@dataclass(frozen=True, slots=True)
class PageConfig:
    """What the page needs to know about the server."""

    has_index: bool
    needs_token: bool
    read_only: bool
    version: str
    max_text_chars: int
    learn: bool = False
    """The server was started with ``--learn``: the page offers the (unticked) learning control."""


CSS = r"""
:root {
  color-scheme: light;
  --bg: #f4f5f7; --card: #ffffff; --ink: #1c2230; --muted: #5d6677; --faint: #8a93a3;
  --line: #e3e6eb; --accent: #3346c7; --accent-ink: #ffffff; --accent-soft: #eef0fc;
  --spun: #b42318; --spun-soft: #fef3f2; --spun-line: #fecdca;
  --clean: #067647; --clean-soft: #ecfdf3; --clean-line: #abefc6;
  --mark: #fff1c2; --mark-line: #e8a317; --mark-strong: #ffe08a;
  --orig: #dcfae6; --orig-ink: #05603a;
  --story: #175cd3; --story-soft: #eff8ff;
  --radius: 10px; --shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 1px 3px rgba(16, 24, 40, .08);
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; font: 15px/1.5 var(--sans); color: var(--ink); background: var(--bg); }
[hidden] { display: none !important; }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; padding: 0; margin: -1px; }

/* header */
.top { background: #151b2e; color: #fff; }
.top-inner { display: flex; align-items: center; justify-content: space-between; gap: 16px; min-height: 64px;
  flex-wrap: wrap; }
.brand { display: flex; align-items: center; gap: 12px; }
.logo { width: 34px; height: 34px; border-radius: 9px; display: grid; place-items: center; font-weight: 800;
  font-size: 19px; background: linear-gradient(135deg, #6f7dff, #3346c7); letter-spacing: -.5px; }
.brand h1 { margin: 0; font-size: 19px; letter-spacing: .2px; }
.brand p { margin: 0; color: #b8c0d9; font-size: 13px; }
.status { display: flex; gap: 8px; flex-wrap: wrap; }
.pill { display: inline-flex; align-items: center; gap: 6px; font-size: 12.5px; padding: 4px 10px;
  border-radius: 999px; background: rgba(255, 255, 255, .09); color: #dfe4f5; border: 1px solid rgba(255,255,255,.12); }
.pill .dot { width: 7px; height: 7px; border-radius: 50%; background: #8a93a3; }
.pill.ok .dot { background: #47cd89; }
.pill.warn .dot { background: #fdb022; }

main.wrap { padding-top: 24px; padding-bottom: 48px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); box-shadow: var(--shadow);
  padding: 18px 20px; margin-bottom: 18px; }
h2 { font-size: 15px; margin: 0 0 12px; display: flex; align-items: baseline; gap: 10px; }
h2 .sub { font-weight: 400; color: var(--muted); font-size: 13px; }

/* input */
.token-row { display: flex; align-items: center; gap: 10px; margin-bottom: 14px; padding-bottom: 14px;
  border-bottom: 1px solid var(--line); flex-wrap: wrap; }
.token-row label { font-weight: 600; font-size: 13.5px; }
.token-row input { flex: 0 1 320px; font: 14px var(--mono); padding: 7px 10px; border: 1px solid #cdd2da;
  border-radius: 8px; }
.hint { color: var(--faint); font-size: 12.5px; }
.learn-row { display: flex; align-items: center; gap: 8px; margin-top: 12px; font-size: 13.5px; flex-wrap: wrap; }
.learn-row label { font-weight: 600; }
.label-row { display: flex; justify-content: space-between; align-items: baseline; margin-bottom: 8px; gap: 12px; }
.label { font-weight: 600; font-size: 14px; }
textarea { width: 100%; min-height: 190px; resize: vertical; font: 15px/1.6 var(--sans); color: var(--ink);
  padding: 12px 14px; border: 1px solid #cdd2da; border-radius: 8px; background: #fcfcfd; }
textarea:focus, .token-row input:focus { outline: 3px solid rgba(51, 70, 199, .18); border-color: var(--accent); }
textarea.drag { border-color: var(--accent); background: var(--accent-soft); }
.actions { display: flex; align-items: center; gap: 10px; margin-top: 12px; flex-wrap: wrap; }
.spacer { flex: 1; }
button, .button { font: 600 14px var(--sans); border-radius: 8px; padding: 9px 16px; cursor: pointer;
  border: 1px solid transparent; display: inline-flex; align-items: center; gap: 8px; }
button:focus-visible, .button:focus-within, mark:focus-visible, .fitem:focus-visible {
  outline: 3px solid rgba(51, 70, 199, .35); outline-offset: 1px; }
.primary { background: var(--accent); color: var(--accent-ink); min-width: 110px; justify-content: center; }
.primary:hover { background: #2a3aa8; }
.primary:disabled { background: #8c97dd; cursor: progress; }
.secondary { background: #fff; color: var(--ink); border-color: #cdd2da; }
.secondary:hover { background: #f3f4f6; }
.link { background: none; border: none; color: var(--accent); padding: 9px 4px; }
.link:hover { text-decoration: underline; }
.meta { color: var(--faint); font-size: 13px; }
.file-chip { font-size: 12.5px; background: var(--accent-soft); color: var(--accent); padding: 3px 9px;
  border-radius: 999px; max-width: 320px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
kbd { font: 11.5px var(--mono); border: 1px solid #cdd2da; border-bottom-width: 2px; border-radius: 4px;
  padding: 0 4px; color: var(--muted); background: #fff; }
.spinner { width: 14px; height: 14px; border-radius: 50%; border: 2px solid rgba(255,255,255,.45);
  border-top-color: #fff; animation: spin .7s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }

.error { background: var(--spun-soft); border: 1px solid var(--spun-line); color: var(--spun); border-radius: var(--radius);
  padding: 12px 16px; margin-bottom: 18px; font-weight: 500; white-space: pre-wrap; }

/* verdict */
.verdict { display: flex; align-items: center; justify-content: space-between; gap: 24px; flex-wrap: wrap;
  border-left: 6px solid var(--faint); }
.verdict.is-spun { border-left-color: var(--spun); background: linear-gradient(90deg, var(--spun-soft), #fff 55%); }
.verdict.is-clean { border-left-color: var(--clean); background: linear-gradient(90deg, var(--clean-soft), #fff 55%); }
.verdict-main { display: flex; align-items: center; gap: 14px; }
.verdict-icon { width: 42px; height: 42px; border-radius: 50%; display: grid; place-items: center; color: #fff;
  font-weight: 800; font-size: 22px; flex: none; }
.is-spun .verdict-icon { background: var(--spun); }
.is-clean .verdict-icon { background: var(--clean); }
.verdict-label { font-size: 21px; font-weight: 700; letter-spacing: -.2px; }
.is-spun .verdict-label { color: var(--spun); }
.is-clean .verdict-label { color: var(--clean); }
.verdict-sub { color: var(--muted); font-size: 14px; }
.score { display: flex; align-items: center; gap: 16px; }
.score-num { font-size: 30px; font-weight: 750; font-variant-numeric: tabular-nums; line-height: 1; }
.score-cap { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .06em; }
.meter { position: relative; width: 220px; height: 10px; border-radius: 999px; background: #e9ecf1; margin-top: 8px; }
.meter .fill { position: absolute; inset: 0 auto 0 0; border-radius: 999px; background: var(--clean); }
.is-spun .meter .fill { background: var(--spun); }
.meter .tick { position: absolute; top: -4px; bottom: -4px; width: 2px; background: #1c2230; border-radius: 2px; }
.meter-cap { display: flex; justify-content: space-between; color: var(--faint); font-size: 11.5px; margin-top: 4px; }

/* results grid */
.grid { display: grid; grid-template-columns: minmax(0, 2fr) minmax(260px, 1fr); gap: 18px; align-items: start; }
.grid > .card { margin-bottom: 0; }
.grid > aside.card { position: sticky; top: 12px; max-height: calc(100vh - 24px); overflow: auto; }
.grid { margin-bottom: 18px; }
@media (max-width: 860px) { .grid { grid-template-columns: 1fr; } .grid > aside.card { position: static; max-height: none; } }
.doc { font-size: 15.5px; line-height: 1.85; white-space: pre-wrap; overflow-wrap: anywhere; }
.doc.scroll { max-height: 560px; overflow: auto; position: relative; padding-right: 6px; }

/* findings in the text */
.f { position: relative; }
mark.finding { background: var(--mark); color: inherit; border-bottom: 2px solid var(--mark-line); border-radius: 3px;
  padding: 1px 2px; cursor: help; }
mark.finding.high { background: var(--mark-strong); border-bottom-color: #d97706; }
mark.finding.flash, .fitem.flash { animation: flash 1.2s ease-out; }
@keyframes flash { 0% { box-shadow: 0 0 0 4px rgba(51,70,199,.45); } 100% { box-shadow: 0 0 0 0 rgba(51,70,199,0); } }
.sugg { display: inline-block; font-size: 12.5px; line-height: 1.45; margin-left: 3px; padding: 0 6px; border-radius: 4px;
  background: var(--orig); color: var(--orig-ink); font-weight: 600; vertical-align: 1px; }
.sugg::before { content: "\2192\00a0"; font-weight: 400; }
[data-tip]:hover::after, [data-tip]:focus-within::after {
  content: attr(data-tip); position: absolute; left: 0; bottom: calc(100% + 6px); z-index: 10; width: max-content;
  max-width: 320px; white-space: normal; background: #151b2e; color: #fff; font: 500 12.5px/1.45 var(--sans);
  padding: 6px 9px; border-radius: 6px; box-shadow: 0 4px 14px rgba(16,24,40,.25); pointer-events: none; }

/* findings list */
.flist { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.fitem { border: 1px solid var(--line); border-radius: 8px; padding: 9px 11px; cursor: pointer; background: #fff; }
.fitem:hover { border-color: #c3c9d4; background: #fafbfc; }
.fpair { font-weight: 600; overflow-wrap: anywhere; }
.fpair .from { background: var(--mark); border-radius: 3px; padding: 0 3px; }
.fpair .arrow { color: var(--faint); margin: 0 5px; font-weight: 400; }
.fpair .to { color: var(--orig-ink); }
.fpair .none { color: var(--faint); font-weight: 400; font-style: italic; }
.fmeta { display: flex; align-items: center; gap: 8px; margin-top: 6px; color: var(--muted); font-size: 12.5px; }
.bar { flex: 0 0 70px; height: 6px; border-radius: 999px; background: #e9ecf1; position: relative; overflow: hidden; }
.bar i { position: absolute; inset: 0 auto 0 0; background: var(--mark-line); border-radius: 999px; }
.tag { font-size: 11.5px; border: 1px solid var(--line); border-radius: 4px; padding: 0 5px; color: var(--muted);
  background: #f8f9fb; }
.empty { color: var(--muted); margin: 4px 0; }

details.card > summary { cursor: pointer; font-weight: 600; list-style: none; display: flex; align-items: center; gap: 8px; }
details.card > summary::-webkit-details-marker { display: none; }
details.card > summary::before { content: "\25B8"; color: var(--faint); }
details.card[open] > summary::before { content: "\25BE"; }
details.card[open] > summary { margin-bottom: 10px; }
summary .sub { font-weight: 400; color: var(--muted); font-size: 13px; }
summary .button-mini { margin-left: auto; }
.button-mini { font: 600 12.5px var(--sans); padding: 4px 10px; border-radius: 6px; border: 1px solid #cdd2da;
  background: #fff; cursor: pointer; }

/* trace */
.matches { display: flex; flex-direction: column; gap: 10px; }
.match { border: 1px solid var(--line); border-radius: 9px; padding: 12px 14px; display: grid;
  grid-template-columns: minmax(0, 1fr) auto; gap: 6px 16px; align-items: center; }
.match.active { border-color: var(--accent); box-shadow: 0 0 0 2px var(--accent-soft); }
.match-head { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; min-width: 0; }
.rel { font-size: 12px; font-weight: 700; padding: 2px 9px; border-radius: 999px; text-transform: uppercase;
  letter-spacing: .04em; }
.rel.derived { background: var(--spun-soft); color: var(--spun); border: 1px solid var(--spun-line); }
.rel.same-story { background: var(--story-soft); color: var(--story); border: 1px solid #b2ddff; }
.src-id { font: 600 14px var(--mono); overflow-wrap: anywhere; }
.nums { display: flex; gap: 18px; color: var(--muted); font-size: 13px; flex-wrap: wrap; grid-column: 1; }
.nums b { color: var(--ink); font-variant-numeric: tabular-nums; }
.subs-preview { grid-column: 1; font-size: 13px; color: var(--muted); overflow-wrap: anywhere; }
.subs-preview .from { background: var(--mark); color: var(--ink); border-radius: 3px; padding: 0 3px; }
.subs-preview .to { color: var(--orig-ink); font-weight: 600; }
.match > button { grid-column: 2; grid-row: 1 / span 3; }

.compare-head { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap;
  margin-bottom: 10px; }
.compare-head h2 { margin: 0; }
.legend { display: flex; gap: 16px; flex-wrap: wrap; color: var(--muted); font-size: 12.5px; margin-bottom: 12px; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.sw { width: 18px; height: 12px; border-radius: 3px; display: inline-block; }
.sw.spun { background: var(--mark); border-bottom: 2px solid var(--mark-line); }
.sw.src { background: var(--orig); border-bottom: 2px solid #47cd89; }
.sw.un { background: repeating-linear-gradient(45deg, #f0f1f4, #f0f1f4 3px, #fff 3px, #fff 6px); border: 1px solid var(--line); }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
@media (max-width: 860px) { .cols { grid-template-columns: 1fr; } }
.col { border: 1px solid var(--line); border-radius: 9px; overflow: hidden; min-width: 0; }
.col-title { background: #f8f9fb; border-bottom: 1px solid var(--line); padding: 8px 12px; font-size: 13px;
  font-weight: 600; display: flex; gap: 8px; align-items: baseline; min-width: 0; }
.col-title code { font: 600 13px var(--mono); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.col .doc { padding: 10px 14px; }
mark.sub { color: inherit; border-radius: 3px; padding: 1px 2px; cursor: help; }
mark.sub.spun { background: var(--mark); border-bottom: 2px solid var(--mark-line); }
mark.sub.src { background: var(--orig); border-bottom: 2px solid #47cd89; }
.linked mark.sub, mark.sub.linked { box-shadow: 0 0 0 2px var(--accent); }
.orig { display: inline-block; font-size: 12.5px; line-height: 1.45; margin-left: 3px; padding: 0 6px;
  border-radius: 4px; background: var(--orig); color: var(--orig-ink); font-weight: 600; vertical-align: 1px; }
.orig::before { content: "was\00a0"; font-weight: 400; opacity: .8; }
.unaligned { color: #7b8494; background: repeating-linear-gradient(45deg, rgba(240,241,244,.9), rgba(240,241,244,.9) 3px,
  transparent 3px, transparent 6px); }
@media (prefers-reduced-motion: reduce) { *, *::before, *::after { animation: none !important; } }
footer { color: var(--faint); font-size: 12.5px; text-align: center; padding: 0 0 28px; }
"""

JS = r"""
"use strict";
(function () {
  const body = document.body;
  const CFG = {
    index: body.dataset.index === "1",
    auth: body.dataset.auth === "1",
    readOnly: body.dataset.readonly === "1",
    learn: body.dataset.learn === "1",
    version: body.dataset.version || "",
    maxChars: Number(body.dataset.maxChars) || 0,
  };
  const TOKEN_KEY = "unspin.token";
  const SMOOTH = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
  const EXAMPLE = "Researchers at a university in Bristol said on Monday that counterfeit consciousness could help " +
    "doctors read heart scans quicker. The team trained a profound learning model on preparation information from " +
    "12,000 patients and tested it in three hospitals.\n\nDr Sarah Mills, who led the study, told journalists that " +
    "the irregular timberland baseline was beaten by a wide margin. The hospitals plan to utilize the system next " +
    "year, although critics cautioned that the outcomes had not yet been checked by independent specialists.";
  const EVIDENCE = {
    "context-fit": "the likely original forms a common phrase with its neighbours",
    "rare-synonym": "a rare word where a common synonym was expected",
    "learned-swap": "a swap learned from known or traced substitutions",
    "known-phrase": "a known tortured phrase",
    "odd-word": "a word the per-word model finds very unlikely for a writer",
    "odd-pair": "two words that form no known pair and look like a spinner's picks",
    "acronym-mismatch": "the words before a bracketed acronym no longer spell it",
    "model-fit": "the language model reads the sentence far better with the suggestion in its place",
    "model-misfit": "the language model reads another, related word far better here (no suggestion)",
    "model-phrase": "the language model reads a thesaurus's word or phrase far better in place of these words",
  };

  const $ = (id) => document.getElementById(id);
  const ui = {
    text: $("text"), check: $("check"), file: $("file"), example: $("example"), clear: $("clear"),
    counter: $("counter"), fileChip: $("file-chip"), token: $("token"), tokenRow: $("token-row"),
    learn: $("learn"), learnRow: $("learn-row"),
    status: $("status"), error: $("error"), results: $("results"), verdict: $("verdict"),
    annotated: $("annotated"), findings: $("findings"), nFindings: $("n-findings"), restored: $("restored"),
    copyRestored: $("copy-restored"), trace: $("trace"), traceSub: $("trace-sub"), matches: $("matches"),
    compare: $("compare"), compareTitle: $("compare-title"), closeCompare: $("close-compare"),
    colInput: $("col-input"), colSource: $("col-source"), sourceId: $("source-id"), compareNote: $("compare-note"),
  };
  let docName = null;     // name of the uploaded file, used as the document id
  let shown = null;       // {text, check, trace}: what the results show

  // ---- DOM helpers: text only ever enters the page through text nodes and setAttribute ----
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [name, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) continue;
        node.setAttribute(name, String(value));
      }
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  const txt = (s) => document.createTextNode(s);
  const pct = (x) => Math.round(x * 100) + "%";
  // An estimate is never certain: 0.997 reads "99%", not "100% confident" (the CLI's scores
  // say ">0.99" the same way).
  const conf = (x) => Math.min(99, Math.round(x * 100)) + "%";
  const plural = (n, one, many) => n.toLocaleString("en") + " " + (n === 1 ? one : many);

  // Offsets in answers are Python string indices (code points); JavaScript strings count UTF-16
  // units. Map one to the other (identity when the text has no astral characters).
  function offsetMap(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => Math.max(0, Math.min(i, text.length));
    const units = [0];
    let u = 0;
    for (const ch of text) { u += ch.length; units.push(u); }
    return (i) => units[Math.max(0, Math.min(i, units.length - 1))];
  }

  // Render text with non-overlapping spans [{start, end, make(slice)}] (UTF-16 offsets);
  // gap(start, end) renders the text between spans.
  function annotate(text, spans, gap) {
    const frag = document.createDocumentFragment();
    const plain = gap || ((a, b) => txt(text.slice(a, b)));
    let pos = 0;
    for (const s of spans.slice().sort((a, b) => a.start - b.start || b.end - a.end)) {
      if (s.start < pos || s.end <= s.start || s.end > text.length) continue;
      if (s.start > pos) frag.appendChild(plain(pos, s.start));
      frag.appendChild(s.make(text.slice(s.start, s.end)));
      pos = s.end;
    }
    if (pos < text.length) frag.appendChild(plain(pos, text.length));
    return frag;
  }

  // ---- API -------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }
  function token() { return ui.token ? ui.token.value.trim() : ""; }
  async function api(path, payload) {
    const headers = { "Accept": "application/json" };
    if (payload !== undefined) headers["Content-Type"] = "application/json";
    if (CFG.auth && token()) headers["Authorization"] = "Bearer " + token();
    let res;
    try {
      res = await fetch(path, {
        method: payload === undefined ? "GET" : "POST", headers, cache: "no-store", credentials: "same-origin",
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
    } catch (e) {
      throw new ApiError(0, "Could not reach the unspin server (" + (e && e.message ? e.message : e) + ").");
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      let msg = data && typeof data.detail === "string" ? data.detail : "The server answered HTTP " + res.status + ".";
      if (res.status === 401 && CFG.auth) msg = "This server needs an API token: paste it in the token field above. (" + msg + ")";
      throw new ApiError(res.status, msg);
    }
    return data;
  }
  const docPath = (id) => "documents/" + encodeURIComponent(id).replace(/\./g, "%2E");

  // ---- status and token ------------------------------------------------------------------
  function pill(kind, label) {
    return el("span", { class: "pill " + kind }, el("span", { class: "dot", "aria-hidden": "true" }), label);
  }
  async function loadStatus() {
    let h = null;
    try { h = await api("health"); } catch (e) { h = null; }
    const parts = [];
    if (h && typeof h.documents === "number") parts.push(pill("ok", "Index: " + plural(h.documents, "document", "documents")));
    else parts.push(pill("warn", "No index: tracing is off"));
    if (CFG.readOnly) parts.push(pill("", "read-only"));
    if (CFG.auth) parts.push(pill("", "token required"));
    parts.push(pill("", "v" + CFG.version));
    ui.status.replaceChildren(...parts);
  }
  if (CFG.learn && CFG.index) ui.learnRow.hidden = false;
  if (CFG.auth) {
    ui.tokenRow.hidden = false;
    ui.token.value = sessionStorage.getItem(TOKEN_KEY) || "";
    ui.token.addEventListener("input", () => sessionStorage.setItem(TOKEN_KEY, ui.token.value.trim()));
  }

  // ---- input -----------------------------------------------------------------------------
  function updateCounter() {
    const n = ui.text.value.length;
    ui.counter.textContent = plural(n, "character", "characters");
  }
  function setFileName(name) {
    docName = name;
    ui.fileChip.hidden = !name;
    ui.fileChip.textContent = name || "";
    if (name) ui.fileChip.setAttribute("title", name);
  }
  function htmlToText(source) {
    // DOMParser documents are inert: no script runs, nothing is fetched.
    const doc = new DOMParser().parseFromString(source, "text/html");
    doc.querySelectorAll("script, style, noscript, template, iframe, object, svg, head, nav, footer")
      .forEach((n) => n.remove());
    doc.querySelectorAll("br").forEach((n) => n.replaceWith(doc.createTextNode("\n")));
    doc.querySelectorAll("p, div, li, h1, h2, h3, h4, h5, h6, tr, section, article, blockquote, pre, header")
      .forEach((n) => n.appendChild(doc.createTextNode("\n\n")));
    const raw = doc.body ? doc.body.textContent : "";
    return raw.replace(/[ \t\u00a0]+/g, " ").replace(/ *\n */g, "\n").replace(/\n{3,}/g, "\n\n").trim();
  }
  async function loadFile(file) {
    hideError();
    if (!file) return;
    if (!/\.(txt|md|markdown|html?|text)$/i.test(file.name) && !/^text\//.test(file.type)) {
      showError("Upload a .txt, .md or .html file (got " + (file.name || "a file") + ").");
      return;
    }
    if (file.size > 20 * 1024 * 1024) { showError("That file is larger than 20 MB; upload a smaller part of it."); return; }
    let content = await file.text();
    if (/\.html?$/i.test(file.name) || file.type === "text/html") content = htmlToText(content);
    ui.text.value = content;
    setFileName(file.name);
    updateCounter();
  }
  ui.text.addEventListener("input", updateCounter);
  ui.file.addEventListener("change", () => { loadFile(ui.file.files[0]); ui.file.value = ""; });
  ui.text.addEventListener("dragover", (e) => { e.preventDefault(); ui.text.classList.add("drag"); });
  ui.text.addEventListener("dragleave", () => ui.text.classList.remove("drag"));
  ui.text.addEventListener("drop", (e) => {
    ui.text.classList.remove("drag");
    if (e.dataTransfer && e.dataTransfer.files.length) { e.preventDefault(); loadFile(e.dataTransfer.files[0]); }
  });
  ui.example.addEventListener("click", () => { ui.text.value = EXAMPLE; setFileName(null); updateCounter(); ui.text.focus(); });
  ui.clear.addEventListener("click", () => {
    ui.text.value = ""; setFileName(null); updateCounter(); hideError(); ui.results.hidden = true; shown = null;
    ui.text.focus();
  });
  ui.text.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(); });
  ui.check.addEventListener("click", run);

  function showError(message) { ui.error.textContent = message; ui.error.hidden = false; }
  function hideError() { ui.error.hidden = true; ui.error.textContent = ""; }
  function setBusy(busy) {
    ui.check.disabled = busy;
    ui.check.replaceChildren(...(busy ? [el("span", { class: "spinner", "aria-hidden": "true" }), "Checking…"] : ["Check"]));
  }

  // ---- check ------------------------------------------------------------------------------
  async function run() {
    const text = ui.text.value;
    hideError();
    if (!text.trim()) { showError("Paste a text or upload a file first."); ui.text.focus(); return; }
    if (CFG.auth && !token()) { showError("This server needs an API token: paste it in the token field above."); ui.token.focus(); return; }
    setBusy(true);
    const id = docName || "pasted text";
    try {
      const [chk, trc] = await Promise.allSettled([
        api("check", { text, id }),
        CFG.index ? api("trace", { text, id, learn: CFG.learn && ui.learn.checked }) : Promise.resolve(null),
      ]);
      if (chk.status === "rejected") { showError(chk.reason.message); return; }
      shown = { text, check: chk.value, trace: trc.status === "fulfilled" ? trc.value : null };
      renderCheck(text, chk.value);
      if (trc.status === "rejected") { ui.trace.hidden = true; showError("Trace failed: " + trc.reason.message); }
      else renderTrace(text, trc.value);
      ui.results.hidden = false;
      ui.verdict.scrollIntoView({ behavior: SMOOTH, block: "start" });
    } finally {
      setBusy(false);
    }
  }

  // Two decimals, without rounding a near-certain score up to 1.00 or down to 0.00.
  function scoreText(x) { return x >= 0.995 ? ">0.99" : x < 0.005 ? "<0.01" : x.toFixed(2); }
  function confClass(c) { return c >= 0.75 ? "finding high" : "finding"; }
  function tipFor(f) {
    const head = f.suggestion ? "Likely original: \u201c" + f.suggestion + "\u201d" : "Looks substituted; no likely original found";
    const ev = (f.evidence || []).map((e) => EVIDENCE[e] || e).join("; ");
    return head + " \u00b7 confidence " + conf(f.confidence) + (ev ? " \u00b7 " + ev : "");
  }

  function renderCheck(text, res) {
    const map = offsetMap(text);
    const n = res.findings.length;
    // verdict
    ui.verdict.className = "card verdict " + (res.spun ? "is-spun" : "is-clean");
    const fill = el("div", { class: "fill" });
    fill.style.width = Math.max(2, Math.min(100, res.score * 100)) + "%";
    const tick = el("div", { class: "tick", title: "threshold " + res.threshold });
    tick.style.left = "calc(" + (res.threshold * 100) + "% - 1px)";
    ui.verdict.replaceChildren(
      el("div", { class: "verdict-main" },
        el("div", { class: "verdict-icon", "aria-hidden": "true" }, res.spun ? "!" : "\u2713"),
        el("div", null,
          el("div", { class: "verdict-label", id: "verdict-label" }, res.spun ? "Likely machine-spun" : "No sign of spinning"),
          el("div", { class: "verdict-sub" },
            plural(n, "suspicious phrase", "suspicious phrases") + " in " + plural(res.n_words, "word", "words") +
            " \u00b7 spun at a score of " + res.threshold + " or more"))),
      el("div", { class: "score" },
        el("div", null, el("div", { class: "score-num", id: "score", title: String(res.score) }, scoreText(res.score)), el("div", { class: "score-cap" }, "spin score")),
        el("div", null, el("div", { class: "meter", role: "img", "aria-label": "score " + res.score.toFixed(2) + " of 1" }, fill, tick),
          el("div", { class: "meter-cap" }, el("span", null, "natural"), el("span", null, "spun")))));
    // annotated text
    const spans = res.findings.map((f, i) => ({
      start: map(f.start), end: map(f.end),
      make: (slice) => {
        const tip = tipFor(f);
        const wrap = el("span", { class: "f", "data-tip": tip });
        wrap.appendChild(el("mark", { class: confClass(f.confidence), tabindex: "0", id: "finding-" + i,
          "aria-label": slice + ". " + tip }, slice));
        if (f.suggestion) wrap.appendChild(el("span", { class: "sugg", "aria-hidden": "true" }, f.suggestion));
        return wrap;
      },
    }));
    ui.annotated.replaceChildren(annotate(text, spans));
    // findings list
    ui.nFindings.textContent = n ? "most confident first" : "";
    if (!n) {
      ui.findings.replaceChildren(el("p", { class: "empty" }, "No suspicious phrase found."));
    } else {
      const order = res.findings.map((f, i) => [f, i]).sort((a, b) => b[0].confidence - a[0].confidence || a[0].start - b[0].start);
      ui.findings.replaceChildren(el("ul", { class: "flist" }, ...order.map(([f, i]) => {
        const bar = el("i");
        bar.style.width = pct(f.confidence);
        const item = el("li", { class: "fitem", tabindex: "0", "data-target": "finding-" + i },
          el("div", { class: "fpair" },
            el("span", { class: "from" }, f.text),
            el("span", { class: "arrow", "aria-hidden": "true" }, "\u2192"),
            f.suggestion ? el("span", { class: "to" }, f.suggestion) : el("span", { class: "none" }, "no suggestion")),
          el("div", { class: "fmeta" }, el("span", { class: "bar", "aria-hidden": "true" }, bar),
            el("span", null, conf(f.confidence) + " confident"),
            ...(f.evidence || []).map((e) => el("span", { class: "tag", title: EVIDENCE[e] || e }, e))));
        return item;
      })));
    }
    ui.restored.replaceChildren(txt(res.restored));
  }
  function focusFinding(item) {
    const target = document.getElementById(item.getAttribute("data-target"));
    if (!target) return;
    target.scrollIntoView({ behavior: SMOOTH, block: "center" });
    target.classList.remove("flash"); void target.offsetWidth; target.classList.add("flash");
    target.focus({ preventScroll: true });
  }
  ui.findings.addEventListener("click", (e) => { const it = e.target.closest(".fitem"); if (it) focusFinding(it); });
  ui.findings.addEventListener("keydown", (e) => {
    const it = e.target.closest(".fitem");
    if (it && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); focusFinding(it); }
  });
  ui.copyRestored.addEventListener("click", async (e) => {
    e.preventDefault();
    if (!shown) return;
    try { await navigator.clipboard.writeText(shown.check.restored); ui.copyRestored.textContent = "Copied"; }
    catch (err) { ui.copyRestored.textContent = "Copy failed"; }
    setTimeout(() => { ui.copyRestored.textContent = "Copy"; }, 1500);
  });

  // ---- trace ------------------------------------------------------------------------------
  function renderTrace(text, res) {
    ui.compare.hidden = true;
    if (!res) { ui.trace.hidden = true; return; }
    ui.trace.hidden = false;
    const derived = res.matches.filter((m) => m.relation === "derived").length;
    ui.traceSub.textContent = res.matches.length
      ? plural(res.matches.length, "match", "matches") + (derived ? ", " + derived + " derived" : "")
      : "";
    if (!res.matches.length) {
      ui.matches.replaceChildren(el("p", { class: "empty" }, "No indexed document shares passages or facts with this text."));
      return;
    }
    ui.matches.replaceChildren(...res.matches.map((m, k) => {
      const isDerived = m.relation === "derived";
      const preview = m.substitutions.slice(0, 3);
      const btn = el("button", { class: "secondary compare-btn", type: "button", "data-match": String(k) }, "Compare side by side");
      const card = el("div", { class: "match", id: "match-" + k },
        el("div", { class: "match-head" },
          el("span", { class: "rel " + (isDerived ? "derived" : "same-story") }, isDerived ? "derived copy" : "same story"),
          el("code", { class: "src-id", title: m.source_id }, m.source_id)),
        el("div", { class: "nums" },
          el("span", null, "match ", el("b", null, pct(m.score))),
          el("span", null, "coverage ", el("b", null, pct(m.coverage))),
          el("span", null, el("b", null, String(m.alignments.length)), " aligned " + (m.alignments.length === 1 ? "passage" : "passages")),
          el("span", null, el("b", null, String(m.substitutions.length)), " substituted " + (m.substitutions.length === 1 ? "phrase" : "phrases"))),
        preview.length ? el("div", { class: "subs-preview" }, ...preview.flatMap((s, j) => [
          j ? ", " : "", el("span", { class: "from" }, s.text), " \u2192 ", el("span", { class: "to" }, s.source_text)]),
          m.substitutions.length > preview.length ? " \u2026" : "") : null,
        btn);
      btn.addEventListener("click", () => openCompare(text, m, k));
      return card;
    }));
  }

  function alignedGap(text, map, ranges) {
    // Text between substitutions: passages aligned with the other side are plain, the rest is
    // shown as "not found in the other text".
    return (a, b) => {
      const frag = document.createDocumentFragment();
      const cuts = [a, b];
      for (const [s, e] of ranges) { if (s > a && s < b) cuts.push(s); if (e > a && e < b) cuts.push(e); }
      cuts.sort((x, y) => x - y);
      for (let i = 0; i + 1 < cuts.length; i++) {
        const s = cuts[i], e = cuts[i + 1];
        if (e <= s) continue;
        const slice = text.slice(s, e);
        const inside = ranges.some(([rs, re]) => s >= rs && e <= re);
        // Punctuation and spaces between aligned passages are not worth marking.
        const wordy = /[\p{L}\p{N}]/u.test(slice);
        frag.appendChild(inside || !wordy ? txt(slice) : el("span", { class: "unaligned" }, slice));
      }
      return frag;
    };
  }

  async function openCompare(text, m, k) {
    hideError();
    document.querySelectorAll(".match.active").forEach((n) => n.classList.remove("active"));
    const card = document.getElementById("match-" + k);
    if (card) card.classList.add("active");
    let doc;
    try {
      doc = await api(docPath(m.source_id));
    } catch (e) {
      showError("Could not load the source document: " + e.message);
      return;
    }
    const src = doc.text;
    const mi = offsetMap(text), ms = offsetMap(src);
    const inRanges = m.alignments.map((a) => [mi(a.input_start), mi(a.input_end)]);
    const srcRanges = m.alignments.map((a) => [ms(a.source_start), ms(a.source_end)]);
    const left = m.substitutions.map((s, i) => ({
      start: mi(s.input_start), end: mi(s.input_end),
      make: (slice) => el("span", { class: "f", "data-sub": String(i), "data-tip": "The source says \u201c" + s.source_text + "\u201d" },
        el("mark", { class: "sub spun", tabindex: "0" }, slice),
        el("span", { class: "orig", "aria-label": "source: " + s.source_text }, s.source_text)),
    }));
    const right = m.substitutions.map((s, i) => ({
      start: ms(s.source_start), end: ms(s.source_end),
      make: (slice) => el("span", { class: "f", "data-sub": String(i), "data-tip": "Replaced by \u201c" + s.text + "\u201d in the checked text" },
        el("mark", { class: "sub src", tabindex: "0" }, slice)),
    }));
    ui.colInput.replaceChildren(annotate(text, left, alignedGap(text, mi, inRanges)));
    ui.colSource.replaceChildren(annotate(src, right, alignedGap(src, ms, srcRanges)));
    ui.colInput.scrollTop = 0; ui.colSource.scrollTop = 0;
    ui.sourceId.textContent = m.source_id;
    ui.sourceId.setAttribute("title", m.source_id);
    ui.compareTitle.textContent = (m.relation === "derived" ? "Derived copy" : "Same story") + " \u00b7 " +
      plural(m.substitutions.length, "substitution", "substitutions");
    ui.compareNote.textContent = "coverage " + pct(m.coverage) + " \u00b7 match " + pct(m.score);
    ui.compare.hidden = false;
    ui.compare.scrollIntoView({ behavior: SMOOTH, block: "start" });
  }
  function linked(e, on) {
    const t = e.target.closest("[data-sub]");
    if (!t) return;
    const i = t.getAttribute("data-sub");
    ui.compare.querySelectorAll("[data-sub=\"" + CSS.escape(i) + "\"] mark").forEach((n) => n.classList.toggle("linked", on));
  }
  ui.compare.addEventListener("mouseover", (e) => linked(e, true));
  ui.compare.addEventListener("mouseout", (e) => linked(e, false));
  ui.compare.addEventListener("click", (e) => {
    const t = e.target.closest("[data-sub]");
    if (!t) return;
    const col = t.closest(".doc") === ui.colInput ? ui.colSource : ui.colInput;
    const other = col.querySelector("[data-sub=\"" + CSS.escape(t.getAttribute("data-sub")) + "\"]");
    if (other) col.scrollTo({ top: Math.max(0, other.offsetTop - col.clientHeight / 2), behavior: SMOOTH });
  });
  ui.closeCompare.addEventListener("click", () => {
    ui.compare.hidden = true;
    document.querySelectorAll(".match.active").forEach((n) => n.classList.remove("active"));
  });

  updateCounter();
  loadStatus();
})();
"""

HTML = r"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>unspin: check a text for machine spinning</title>
<link rel="icon" href="data:,">
<style>@@CSS@@</style>
</head>
<body @@BODY_ATTRS@@>
<header class="top">
  <div class="wrap top-inner">
    <div class="brand">
      <span class="logo" aria-hidden="true">u</span>
      <div><h1>unspin</h1><p>Find machine-spun text and trace it to its source</p></div>
    </div>
    <div class="status" id="status" aria-live="polite"></div>
  </div>
</header>
<main class="wrap">
  <section class="card" aria-label="Text to check">
    <div class="token-row" id="token-row" hidden>
      <label for="token">API token</label>
      <input id="token" type="password" autocomplete="off" spellcheck="false" placeholder="the server's token">
      <span class="hint">kept in this browser tab only</span>
    </div>
    <div class="label-row">
      <label class="label" for="text">Text to check</label>
      <span class="meta">paste text, or upload a .txt, .md or .html file</span>
    </div>
    <textarea id="text" rows="9" spellcheck="false"
      placeholder="Paste an article, an abstract or a web page's text here, or drop a file."></textarea>
    <div class="actions">
      <button id="check" class="primary" type="button">Check</button>
      <label class="button secondary" for="file">Upload file
        <input id="file" class="visually-hidden" type="file"
          accept=".txt,.md,.markdown,.html,.htm,text/plain,text/markdown,text/html">
      </label>
      <button id="example" class="link" type="button">Try an example</button>
      <span id="file-chip" class="file-chip" hidden></span>
      <span class="spacer"></span>
      <span class="meta"><kbd>Ctrl</kbd>+<kbd>Enter</kbd> checks</span>
      <span class="meta" id="counter"></span>
      <button id="clear" class="link" type="button">Clear</button>
    </div>
    <div class="learn-row" id="learn-row" hidden>
      <input id="learn" type="checkbox">
      <label for="learn">Learn from this text</label>
      <span class="hint">writes to the index: if the text is a verified copy of an indexed document, its
        swaps are stored and strengthen every later check against this index (list and remove them with
        unspin index learned / forget)</span>
    </div>
  </section>

  <div id="error" class="error" role="alert" hidden></div>

  <div id="results" hidden>
    <section class="card verdict" id="verdict" aria-live="polite"></section>
    <div class="grid">
      <section class="card">
        <h2>Text <span class="sub">suspicious phrases highlighted, likely original in green; hover for details</span></h2>
        <div id="annotated" class="doc"></div>
      </section>
      <aside class="card">
        <h2>Findings <span class="sub" id="n-findings"></span></h2>
        <div id="findings"></div>
      </aside>
    </div>
    <details class="card">
      <summary>Restored text <span class="sub">every suggestion applied</span>
        <button id="copy-restored" class="button-mini" type="button">Copy</button></summary>
      <div id="restored" class="doc"></div>
    </details>
    <section class="card" id="trace" hidden>
      <h2>Sources in the index <span class="sub" id="trace-sub"></span></h2>
      <div id="matches" class="matches"></div>
    </section>
    <section class="card" id="compare" hidden>
      <div class="compare-head">
        <h2><span id="compare-title">Side by side</span> <span class="sub" id="compare-note"></span></h2>
        <button id="close-compare" class="secondary" type="button">Close</button>
      </div>
      <div class="legend">
        <span><i class="sw spun"></i>substituted phrase, with the source's wording</span>
        <span><i class="sw src"></i>the source's original wording</span>
        <span><i class="sw un"></i>not aligned with the other text</span>
      </div>
      <div class="cols">
        <div class="col"><div class="col-title">Checked text</div><div id="col-input" class="doc scroll"></div></div>
        <div class="col"><div class="col-title">Source <code id="source-id"></code></div>
          <div id="col-source" class="doc scroll"></div></div>
      </div>
    </section>
  </div>
</main>
<footer>unspin @@VERSION@@ · scores are calibrated estimates; read the highlighted phrases before you judge</footer>
<script>@@JS@@</script>
</body>
</html>
"""


def _sha256(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


_CSP = "; ".join([
    "default-src 'none'",
    f"script-src '{_sha256(JS)}'",
    f"style-src '{_sha256(CSS)}'",
    "connect-src 'self'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
])


def page_headers() -> dict[str, str]:
    """Headers for the page: a strict Content-Security-Policy (only this page's own script and
    style, requests to its own origin only) and no framing."""
    return {"Content-Security-Policy": _CSP, "X-Frame-Options": "DENY"}


def render_page(config: PageConfig) -> str:
    """The page for a server configured as ``config`` (a complete HTML document)."""
    attrs = {
        "data-index": "1" if config.has_index else "0",
        "data-auth": "1" if config.needs_token else "0",
        "data-readonly": "1" if config.read_only else "0",
        "data-learn": "1" if config.learn and not config.read_only else "0",
        "data-version": config.version,
        "data-max-chars": str(int(config.max_text_chars)),
    }
    body_attrs = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
    return (HTML.replace("@@CSS@@", CSS).replace("@@JS@@", JS).replace("@@BODY_ATTRS@@", body_attrs)
            .replace("@@VERSION@@", html.escape(config.version)))
