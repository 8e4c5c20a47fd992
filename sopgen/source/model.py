"""Typed model of an SOP, built from data that already passed the JSON Schema.

The file format keeps the Indonesian words of the official form; the model keeps them too
for the domain fields (nomor, nama, langkah...) so code, templates and files read alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sopgen.source.dates import Tgl
from sopgen.source.duration import DurationError, parse_waktu
from sopgen.source.yamlload import SourceMap

END = "selesai"
PROSES = "proses"
KEPUTUSAN = "keputusan"
BERLAKU, DRAF, DICABUT = "berlaku", "draf", "dicabut"


@dataclass(frozen=True)
class Instansi:
    pemerintah: str = ""
    nama: str = ""
    unit: str = ""
    alamat: str = ""
    telepon: str = ""
    kota: str = ""
    logo: str | None = None
    faks: str = ""
    email: str = ""
    laman: str = ""
    kop: tuple[str, ...] = ()  # the header lines as printed; overrides pemerintah/nama/kota

    @classmethod
    def merged(cls, base: dict[str, Any], override: dict[str, Any]) -> Instansi:
        """The SOP's own values over the config's; `""` in the SOP blanks a config value."""
        data = {**base, **{k: v for k, v in override.items() if v is not None}}
        if "kop" in data:
            data["kop"] = tuple(str(x) for x in data["kop"] or ())
        if data.get("logo") == "":
            data["logo"] = None
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True)
class Revisi:
    tanggal: Tgl
    uraian: str = ""


@dataclass(frozen=True)
class RiwayatRevisi:
    """One row of the printed revision history table (Daftar Riwayat Revisi)."""

    revisi: str
    tanggal: Tgl | None = None
    uraian: str = ""


@dataclass(frozen=True)
class Tanggal:
    """The form's dates; None is a blank cell (a blangko), never an invented date."""

    pembuatan: Tgl | None = None
    efektif: Tgl | None = None
    revisi: tuple[Revisi, ...] = ()
    pengesahan: Tgl | None = None  # "Tgl Pengesahan", printed instead of "Tgl Efektif"

    @property
    def revisi_terakhir(self) -> Tgl | None:
        return max((r.tanggal for r in self.revisi), default=None)

    @property
    def berlaku(self) -> Tgl | None:
        """From when the SOP applies: Tgl Efektif, or Tgl Pengesahan on forms that print that."""
        return self.efektif or self.pengesahan


@dataclass(frozen=True)
class Pengesah:
    nama: str = ""  # "" is a blank (the sheet is signed by hand)
    nip: str = ""
    jabatan: str = ""
    pangkat: str = ""


@dataclass(frozen=True)
class Keterkaitan:
    """A related item: free text, or a reference to another SOP by its nomor."""

    teks: str = ""
    nomor: str | None = None


@dataclass(frozen=True)
class Actor:
    id: str
    nama: str
    alias: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, self.nama, *self.alias)


@dataclass(frozen=True)
class MutuBaku:
    """A step's standard; every part may be blank (a start row "Dokumen/Start" has none)."""

    kelengkapan: tuple[str, ...] = ()
    waktu: str = ""  # as written, e.g. "480", "2 jam" or "1x24 jam"; "" when blank
    menit: float | None = None  # the standard in working minutes; None: no time standard
    output: str = ""


@dataclass(frozen=True)
class Step:
    no: int
    aktivitas: str
    pelaksana: tuple[str, ...]
    mutu_baku: MutuBaku
    jenis: str = PROSES
    pertanyaan: str = ""
    ya: int | str | None = None
    tidak: int | str | None = None
    keterangan: str = ""
    keterangan_sampai: int | None = None  # the remark's merged cell runs down to this step
    label_ya: str = "Ya"  # the printed captions of a decision's branches
    label_tidak: str = "Tidak"

    @property
    def is_decision(self) -> bool:
        return self.jenis == KEPUTUSAN


@dataclass(frozen=True)
class Edge:
    source: int
    target: int | str  # step no or END
    label: str = ""  # "Ya" / "Tidak" for decision branches


@dataclass(frozen=True)
class Sop:
    path: Path
    file: str  # path as shown in messages
    versi_format: int
    nomor: str  # the Nomor SOP, or the file name when the sheet prints none (nomor_kosong)
    nama: str
    instansi: Instansi
    tanggal: Tanggal
    disahkan_oleh: Pengesah
    pelaksana: tuple[Actor, ...]
    langkah: tuple[Step, ...]
    dasar_hukum: tuple[str, ...] = ()
    kualifikasi_pelaksana: tuple[str, ...] = ()
    keterkaitan: tuple[Keterkaitan, ...] = ()
    peralatan_perlengkapan: tuple[str, ...] = ()
    peringatan: tuple[str, ...] = ()
    pencatatan_pendataan: tuple[str, ...] = ()
    nomor_kosong: bool = False  # no Nomor SOP printed: the SOP is known by its file name
    revisi_ke: int | None = None  # the "No. Revisi" row, printed when given
    riwayat_revisi: tuple[RiwayatRevisi, ...] = ()
    status: str = BERLAKU  # berlaku, draf or dicabut: only berlaku is in force
    diganti_oleh: str | None = None  # nomor of the SOP that replaces this one
    source: SourceMap = field(default_factory=SourceMap, compare=False, repr=False)

    @property
    def nomor_sop(self) -> str:
        """What the Nomor SOP cell prints: '' for a blank, never the file name."""
        return "" if self.nomor_kosong else self.nomor

    def actor(self, actor_id: str) -> Actor | None:
        return next((a for a in self.pelaksana if a.id == actor_id), None)

    def step(self, no: int) -> Step | None:
        return self.langkah[no - 1] if 1 <= no <= len(self.langkah) else None

    def edges(self, step: Step) -> tuple[Edge, ...]:
        """Where a step leads: a branch left out goes to the next step (the end after the last)."""
        nxt: int | str = step.no + 1 if step.no < len(self.langkah) else END
        if not step.is_decision:
            return (Edge(step.no, nxt),)
        return (
            Edge(step.no, step.ya if step.ya is not None else nxt, "Ya"),
            Edge(step.no, step.tidak if step.tidak is not None else nxt, "Tidak"),
        )

    @property
    def total_menit(self) -> float:
        """The "Jumlah waktu": steps without a time standard do not count."""
        return sum(s.mutu_baku.menit for s in self.langkah if s.mutu_baku.menit is not None)

    def lanes(self, step: Step) -> tuple[int, ...]:
        index = {a.id: i for i, a in enumerate(self.pelaksana)}
        return tuple(sorted(index[p] for p in step.pelaksana if p in index))


class ModelError(Exception):
    """Raised only for data the schema should have refused; rules report the user-facing cause."""


def _texts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def _target(t: Any) -> int | str | None:
    return int(t) if isinstance(t, float) and t.is_integer() else t


def _date(text: Any) -> Tgl | None:
    return Tgl.parse(text) if isinstance(text, str) else None


def _mutu_baku(mb: Any, minutes_per_day: float) -> MutuBaku:
    mb = mb if isinstance(mb, dict) else {}
    waktu = mb.get("waktu")
    menit: float | None = None
    if waktu is not None:
        try:
            menit = parse_waktu(waktu, minutes_per_day)
        except DurationError:
            menit = float("nan")
    return MutuBaku(_texts(mb.get("kelengkapan")), "" if waktu is None else str(waktu), menit, mb.get("output") or "")


def _step(i: int, s: dict[str, Any], minutes_per_day: float) -> Step:
    ket = s.get("keterangan")
    sampai = None
    if isinstance(ket, dict):
        ket, sampai = ket.get("teks"), int(ket["sampai"])
    return Step(
        no=i,
        aktivitas=s["aktivitas"],
        pelaksana=_texts(s["pelaksana"]),
        mutu_baku=_mutu_baku(s.get("mutu_baku"), minutes_per_day),
        jenis=s.get("jenis", PROSES),
        pertanyaan=s.get("pertanyaan", ""),
        ya=_target(s.get("ya")),
        tidak=_target(s.get("tidak")),
        keterangan=ket or "",
        keterangan_sampai=sampai,
        label_ya=s.get("label_ya") or "Ya",
        label_tidak=s.get("label_tidak") or "Tidak",
    )


def _tanggal(tg: Any) -> Tanggal:
    tg = tg if isinstance(tg, dict) else {}
    rev = tg.get("revisi")
    if rev is None:
        revisi: tuple[Revisi, ...] = ()
    elif isinstance(rev, str):
        revisi = (Revisi(Tgl.parse(rev)),)
    else:
        revisi = tuple(Revisi(Tgl.parse(r["tanggal"]), r.get("uraian", "")) for r in rev)
    return Tanggal(_date(tg.get("pembuatan")), _date(tg.get("efektif")), revisi, _date(tg.get("pengesahan")))


def build_sop(
    data: dict[str, Any],
    *,
    path: Path,
    file: str,
    source: SourceMap,
    instansi_default: dict[str, Any],
    minutes_per_day: float,
) -> Sop:
    """Build the model; dates and durations that do not parse raise ValueError/DurationError.

    Callers run the semantic rules first, which report those problems with positions, and only
    build the model from files without errors.
    """
    ket = tuple(
        Keterkaitan(nomor=k["nomor"]) if isinstance(k, dict) else Keterkaitan(teks=k)
        for k in data.get("keterkaitan") or ()
    )
    d = data.get("disahkan_oleh") or {}
    nomor = data.get("nomor")
    riwayat = tuple(
        RiwayatRevisi(str(r["revisi"]), _date(r.get("tanggal")), r.get("uraian") or "")
        for r in data.get("riwayat_revisi") or ()
    )
    return Sop(
        path=path,
        file=file,
        versi_format=data["versi_format"],
        nomor=nomor if isinstance(nomor, str) else path.stem,
        nama=data["nama"],
        instansi=Instansi.merged(instansi_default, data.get("instansi") or {}),
        tanggal=_tanggal(data.get("tanggal")),
        disahkan_oleh=Pengesah(d.get("nama") or "", d.get("nip") or "", d.get("jabatan", ""), d.get("pangkat", "")),
        pelaksana=tuple(Actor(a["id"], a["nama"], tuple(a.get("alias") or ())) for a in data["pelaksana"]),
        langkah=tuple(_step(i, s, minutes_per_day) for i, s in enumerate(data["langkah"], 1)),
        dasar_hukum=_texts(data.get("dasar_hukum")),
        kualifikasi_pelaksana=_texts(data.get("kualifikasi_pelaksana")),
        keterkaitan=ket,
        peralatan_perlengkapan=_texts(data.get("peralatan_perlengkapan")),
        peringatan=_texts(data.get("peringatan")),
        pencatatan_pendataan=_texts(data.get("pencatatan_pendataan")),
        nomor_kosong=not isinstance(nomor, str),
        revisi_ke=data.get("revisi_ke"),
        riwayat_revisi=riwayat,
        status=data.get("status") or BERLAKU,
        diganti_oleh=data.get("diganti_oleh"),
        source=source,
    )
