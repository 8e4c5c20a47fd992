"""The per-file validation cache (`sopgen.source.cache`): never a different diagnostic.

Every case of tests/cases is validated without the cache, with it cold, warm, tampered and
truncated, and the reports must be identical. The cache is untrusted: a forged entry, a cache
sealed with another key, a link, a huge file or a key others can write are all ignored.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopfactory import make_project, sop_yaml
from test_cases import ALL, GENERATED, _expectation, _key, _prepare

from sopgen.cli import main
from sopgen.source import cache as filecache
from sopgen.source import validate as validate_module
from sopgen.source.project import load_project
from sopgen.source.reporters import REPORTERS
from sopgen.source.validate import CACHE_MIN_FILES, validate


@pytest.fixture(autouse=True)
def _key_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The key lives in a user cache folder of the test's own, never the real home."""
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / "sopgen"


def _copy_case(case: Path, tmp_path: Path) -> Path:
    """A case in a folder of its own, so its cache is written there and not into tests/."""
    if _key(case) in GENERATED:
        return _prepare(case, tmp_path)
    work = tmp_path / "kasus" / case.name
    shutil.copytree(case, work, symlinks=True)
    return work


def _run(args: list[str], cache) -> tuple[str, list[dict], bool]:
    paths = [Path(a) for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] != "--format")]
    result = validate(paths or None, cache=cache)
    return REPORTERS["text"](result), [d.as_dict() for d in result.diagnostics], result.failed(strict="--strict" in args)


def _open(args: list[str]) -> filecache.ValidationCache:
    paths = [Path(a) for a in args if not a.startswith("-")]
    project, _ = load_project(paths[0] if paths else Path.cwd())
    opened = filecache.open_for(project)
    assert opened is not None
    return opened


def _tamper(path: Path) -> None:
    """Change every entry to say the file is clean, keeping the seal of the original."""
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n")
    data = json.loads(body)
    for entry in data["berkas"].values():
        entry["diagnostik"] = []
        entry["abaikan"] = []
    path.write_bytes(head + b"\n" + json.dumps(data).encode())


@pytest.mark.parametrize("case", ALL)
def test_cache_cold_warm_and_broken_give_the_same_diagnostics(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args, _, _ = _expectation(case)
    monkeypatch.chdir(_copy_case(case, tmp_path))
    plain = _run(args, cache=False)
    cold_cache = _open(args)
    assert _run(args, cache=cold_cache) == plain
    cold_cache.save(load_project(Path.cwd())[0].root)
    warm_cache = _open(args)
    answered = []
    real_result_of = filecache.result_of
    monkeypatch.setattr(filecache, "result_of", lambda *a: answered.append(a[1]) or real_result_of(*a))
    assert _run(args, cache=warm_cache) == plain
    if warm_cache.entries:
        assert answered, "a warm cache answers for the files it holds"
    stored = warm_cache.path
    if stored.is_file():
        _tamper(stored)
        assert filecache.open_for(load_project(Path.cwd())[0]).entries == {}
        assert _run(args, cache=_open(args)) == plain
        stored.write_bytes(stored.read_bytes()[: stored.stat().st_size // 2])  # truncated
        assert _run(args, cache=_open(args)) == plain


def _project(root: Path, count: int = 3, **extra) -> Path:
    sops = {f"{i:03d}-sop.yaml": sop_yaml(f"800/{i:03d}/416-317/2023", f"Pelayanan {i}", 4, **extra) for i in range(count)}
    return make_project(root, sops)


def _opened(root: Path) -> filecache.ValidationCache:
    opened = filecache.open_for(load_project(root)[0])
    assert opened is not None
    return opened


def _validated(root: Path, cache) -> list[str]:
    return [d.format() for d in validate([root / "sops"], load_project(root)[0], cache=cache).diagnostics]


def test_saving_writes_each_entry_as_it_now_is(tmp_path: Path) -> None:
    """`save` writes an entry nobody touched as the text it was read from (not encoded anew);
    an entry given a summary or a stamp since, a new entry and a gone file's are written as
    they now are."""
    root = _project(tmp_path / "p", count=4)
    first = _opened(root)
    _validated(root, first)
    first.save(root)
    cache = _opened(root)
    assert cache.entries == first.entries and len(cache.texts) == 4
    rels = sorted(cache.entries)
    cache.set_extra(rels[0], cache.entries[rels[0]]["kunci"], {"judul": "Pelayanan 0"})
    cache.keep_stamp(rels[1], cache.entries[rels[1]]["kunci"], [1, 2, 3, 4, "a" * 64])
    cache.put("sops/baru.yaml", {**cache.entries[rels[3]], "nomor": "800/999/416-317/2023"})
    (root / "sops" / "baru.yaml").write_text("x", encoding="utf-8")
    (root / rels[2]).unlink()
    cache.save(root)
    again = _opened(root)
    assert again.entries == {r: e for r, e in cache.entries.items() if r != rels[2]}
    assert again.entries[rels[0]]["ekstra"] == {"judul": "Pelayanan 0"} and again.entries[rels[1]]["stat"][:4] == [1, 2, 3, 4]
    assert again.entries["sops/baru.yaml"]["nomor"] == "800/999/416-317/2023"


def test_a_forged_entry_sealed_with_another_key_is_ignored(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    (root / "sops" / "000-sop.yaml").write_text("nomor: [rusak\n", encoding="utf-8")
    first = _opened(root)
    expected = _validated(root, first)
    assert any("SOP002" in line for line in expected)
    first.save(root)
    # The same entries, cleaned of their diagnostics and sealed with a key that is not ours.
    forged = filecache.ValidationCache(first.path, b"k" * 32, first.context, {r: {**e, "diagnostik": []} for r, e in first.entries.items()}, True)
    forged.save(root)
    assert _opened(root).entries == {}
    assert _validated(root, _opened(root)) == expected


def test_a_well_sealed_but_malformed_cache_is_ignored_whole(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    good = _opened(root)
    expected = _validated(root, good)
    good.save(root)
    rel = sorted(good.entries)[0]
    broken = [
        {"diagnostik": [[1, 1, "SOP101", "galat", "x"]]},  # not a severity
        {"diagnostik": [[-1, 1, "SOP101", "error", "x"]]},
        {"kunci": "0" * 63},
        {"tautan": [["a", 1]]},
        {"logo": ["a"]},
        {"lain": 1},
        {"ekstra": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}},
    ]
    for change in broken:
        sealed = filecache.ValidationCache(good.path, good.secret, good.context, {**good.entries, rel: {**good.entries[rel], **change}}, True)
        # put() refuses what sopgen would not write: write the body as a forger with the key would
        sealed.entries[rel] = {**good.entries[rel], **change}
        sealed.save(root)
        assert _opened(root).entries == {}, change
        assert _validated(root, _opened(root)) == expected


def test_what_the_cache_may_not_be(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    good = _opened(root)
    _validated(root, good)
    good.save(root)
    path = good.path
    elsewhere = tmp_path / "lain.json"
    shutil.move(path, elsewhere)
    path.symlink_to(elsewhere)
    assert _opened(root).entries == {}  # never read through a link
    path.unlink()
    with open(path, "wb") as fh:
        fh.truncate(filecache.MAX_BYTES + 1)  # sparse
    assert _opened(root).entries == {}
    path.write_bytes(b"sopgen-validasi 00\n{}")
    assert _opened(root).entries == {}
    # A cache folder that links out of the project is never written into.
    shutil.rmtree(path.parent)
    (tmp_path / "luar").mkdir()
    path.parent.symlink_to(tmp_path / "luar")
    again = _opened(root)
    _validated(root, again)
    again.save(root)
    assert list((tmp_path / "luar").iterdir()) == []


def test_each_entry_follows_its_file_its_logo_and_the_config(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    (root / "logo").mkdir()
    png = (Path(__file__).parent / "cases" / "valid" / "logo-inside-project" / "logo" / "kecamatan.png").read_bytes()
    (root / "logo" / "a.png").write_bytes(png)
    sop = root / "sops" / "001-sop.yaml"
    sop.write_text(sop.read_text(encoding="utf-8").replace("instansi:\n", "instansi:\n  logo: logo/a.png\n", 1), encoding="utf-8")
    cache = _opened(root)
    assert not any("SOP505" in line for line in _validated(root, cache))
    cache.save(root)
    (root / "logo" / "a.png").write_bytes(b"bukan gambar")
    assert any("SOP505" in line for line in _validated(root, _opened(root)))
    (root / "logo" / "a.png").write_bytes(png)
    assert not any("SOP505" in line for line in _validated(root, _opened(root)))
    # The config is part of every entry's context: [batas] langkah below 4 steps fails them all.
    config = root / "sopgen.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[batas]\nlangkah = 3\n", encoding="utf-8")
    after = _validated(root, _opened(root))
    assert sum("SOP703" in line for line in after) == 3 and after == _validated(root, False)


def test_one_file_reads_the_others_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "p", count=5)
    cache = _opened(root)
    _validated(root, cache)
    cache.save(root)
    one = root / "sops" / "002-sop.yaml"
    one.write_text(one.read_text(encoding="utf-8").replace('nomor: "800/002', 'nomor: "800/001', 1), encoding="utf-8")
    parsed = []
    real = validate_module.load_text
    monkeypatch.setattr(validate_module, "load_text", lambda raw, file: parsed.append(file) or real(raw, file))
    result = validate([one], load_project(root)[0], cache=_opened(root))
    assert [Path(f).name for f in parsed] == ["002-sop.yaml"]  # the other four: from the cache
    assert [d.code for d in result.diagnostics] == ["SOP501"]
    monkeypatch.setattr(validate_module, "load_text", real)
    assert [d.format() for d in result.diagnostics] == [d.format() for d in validate([one], load_project(root)[0]).diagnostics]


def test_a_settled_file_is_not_read_again_and_a_change_is_still_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stamp (size, times, inode) stands in for reading an unchanged file; a change that
    keeps the size and puts the old mtime back still changes the ctime, so it is read."""
    root = _project(tmp_path / "p", count=3)
    clock = filecache.time.time_ns
    monkeypatch.setattr(filecache.time, "time_ns", lambda: clock() + 10 * filecache.SETTLED_NS)  # files look old
    cache = _opened(root)
    expected = _validated(root, cache)
    cache.save(root)
    assert all("stat" in e for e in _opened(root).entries.values())
    read: list[str] = []
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real_read(self))
    assert _validated(root, _opened(root)) == expected
    assert not [n for n in read if n.endswith(".yaml")]
    one = root / "sops" / "001-sop.yaml"
    before = one.stat()
    time.sleep(0.05)  # past the clock tick of the first write
    one.write_text(one.read_text(encoding="utf-8").replace('nomor: "800/001', 'nomor: "800/000', 1), encoding="utf-8")
    os.utime(one, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert one.stat().st_size == before.st_size and one.stat().st_mtime_ns == before.st_mtime_ns
    after = _validated(root, _opened(root))
    assert any("SOP501" in line for line in after) and after == _validated(root, False)
    assert "001-sop.yaml" in read


def test_a_key_others_can_write_is_no_key(tmp_path: Path, _key_home: Path) -> None:
    key = filecache.secret_key()
    assert key is not None and len(key) == 32 and filecache.secret_key() == key
    os.chmod(_key_home / filecache.KEY_NAME, 0o622)
    assert filecache.secret_key() is None
    os.chmod(_key_home / filecache.KEY_NAME, 0o600)
    (_key_home / filecache.KEY_NAME).write_bytes(b"pendek")
    assert filecache.secret_key() is None
    root = _project(tmp_path / "p")
    assert filecache.open_for(load_project(root)[0]) is None
    assert _validated(root, True) == _validated(root, False)  # no key: no cache, same result


def test_the_command_keeps_a_cache_only_for_big_projects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = _project(tmp_path / "kecil", count=3)
    monkeypatch.chdir(small)
    assert CliRunner().invoke(main, ["validate"]).exit_code == 0
    assert not (small / ".sopgen-cache").exists()
    big = _project(tmp_path / "besar", count=CACHE_MIN_FILES + 1)
    monkeypatch.chdir(big)
    outputs = [CliRunner().invoke(main, ["validate", *args]) for args in ([], [], ["sops/003-sop.yaml"])]
    assert (big / ".sopgen-cache" / filecache.CACHE_FILE).is_file()
    assert (big / ".sopgen-cache" / ".gitignore").is_file()
    assert outputs[0].stdout == outputs[1].stdout and outputs[0].exit_code == outputs[1].exit_code == 0
    assert outputs[2].stdout.startswith("1 berkas diperiksa")
    (big / "sops" / "003-sop.yaml").unlink()
    CliRunner().invoke(main, ["validate", "sops/001-sop.yaml", "sops/002-sop.yaml"])
    assert "003-sop.yaml" not in json.dumps(_opened(big).entries)  # a gone file's entry is dropped


def _outputs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "output").iterdir()) if p.is_file() and not p.name.startswith(".")}


def test_a_build_after_one_change_parses_only_that_file_and_writes_what_a_full_build_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sopgen.render.build import DIBUAT, TIDAK_BERUBAH, build

    revised = "[{tanggal: 2024-01-10, uraian: Waktu verifikasi dipersingkat}]"
    sops = {
        "800-001-domisili.yaml": sop_yaml("800/001/416-317/2023", "Surat Domisili", 3, revisi=revised),
        "800-002-pindah.yaml": sop_yaml("800/002/416-317/2023", "Surat Pindah", 4, keterkaitan=[{"nomor": "800/001/416-317/2023"}]),
        "800-003-usaha.yaml": sop_yaml("800/003/416-317/2023", "Surat Usaha", 3, actors=2),
    }
    root = make_project(tmp_path / "p", sops)
    project, _ = load_project(root)
    assert build(project).ok
    # An SOP listing revisions keeps the no-change rebuild a no-op (its summary is a valid record).
    again = build(project)
    assert not again.validated and [o.status for o in again.outcomes] == [TIDAK_BERUBAH] * 3
    changed = root / "sops" / "800-003-usaha.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace('aktivitas: "', 'aktivitas: "Diubah: ', 1), encoding="utf-8")
    parsed = []
    real = validate_module.load_text
    monkeypatch.setattr(validate_module, "load_text", lambda raw, file: parsed.append(Path(file).name) or real(raw, file))
    result = build(project)
    monkeypatch.setattr(validate_module, "load_text", real)
    assert result.ok and result.validated
    assert [o.status for o in result.outcomes] == [TIDAK_BERUBAH, TIDAK_BERUBAH, DIBUAT]
    assert parsed == ["800-003-usaha.yaml"]  # the other two: diagnostics and summaries from the cache
    incremental = _outputs(root)
    # The same project built from nothing, without any cache: byte for byte the same outputs.
    shutil.rmtree(root / "output")
    shutil.rmtree(root / ".sopgen-cache")
    assert build(project).ok
    assert _outputs(root) == incremental
    # A cache that is not what sopgen sealed changes nothing either.
    cache_file = root / ".sopgen-cache" / filecache.CACHE_FILE
    _tamper(cache_file)
    changed.write_text(changed.read_text(encoding="utf-8").replace("Diubah: ", "", 1), encoding="utf-8")
    assert [o.status for o in build(project).outcomes] == [TIDAK_BERUBAH, TIDAK_BERUBAH, DIBUAT]
    after = _outputs(root)
    shutil.rmtree(root / "output")
    shutil.rmtree(root / ".sopgen-cache")
    assert build(project).ok and _outputs(root) == after


def test_a_file_name_that_is_not_utf8_does_not_break_the_cache(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    os.rename(root / "sops" / "001-sop.yaml", os.path.join(os.fsencode(root / "sops"), b"\xff-sop.yaml"))
    cache = _opened(root)
    expected = _validated(root, False)
    assert _validated(root, cache) == expected
    cache.save(root)  # cannot be written as UTF-8 JSON: nothing written, no traceback
    assert _validated(root, _opened(root)) == expected


def _coarse_stat(real_stat):
    """os.stat as a filesystem whose clock ticks in whole seconds (FAT, ext3, a share over
    SMB or sshfs) shows it when two writes fall in the same tick: the same times for both."""

    def fake(path, *args, **kwargs):
        st = real_stat(path, *args, **kwargs)
        if not os.fspath(path).endswith(".yaml"):
            return st
        s = 1_700_000_000
        return os.stat_result((*tuple(st)[:7], s, s, s, float(s), float(s), float(s), s * 10**9, s * 10**9, s * 10**9))

    return fake


def test_a_change_within_one_tick_of_a_coarse_clock_is_still_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Times in whole seconds cannot tell two writes of one second apart: such a file is not
    stamped, it is read again each run."""
    root = _project(tmp_path / "p", count=3)
    monkeypatch.setattr(validate_module.os, "stat", _coarse_stat(os.stat))
    cache = _opened(root)
    _validated(root, cache)
    cache.save(root)
    one = root / "sops" / "001-sop.yaml"
    text = one.read_text(encoding="utf-8")
    one.write_text(text.replace('nomor: "800/001', 'nomor: "800/000', 1), encoding="utf-8")  # same size, same inode
    after = _validated(root, _opened(root))
    assert any("SOP501" in line for line in after) and after == _validated(root, False)


def test_a_pipe_in_place_of_the_cache_is_replaced_not_written_into(tmp_path: Path) -> None:
    """Anyone who can write the project can leave a named pipe where the cache goes: opening
    it to write waits for a reader that never comes (validate hung)."""
    import threading

    root = _project(tmp_path / "p", count=3)
    (root / ".sopgen-cache").mkdir()
    pipe = root / ".sopgen-cache" / filecache.CACHE_FILE
    os.mkfifo(pipe)
    cache = _opened(root)
    expected = _validated(root, cache)
    saver = threading.Thread(target=cache.save, args=(root,), daemon=True)
    saver.start()
    saver.join(timeout=30)
    assert not saver.is_alive() and pipe.is_file() and not pipe.is_symlink()
    assert _validated(root, _opened(root)) == expected and _opened(root).entries
