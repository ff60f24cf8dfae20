"""Defaults that several front ends share (Python API, CLI, HTTP service, Spark engine), each
written once.

The ground floor of the package: this module imports nothing from ``unspin`` (nor anything
else), so every module may import it without a cycle.
"""

from __future__ import annotations

# Matches kept per traced document, best first (Index.trace, trace_text, ``unspin trace
# --top``, scan, the Spark engine, POST /trace, the trace CSV). A copy seldom has more than one
# or two real sources; five leaves room for the near-duplicate versions of a source that an
# archive holds, and keeps the output one screen per document.
TOP_MATCHES = 5

# Findings listed in the ``top_findings`` column of check's CSV output, most confident first:
# enough to see what was flagged, short enough to read in one spreadsheet cell.
CSV_TOP_FINDINGS = 5

# The most bytes read as one text: a whole text or HTML file, one JSONL line, a Parquet or
# JSONL text field, or standard input (``--max-bytes``); larger ones are reported and skipped.
# 64 MiB is far above the size of any article, and bounds the memory that one mistaken input
# (a log, a database dump) can take.
MAX_BYTES = 64 * 1024 * 1024

# The Spark master when none is given (``scan --engine spark``, spark_session(), spark_submit
# outside spark-submit): local mode on two cores, the size of the machines unspin is tested
# on; a cluster is named explicitly (spark://host:port, yarn).
SPARK_MASTER = "local[2]"
