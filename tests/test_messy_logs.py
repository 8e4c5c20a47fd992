"""Issue #9: logs as staff really fill them in Excel (log-format.md, "Additions in version 1.1").

Each trap of the issue is a small log built here (xlsx by openpyxl, never a binary blob) and
checked finding by finding; every row stays accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopgen.conformance.engine import check_logs

from test_check import OUT, REF, WHO, clean_case, load, project_dir, row, write_csv  # noqa: F401 (shared fixture)


def check(root: Path, *logs: Path, **kw):
    project, sops = load(root)
    result = check_logs(project, sops, list(logs), **kw)
    assert result.accounting.balanced
    return result


def brief(result) -> list[tuple]:
    return [(f.row, f.kind, f.case, f.step) for f in result.findings]


# -- step_unfinished -------------------------------------------------------------------------------


def test_a_step_left_open_while_the_next_started_is_unfinished(project_dir: Path) -> None:
    rows = clean_case("A")
    rows[2] = row("A", 3, "2023-10-02 08:20", None)  # row 4: no selesai, step 4 starts 08:30
    rows[5] = row("A", 6, "2023-10-02 11:00", None)  # row 7: the last step still in progress
    result = check(project_dir, write_csv(project_dir / "log.csv", rows))
    assert brief(result) == [(4, "step_unfinished", "A", 3), (7, "case_incomplete", "A", 6)]
    f = result.findings[0]
    assert f.message == (
        "langkah 3 tidak dicatat selesai (kolom selesai kosong), padahal langkah 4 kasus ini sudah dimulai "
        "02/10/2023 08:30; isi waktu selesainya"
    )
    assert result.summary["kinds"]["step_unfinished"] == 1
    assert result.summary["compliance"] == {"rows": 6, "compliant": 5, "percent": 83.3}
