"""``unspin scan`` as a Spark job: the file ``spark-submit`` runs (the command is
``unspin.cli.spark_submit``, whose options are ``unspin scan``'s own click options).

On a cluster (see docs/spark.md for shipping unspin to the executors)::

    spark-submit --master yarn --archives unspin-env.tar.gz#env \\
        "$(python -c 'import unspin.engines.spark_submit as m; print(m.__file__)')" \\
        --input hdfs:///crawl/2024-06/ --out hdfs:///unspin/2024-06/

Locally, without ``spark-submit`` (``--master`` defaults to ``local[2]``)::

    python -m unspin.engines.spark_submit --input crawl.jsonl --out results/

``--help`` lists the options. Exit status: 0 done, 2 usage error.
"""

from __future__ import annotations

import sys

from unspin.cli.spark_submit import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
