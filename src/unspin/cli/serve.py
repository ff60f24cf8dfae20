"""``unspin serve``: the HTTP API and web page (FastAPI under uvicorn)."""

from __future__ import annotations

import ipaddress

import click

from unspin.cli.options import check_config, config_option, threshold_option, tier_option, trace_config
from unspin.web import DEFAULT_MAX_REQUEST_BYTES


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command("serve", epilog="""\b
Endpoints:
  GET  /                 the web page (paste or upload a text, see spans and sources)
  POST /check            {"text", "id"?, "threshold"?}  -> the object 'check --format jsonl' writes
  POST /trace            {"text", "id"?, "top"?, "learn"?} -> the object 'trace --format jsonl' writes
                         ("learn": true only with --learn: it writes to the index)
  GET  /documents/ID     an indexed document {"id", "text"}
  GET  /health           {"status", "version", "documents", "read_only", "learn"} (never needs the token)
  GET  /openapi.json     the OpenAPI schema

\b
Exit status: 0 after a clean shutdown (Ctrl+C); 1 the server could not run (the port is taken,
FastAPI or uvicorn missing); 2 usage error: bad option, missing or unusable --db, --learn with
--read-only.

\b
Examples:
  unspin serve --db news.db
  unspin serve --db news.db --learn               # the page may then write learned swaps to the index
  UNSPIN_TOKEN=s3cret unspin serve --db news.db --read-only --host 0.0.0.0
""")
@click.option("--db", "db", type=click.Path(dir_okay=False, exists=True), metavar="FILE", default=None,
              help="An index built by 'unspin index add': enables /trace and /documents, and strengthens "
                   "/check with its learned substitutions and texts.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--learn", is_flag=True,
              help="Let /trace requests that ask for it (and the page's 'Learn' box, unticked by default) write "
                   "the swaps of verified copies into the index. Off by default: the index is opened read-only.")
@click.option("--read-only", is_flag=True, help="Open the index read-only (the default without --learn).")
@click.option("--token", envvar="UNSPIN_TOKEN", default=None, metavar="TOKEN",
              help="Require 'Authorization: Bearer TOKEN' on every endpoint except /health and the page "
                   "(default: $UNSPIN_TOKEN).")
@click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_REQUEST_BYTES, show_default=True,
              help="Largest request body accepted (larger ones get 413).")
@tier_option(None)
@threshold_option
@config_option
def serve_command(db: str | None, host: str, port: int, learn: bool, read_only: bool, token: str | None,
                  max_bytes: int, tier: str | None, threshold: float | None, config_file: str | None) -> None:
    """Serve the unspin API and web page over HTTP."""
    config = check_config(config_file=config_file, threshold=threshold, tier=tier, default_tier=None)
    trace = trace_config(config_file=config_file)
    if learn and read_only:
        raise click.UsageError("--learn and --read-only exclude each other")
    if learn and db is None:
        raise click.UsageError("--learn needs --db FILE: the index it writes to")
    import uvicorn  # imported here: only serve needs the web stack (a dependency of unspin)

    from unspin.store import StoreError
    from unspin.web.app import create_app

    token = token or None
    if not _is_loopback(host) and token is None:
        click.echo(f"unspin: warning: listening on {host} without --token: anyone who can reach it can use "
                   "the API", err=True)
    click.echo("unspin: loading the lexicon" + (f" and the index {db}" if db else "") + "...", err=True)
    try:
        app = create_app(db=db, read_only=read_only, learn=learn, token=token, max_request_bytes=max_bytes,
                         config=config, trace=trace)
    except StoreError as e:
        from unspin.cli.index import IndexUnusable

        raise IndexUnusable(str(e)) from e
    shown = f"[{host}]" if ":" in host else host
    mode = " (learning: /trace may write to the index)" if learn else " (read-only)" if db else ""
    click.echo(f"unspin: serving on http://{shown}:{port}/" + mode, err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, proxy_headers=False)
