"""Data-driven validation cases: `tests/cases/{valid,invalid}/<name>/`.

Each case is a small project (its own `sopgen.toml`, `sops/*.yaml`, maybe a logo) and
`expected.txt`: the exact output of `sopgen validate` run inside that folder. An optional
`expected.json` gives `args` for the command line (e.g. `["--strict"]`) and the `exit` code;
without it a valid case must exit 0 and an invalid one 1.

A few inputs are written by the test instead of being committed (GENERATED): bytes that are
not UTF-8, a file over the size limit, and the real reference SOP of `sops/` (so the case
checks that file, not a copy that could drift). Those cases run in a copy under tmp_path; the
others run in place, exactly as a person would run `sopgen validate` there.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopgen.cli import main
from sopgen.source.reporters import REPORTERS
from sopgen.source.validate import validate
from sopgen.source.yamlload import MAX_BYTES

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CASES = HERE / "cases"
REFERENCE = ROOT / "sops" / "065-111-pengumpulan-data-kinerja.yaml"


def _not_utf8(root: Path) -> None:
    text = (
        "versi_format: 1\n"
        'nomor: "470/001/416-317/2024"\n'
        "nama: Pelayanan Surat Keterangan Domisili – Kelurahan\n"
        "# disimpan oleh Notepad lama sebagai ANSI (Windows-1252):\n"
        "keterangan: café\n"
    )
    (root / "sops" / "ansi.yaml").write_bytes(text.encode("cp1252"))


def _too_big(root: Path) -> None:
    line = "# " + "x" * 97 + "\n"  # 100 bytes
    body = "versi_format: 1\n" + line * (MAX_BYTES // len(line) + 1)
    assert len(body.encode()) > MAX_BYTES
    (root / "sops" / "besar.yaml").write_text(body, encoding="utf-8")


def _reference(root: Path) -> None:
    shutil.copy(ROOT / "sopgen.toml", root / "sopgen.toml")
    shutil.copy(REFERENCE, root / "sops" / REFERENCE.name)


def _png(width: int, height: int, idat: bytes) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _raster_logos(root: Path) -> None:
    """A 60-byte PNG that claims 100,000 x 100,000 pixels, and a real PNG cut in half."""
    import zlib

    (root / "logo" / "bom.png").write_bytes(_png(100_000, 100_000, zlib.compress(b"\0" * 64)))
    whole = _png(64, 64, zlib.compress(bytes(range(256)) * 17))
    (root / "logo" / "terpotong.png").write_bytes(whole[: len(whole) // 2])


def _symlink_outside(root: Path) -> None:
    """sops/luar.yaml is a link to an SOP outside the project (a shared drive, /etc, ...)."""
    outside = root.parent / "di-luar-proyek.yaml"
    outside.write_text(REFERENCE.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "sops" / "luar.yaml").symlink_to(outside)


GENERATED = {
    "invalid/sop001-not-utf8": _not_utf8,
    "invalid/sop006-too-big": _too_big,
    "invalid/sop505-logo-unsafe": _raster_logos,
    "invalid/sop507-symlink-outside": _symlink_outside,
    "valid/reference": _reference,
}


def _all_cases() -> list:
    out = []
    for kind in ("valid", "invalid"):
        for d in sorted((CASES / kind).iterdir()):
            if d.is_dir():
                out.append(pytest.param(d, id=f"{kind}/{d.name}"))
    return out


ALL = _all_cases()


def _key(case: Path) -> str:
    return f"{case.parent.name}/{case.name}"


def _prepare(case: Path, tmp_path: Path) -> Path:
    """The folder to run in: the case itself, or a copy completed by its generator."""
    generator = GENERATED.get(_key(case))
    if generator is None:
        return case
    work = tmp_path / case.name
    shutil.copytree(case, work)
    (work / "sops").mkdir(exist_ok=True)
    generator(work)
    return work


def _expectation(case: Path) -> tuple[list[str], int, str]:
    meta_file = case / "expected.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    args = meta.get("args", [])
    code = meta.get("exit", 0 if case.parent.name == "valid" else 1)
    return args, code, (case / "expected.txt").read_text(encoding="utf-8")


def test_there_are_enough_cases():
    kinds = [p.values[0].parent.name for p in ALL]
    assert kinds.count("invalid") >= 35
    assert kinds.count("valid") >= 7
    assert all(k in {p.id for p in ALL} for k in GENERATED), "a generator names a case folder that does not exist"


@pytest.mark.parametrize("case", ALL)
def test_api(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`validate()` called from the case folder gives exactly the expected diagnostics."""
    args, code, expected = _expectation(case)
    monkeypatch.chdir(_prepare(case, tmp_path))
    fmt = args[args.index("--format") + 1] if "--format" in args else "text"
    paths = [Path(a) for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] != "--format")]
    result = validate(paths or None)
    if fmt == "json":
        assert [d.as_dict() for d in result.diagnostics] == json.loads(expected)
    elif fmt != "text":
        assert REPORTERS[fmt](result, strict="--strict" in args) == expected.rstrip("\n")
    else:
        lines = expected.splitlines()
        assert [d.format() for d in result.diagnostics] == lines[:-1]
        assert REPORTERS["text"](result) == expected.rstrip("\n")
    assert int(result.failed(strict="--strict" in args)) == code


@pytest.mark.parametrize("case", ALL)
def test_cli(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sopgen validate [args]` run inside the case folder prints expected.txt and exits as expected."""
    args, code, expected = _expectation(case)
    monkeypatch.chdir(_prepare(case, tmp_path))
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == expected
    assert result.exit_code == code


def test_json_report_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    """--format json: a list of objects with exactly file, line, column, code, severity, message."""
    monkeypatch.chdir(CASES / "invalid" / "format-json")
    result = CliRunner().invoke(main, ["validate", "--format", "json"])
    report = json.loads(result.stdout)
    assert report and all(list(d) == ["file", "line", "column", "code", "severity", "message"] for d in report)
    assert {d["severity"] for d in report} == {"error", "warning"}
    assert all(isinstance(d["line"], int) and isinstance(d["column"], int) for d in report)


def test_strict_only_changes_the_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "invalid" / "strict-warnings-fail")
    plain = CliRunner().invoke(main, ["validate"])
    strict = CliRunner().invoke(main, ["validate", "--strict"])
    assert (plain.exit_code, strict.exit_code) == (0, 1)
    assert plain.stdout == strict.stdout


def test_repository_sops(monkeypatch: pytest.MonkeyPatch) -> None:
    """`sopgen validate --strict sops` at the repository root passes: the reference SOP's three
    slips are kept as printed and marked with `# sopgen: abaikan` comments."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["validate", "--strict", "sops"])
    count = len(list((ROOT / "sops").glob("*.yaml")))
    assert count >= 3
    assert result.stdout.splitlines() == [f"{count} berkas diperiksa: semua sah (3 peringatan diabaikan dengan komentar 'sopgen: abaikan')"]
    assert result.exit_code == 0


def test_reference_keeps_its_slips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without its suppression comments the reference SOP shows exactly the printed slips."""
    import re

    text = re.sub(r"\s*# sopgen: abaikan.*", "", REFERENCE.read_text(encoding="utf-8"))
    (tmp_path / "sops").mkdir()
    (tmp_path / "sops" / REFERENCE.name).write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "sopgen.toml", tmp_path / "sopgen.toml")
    monkeypatch.chdir(tmp_path)
    result = validate(None)
    assert [(d.code, d.message.split(" (")[0]) for d in result.diagnostics] == [
        ("SOP402", "tanda baca ganda '..' pada disahkan_oleh › nama: 'AKHMAK TAUFIQ. S.Sos..MM.'; tulis satu tanda saja"),
        ("SOP401", "'Kasubag Penyusunan Program dan Keuangan'"),
        ("SOP401", "'Kasubag Umum dan Kepegawaian'"),
    ]


def test_alias_bomb_is_refused_without_expanding(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bomb (9^10 values) is refused after at most MAX_NODES values, not expanded."""
    from sopgen.source import yamlload

    built = []
    original = yamlload._Builder.build

    def counting(self, node, path=(), depth=0):
        built.append(1)
        return original(self, node, path, depth)

    monkeypatch.setattr(yamlload._Builder, "build", counting)
    bomb = CASES / "invalid" / "sop005-alias-bomb" / "sops" / "bom.yaml"
    assert bomb.stat().st_size < 1000
    loaded = yamlload.load_file(bomb)
    assert [d.code for d in loaded.diagnostics] == ["SOP005"]
    assert len(built) <= yamlload.MAX_NODES + 1
