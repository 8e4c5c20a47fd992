"""Large projects are validated across processes; the result must not depend on that."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sopgen.source import validate as validate_module
from sopgen.source.validate import validate

CASES = Path(__file__).resolve().parent / "cases"


@pytest.mark.parametrize("case", ["invalid/multiple-files-all-problems", "invalid/sop501-duplicate-nomor", "invalid/sop502-keterkaitan-unknown", "valid/keterkaitan-nomor"])
def test_parallel_validation_reports_exactly_what_serial_does(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "p"
    shutil.copytree(CASES / case, work)
    serial = validate([work / "sops"])
    monkeypatch.setattr(validate_module, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(validate_module.os, "cpu_count", lambda: 2)
    parallel = validate([work / "sops"], models=False)
    # Results that crossed from a worker carry no YAML tree: proof the pool did the work.
    assert all(f.data is None for f in parallel.files)
    assert [d.format() for d in parallel.diagnostics] == [d.format() for d in serial.diagnostics]
    assert len(parallel.files) == len(serial.files)
    with_models = validate([work / "sops"])
    assert [s.nomor for s in with_models.sops] == [s.nomor for s in serial.sops]
