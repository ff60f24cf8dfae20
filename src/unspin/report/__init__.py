"""Self-contained HTML reports of a scan (``unspin scan --report``).

``render_report(scan)`` returns one HTML file with everything inline (no network): an overview,
a sortable, filterable, paged documents table, a document view with the findings highlighted,
and a side-by-side view of every derived or same-story pair. ``report_data(scan)`` is the
compact JSON-ready structure the page embeds.
"""

from unspin.report.html import render_report, report_data

__all__ = ["render_report", "report_data"]
