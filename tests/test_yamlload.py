"""The safe YAML loader: edge cases the data-driven cases do not show line by line.

Every test runs with libyaml (the fast path) and with PyYAML's pure-Python parser (the
fallback where libyaml is missing): both must give the same values, positions and messages.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from sopgen.source import shape
from sopgen.source import yamlload
from sopgen.source.yamlload import MAX_BYTES, MAX_NODES, load_file, load_text

DEFAULT_LOADER = yamlload._Loader
LOADERS = [pytest.param(yamlload._PyLoader, id="pyyaml")]
if getattr(yaml, "__with_libyaml__", False):
    LOADERS.insert(0, pytest.param(yamlload._CLoader, id="libyaml"))


@pytest.fixture(params=LOADERS, autouse=True)
def loader(request, monkeypatch):
    monkeypatch.setattr(yamlload, "_Loader", request.param)
    return request.param


def load(text: str):
    return load_text(textwrap.dedent(text).encode("utf-8"), "f.yaml")


def codes(loaded) -> list[str]:
    return [d.code for d in loaded.diagnostics]


def test_libyaml_is_used_when_present():
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML built without libyaml")
    assert DEFAULT_LOADER is yamlload._CLoader


def test_yaml_12_core_types_only():
    """What PyYAML's YAML 1.1 defaults would silently change stays as written."""
    data = load(
        """\
        no: 1
        yes: on
        off: No
        waktu: 1:30
        pembuatan: 2023-10-05
        nomor: 2023-10-05
        jam: 07:30
        sexa: 190:20:30
        oktal_lama: 0755
        kosong:
        tilde: ~
        benar: true
        heks: 0x1F
        oktal: 0o17
        pecahan: 1.5
        tak_hingga: -.inf
        e: 1e3
        kutip: "5"
        """
    ).data
    assert data == {
        "no": 1,
        "yes": "on",
        "off": "No",
        "waktu": "1:30",
        "pembuatan": "2023-10-05",
        "nomor": "2023-10-05",
        "jam": "07:30",
        "sexa": "190:20:30",
        "oktal_lama": 755,
        "kosong": None,
        "tilde": None,
        "benar": True,
        "heks": 31,
        "oktal": 15,
        "pecahan": 1.5,
        "tak_hingga": float("-inf"),
        "e": 1000.0,
        "kutip": "5",
    }
    assert list(data)[0] == "no"


def test_unquoted_numbers_keep_their_written_form_where_text_is_wanted():
    loaded = load(
        """\
        disahkan_oleh: {nama: Budi, nip: 198005122005011003}
        instansi: {telepon: 0321 7921515, alamat: 0321}
        keterkaitan: [0755]
        """
    )
    assert loaded.data["instansi"]["alamat"] == 321
    shape.check(loaded.data, loaded.source, "f.yaml")
    assert loaded.data["disahkan_oleh"]["nip"] == "198005122005011003"
    assert loaded.data["instansi"] == {"telepon": "0321 7921515", "alamat": "0321"}
    assert loaded.data["keterkaitan"] == ["0755"]


def test_positions_of_values_and_keys():
    loaded = load(
        """\
        # komentar
        nama: Contoh
        langkah:
          - aktivitas: Menerima
            mutu_baku: {waktu: 5, output: "x"}
        """
    )
    src = loaded.source
    assert src.value_pos(("nama",)) == (2, 7)
    assert src.key_pos(("nama",)) == (2, 1)
    assert src.value_pos(("langkah", 0)) == (4, 5)
    assert src.key_pos(("langkah", 0, "mutu_baku")) == (5, 5)
    assert src.value_pos(("langkah", 0, "mutu_baku", "output")) == (5, 35)
    # a path that was not written falls back to its nearest written ancestor
    assert src.value_pos(("langkah", 0, "mutu_baku", "kelengkapan")) == (5, 16)
    assert src.key_pos(("langkah", 0, "tidak_ada")) == (4, 5)
    assert src.value_pos(("x", 3)) == (2, 1)  # the document itself starts after the comment


def test_columns_count_characters_not_bytes():
    loaded = load("a: é ü\nb: [éé, x]\n")
    assert loaded.source.value_pos(("b", 1)) == (2, 9)


def test_crlf_and_bom():
    loaded = load_text(b"\xef\xbb\xbfnama: A\r\nlangkah:\r\n  - x\r\n", "f.yaml")
    assert loaded.diagnostics == []
    assert loaded.data == {"nama": "A", "langkah": ["x"]}
    assert loaded.source.value_pos(("langkah", 0)) == (3, 5)


def test_duplicate_keys_everywhere():
    loaded = load("a: 1\nb: {x: 1, x: 2}\na: 3\n")
    assert [d.format() for d in loaded.diagnostics] == [
        "f.yaml:2:11: SOP003 kunci 'x' sudah ditulis di baris 2; YAML hanya menyimpan salah satunya — hapus atau gabungkan",
        "f.yaml:3:1: SOP003 kunci 'a' sudah ditulis di baris 1; YAML hanya menyimpan salah satunya — hapus atau gabungkan",
    ]
    assert loaded.data == {"a": 1, "b": {"x": 1}}  # the first one is kept, and reported


def test_merge_keys():
    loaded = load(
        """\
        dasar: &d {kelengkapan: dokumen, waktu: 5, output: x}
        lain: &l {waktu: 9, keterangan: y}
        satu:
          <<: *d
          output: ditimpa
        dua:
          <<: [*l, *d]
        """
    )
    assert loaded.diagnostics == []
    assert loaded.data["satu"] == {"output": "ditimpa", "kelengkapan": "dokumen", "waktu": 5}
    assert loaded.data["dua"] == {"waktu": 9, "keterangan": "y", "kelengkapan": "dokumen", "output": "x"}
    # the key written in place wins, in value and in position
    assert loaded.source.value_pos(("satu", "output")) == (5, 11)
    assert loaded.source.value_pos(("satu", "waktu")) == (1, 41)


def test_merge_of_a_non_mapping_is_an_error():
    loaded = load("a: 1\nb:\n  <<: 5\n  c: 2\n")
    assert [d.format() for d in loaded.diagnostics] == [
        "f.yaml:3:7: SOP002 '<<' (merge key) harus menunjuk peta, mis. '<<: *dasar' dengan '&dasar' pada sebuah peta"
    ]
    assert load("x: <<\n").data == {"x": "<<"}  # as a value it is just text


@pytest.mark.parametrize(
    "text, code, where",
    [
        ("a: !!timestamp 2023-10-05\n", "SOP008", (1, 4)),
        ("a: !!binary aGVsbG8=\n", "SOP008", (1, 4)),
        ("a: !!python/object/apply:os.system [ls]\n", "SOP008", (1, 4)),
        ("a: !!set {x, y}\n", "SOP008", (1, 4)),
        ("a: !!omap [{x: 1}]\n", "SOP008", (1, 4)),
        ("a: !lokal x\n", "SOP008", (1, 4)),
        ("a: !!int abc\n", "SOP008", (1, 4)),
        ("a: !!float x\n", "SOP008", (1, 4)),
        ("? [a, b]\n: c\n", "SOP002", (1, 3)),
    ],
)
def test_tags_and_keys_that_are_refused(text, code, where):
    loaded = load(text)
    assert codes(loaded) == [code]
    assert (loaded.diagnostics[0].line, loaded.diagnostics[0].column) == where


def test_harmless_explicit_tags():
    assert load("a: !!str 5\nb: !!int '7'\nc: !!map {x: 1}\nd: !!seq [1]\n").data == {"a": "5", "b": 7, "c": {"x": 1}, "d": [1]}


@pytest.mark.parametrize(
    "text, where, words",
    [
        ("a: [x\nb: 1\n", (2, 2), "daftar '[' dibuka di baris 1 kolom 4"),
        ("a: {x: 1\n", (2, 1), "peta '{' tidak ditutup"),
        ('a: "x\nb: 1\n', (3, 1), "tanda kutip dibuka di baris 1 kolom 4"),
        ("a: b: c\n", (1, 5), "nilai yang memuat ': ' harus diberi tanda kutip"),
        ("a:\n  - x\n b: 1\n", (3, 2), "indentasi tidak sejajar"),
        ("a: @x\n", (1, 4), "tidak boleh mengawali nilai"),
        ("a: *x\n", (1, 4), "alias '*...' menunjuk anchor '&...' yang tidak ada"),
        ("a: &x 1\nb: &x 2\n", (2, 4), "anchor '&...' dengan nama yang sama"),
        ('a: "\\q"\n', (1, 5), "garis miring terbalik"),  # PyYAML: column 6
        ("a: 1\n\x07b: 2\n", (2, 1), "karakter kendali U+0007"),
    ],
)
def test_syntax_errors_in_indonesian_with_position(text, where, words, loader):
    loaded = load_text(text.encode(), "f.yaml")
    assert codes(loaded) == ["SOP002"]
    d = loaded.diagnostics[0]
    if not ("\\q" in text and loader is yamlload._PyLoader):
        assert (d.line, d.column) == where
    assert d.message.startswith(("sintaks YAML: ", "karakter kendali"))
    assert words in d.message
    assert loaded.data is None


def test_not_utf8():
    loaded = load_text("nama: Müller\nb: café\n".encode("cp1252"), "f.yaml")
    assert [d.format() for d in loaded.diagnostics] == [
        "f.yaml:1:8: SOP001 bita 0xfc bukan UTF-8 (berkas mungkin tersimpan sebagai Windows-1252/ANSI); simpan ulang sebagai UTF-8"
    ]
    # the column counts the characters before the bad byte, not the bytes
    loaded = load_text("é: ".encode() + b"\xe9\n", "f.yaml")
    assert (loaded.diagnostics[0].line, loaded.diagnostics[0].column) == (1, 4)
    utf16 = load_text("nama: A\n".encode("utf-16"), "f.yaml")
    assert codes(utf16) == ["SOP001"] and "UTF-16" in utf16.diagnostics[0].message


def test_tabs(loader):
    assert codes(load("a:\n\tb: 1\n")) == ["SOP004"]
    loaded = load("a:\n  b: 1\n  \tc: 2\n\td: 3\n")
    assert [(d.line, d.column) for d in loaded.diagnostics] == [(3, 3), (4, 1)]
    assert load('a: "x\ty"\n').data == {"a": "x\ty"}  # a tab inside a value is fine
    if loader is not yamlload._PyLoader:  # (pure-Python PyYAML wrongly refuses it unquoted)
        assert load("b: x\ty\n").data == {"b": "x\ty"}


def test_not_one_mapping():
    assert [d.message for d in load("").diagnostics] == [load("# hanya komentar\n").diagnostics[0].message]
    assert codes(load("---\n")) == ["SOP007"]
    assert codes(load("- a\n")) == ["SOP007"]
    assert codes(load("teks saja\n")) == ["SOP007"]
    two = load("a: 1\n---\nb: 2\n")
    assert codes(two) == ["SOP007"] and (two.diagnostics[0].line, two.diagnostics[0].column) == (3, 1)


def test_alias_bomb_and_recursion():
    layers = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    layers += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    bomb = load("\n".join(layers) + "\n")  # 10^9 values from ~600 bytes
    assert codes(bomb) == ["SOP005"]
    assert "alias bomb" in bomb.diagnostics[0].message
    assert bomb.diagnostics[0].line == 5  # a4 (10^5 values and those before it): past MAX_NODES
    assert MAX_NODES >= 10_000  # a real SOP never comes near
    merge_bomb = load("\n".join(layers[:6]) + "\nb:\n  <<: {x: *a5}\n")
    assert codes(merge_bomb) == ["SOP005"]
    deep = load("a: &a [*a]\n")
    assert codes(deep) == ["SOP005"] and "bersarang" in deep.diagnostics[0].message


def test_shared_anchors_below_the_limit_are_fine():
    text = "m: &m {kelengkapan: dokumen, waktu: 5, output: x}\nlangkah:\n" + "".join(f"  - {{aktivitas: a{i}, mutu_baku: *m}}\n" for i in range(200))
    loaded = load(text)
    assert loaded.diagnostics == []
    assert len(loaded.data["langkah"]) == 200


def test_size_limit(tmp_path: Path):
    body = b"a: 1\n" + b"#" * MAX_BYTES
    assert codes(load_text(body, "f.yaml")) == ["SOP006"]
    big = tmp_path / "besar.yaml"
    big.write_bytes(body)
    loaded = load_file(big, "besar.yaml")
    assert [d.format() for d in loaded.diagnostics] == [
        "besar.yaml:1:1: SOP006 berkas 1.048.581 bita, melebihi batas 1.048.576 bita (1 MiB); pecah SOP menjadi beberapa berkas"
    ]
    exact = tmp_path / "pas.yaml"
    exact.write_bytes(b"a: 1\n" + b"#" * (MAX_BYTES - 5))
    assert load_file(exact).diagnostics == []


def test_unreadable_file(tmp_path: Path):
    loaded = load_file(tmp_path / "tidak-ada.yaml", "tidak-ada.yaml")
    assert codes(loaded) == ["SOP002"] and "tidak dapat dibaca" in loaded.diagnostics[0].message


def test_a_device_or_a_pipe_is_never_read_without_end(tmp_path: Path):
    """A file named on the command line that is no regular file: a device is refused before
    reading (/dev/zero never ends), a pipe is read only up to the size limit."""
    import os
    import threading

    if os.path.exists("/dev/zero"):
        loaded = load_file(Path("/dev/zero"), "/dev/zero")
        assert codes(loaded) == ["SOP002"] and "bukan berkas biasa" in loaded.diagnostics[0].message
    pipe = tmp_path / "pipa.yaml"
    os.mkfifo(pipe)

    def write() -> None:
        try:
            with open(pipe, "wb") as fh:
                fh.write(b"a: 1\n" + b"#" * (3 * MAX_BYTES))
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=write)
    writer.start()
    loaded = load_file(pipe, "pipa.yaml")
    writer.join(timeout=10)
    assert codes(loaded) == ["SOP006"] and "lebih dari" in loaded.diagnostics[0].message


def test_loaders_agree_on_the_real_sops():
    """libyaml and PyYAML give the same data and the same positions for every SOP in sops/."""
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML built without libyaml")
    for path in sorted((Path(__file__).resolve().parent.parent / "sops").glob("*.yaml")):
        raw = path.read_bytes()
        yamlload._Loader = yamlload._CLoader
        c = load_text(raw, path.name)
        yamlload._Loader = yamlload._PyLoader
        p = load_text(raw, path.name)
        assert c.data == p.data and c.diagnostics == p.diagnostics
        assert c.source.values == p.source.values and c.source.keys == p.source.keys
