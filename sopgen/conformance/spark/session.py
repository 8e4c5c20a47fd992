"""The Spark session a check runs in: found, started and configured, or refused in words.

pyspark is optional (`pip install 'sopgen[spark]'`) and needs Java; both are looked for
before anything starts, so a machine without them gets one Indonesian sentence and exit 2,
not a Java gateway traceback. A local master (`local`, `local[2]`, `local[*]`) binds to
127.0.0.1 and starts no web UI: a check on one machine never opens a port to the network.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sopgen.conformance.engine.model import CheckError

LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
INSTALL_HINT = "pasang dengan: pip install 'sopgen[spark]'"

# Spark settings for every master: no web UI, no progress bar on the terminal, times read
# and written as written (the log's local time, the columns are TIMESTAMP_NTZ).
_SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
# A local master: bound to the loopback address, few shuffle partitions (the groups are
# sopgen's own partitions, sized by the input; Spark's default of 200 only adds tasks).
_LOCAL_SETTINGS = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "4",
}
# The driver's log, on any master: errors only, and no stack traces of a failed task
# (sopgen says what failed, `inputs.failure_message`).
_DRIVER_JAVA = "-Dlog4j2.configurationFile={log}"
# The JVM of a local master only moves bytes (sopgen's Python does the work): its quick
# compiler alone starts it in a third of the time on a busy machine.
_LOCAL_JAVA = "-XX:TieredStopAtLevel=1 " + _DRIVER_JAVA


def missing_requirement() -> str | None:
    """Why Spark cannot run here (pyspark or Java missing), in Indonesian; None when it can."""
    try:
        import pyspark  # noqa: F401
        import pyarrow  # noqa: F401
        from pyspark.sql.pandas.utils import require_minimum_pandas_version, require_minimum_pyarrow_version

        require_minimum_pandas_version()
        require_minimum_pyarrow_version()
    except ImportError as err:
        return f"pyspark (dengan pandas dan pyarrow) tidak terpasang ({err}); {INSTALL_HINT}"
    except Exception as err:  # pyspark's own PySparkImportError for a missing or old pandas/pyarrow
        return f"pyspark tidak lengkap ({_first_line(err)}); {INSTALL_HINT}"
    if _java() is None:
        return (
            "Java tidak ditemukan: Spark butuh Java 17 atau lebih baru; pasang (mis. apt-get install openjdk-17-jre-headless) "
            "atau arahkan JAVA_HOME ke folder Java"
        )
    return None


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        return str(java) if java.is_file() else None
    return shutil.which("java")


def is_local(master: str) -> bool:
    return master == "local" or master.startswith("local[")


@contextmanager
def spark_session(master: str, settings: dict[str, str] | None = None) -> Iterator[Any]:
    """A SparkSession on `master`, stopped on leaving (also on Ctrl-C); a session already
    active in this process (a notebook's, a test's) is used as it is and left running.

    Raises CheckError (exit 2) when pyspark or Java is missing or the master cannot be
    reached. The executors run this interpreter (`PYSPARK_PYTHON`) unless it is set; on a
    cluster (any master but local) they get this sopgen with the job (`_ship_sopgen`)."""
    reason = missing_requirement()
    if reason is not None:
        raise CheckError(reason)
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if is_local(master):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # not the address the host name resolves to

    builder = SparkSession.builder.master(master).appName("sopgen check")
    if is_local(master):
        placed = {**_LOCAL_SETTINGS, "spark.driver.extraJavaOptions": _LOCAL_JAVA.format(log=LOG_CONFIG.as_uri())}
    else:
        placed = {"spark.driver.extraJavaOptions": _DRIVER_JAVA.format(log=LOG_CONFIG.as_uri())}
    for key, value in {**_SETTINGS, **placed, **(settings or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as err:  # the Java gateway or the master refused: a usage problem, worded
        raise CheckError(f"Spark tidak bisa dijalankan dengan master '{master}' ({_first_line(err)}); periksa alamat master dan Java") from None
    session.sparkContext.setLogLevel("ERROR")
    shipped = None
    try:
        if not is_local(master):
            shipped = _ship_sopgen(session)
        yield session
    finally:
        session.stop()
        _stop_java()
        if shipped is not None:
            shutil.rmtree(shipped, ignore_errors=True)


def _ship_sopgen(session: Any, package: Path | None = None) -> Path:
    """Send this sopgen to the executors of a cluster (`addPyFile`, ahead of any sopgen
    installed there): the groups are checked by the very code that plans and merges them,
    whatever version the cluster's Python has or lacks. Returns the folder to remove.

    Only its own Python files go (the executors read no other of its files): not whatever
    else lies in its folder (an editable install is a working copy), no hidden file, and
    nothing through a link, which could point anywhere on this machine."""
    import tempfile
    import zipfile

    package = package or Path(__file__).resolve().parents[2]  # the sopgen folder
    folder = Path(tempfile.mkdtemp(prefix="sopgen-spark-"))
    try:
        archive = folder / "sopgen.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for top, dirs, files in os.walk(package):  # links to folders are not entered
                dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
                for name in sorted(files):
                    path = Path(top) / name
                    if name.endswith(".py") and not name.startswith(".") and not path.is_symlink() and path.is_file():
                        zf.write(path, (package.name / path.relative_to(package)).as_posix())
        session.sparkContext.addPyFile(str(archive))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def _stop_java() -> None:
    """End the JVM this process started for Spark, and pyspark's thread talking to it: a
    check leaves no Java process behind (pyspark keeps both for the life of the process,
    and starts them anew when asked again)."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    if gateway is None:
        return
    SparkContext._gateway = None
    SparkContext._jvm = None
    gateway.shutdown()
    proc = getattr(gateway, "proc", None)  # the spark-submit process pyspark launched
    if proc is not None:
        if proc.stdin is not None:
            proc.stdin.close()  # its gateway server ends when its stdin does
        try:
            proc.wait(timeout=30)
        except Exception:
            proc.kill()
    for thread in threading.enumerate():  # py4j's finalizer thread ends within a moment
        if type(thread).__module__.startswith("py4j"):
            thread.join(timeout=5)


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0][:300] if text else type(err).__name__
