"""`sopgen check --spark MASTER`: the same check, run where national logs live.

The check is independent per case, so Spark only moves rows: each log file is read whole on
an executor by sopgen's own readers (`inputs`), the rows are grouped by the partition of
their case with `groupBy(...).applyInArrow(...)`, each group is checked on an executor by the
engine of the one-machine check, and the driver puts the results together and writes the
same reports (`check`). pyspark is imported only here, and only when asked for
(`pip install 'sopgen[spark]'`; `session` says in Indonesian what is missing).
"""

from __future__ import annotations

from sopgen.conformance.spark.check import check_spark
from sopgen.conformance.spark.session import missing_requirement

__all__ = ["check_spark", "missing_requirement"]
