"""Execution engines for ``unspin scan`` beyond the local one in ``unspin.engines.local``.

* ``unspin.engines.spark``: the same pipeline on Apache Spark (``pip install 'unspin[spark]'``
  and a Java runtime); ``scan_spark`` returns the ``ScanResult`` the local ``scan`` returns.
* ``unspin.engines.spark_submit``: the command-line entry point for ``spark-submit``.
* ``unspin.engines.pool``: worker processes that let the local engine use every core of one
  machine (``scan(..., workers=N)``).

Engines orchestrate; every decision (check, fingerprint, candidate ranking, alignment,
relation, edges, clusters, table rows) is made by the same pure functions the local engine
calls, so both give identical answers. Nothing here imports pyspark until it is used.
"""

from __future__ import annotations

__all__ = ["ENGINES"]

ENGINES = ("local", "spark")
