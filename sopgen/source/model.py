"""Typed model of an SOP, built from data that already passed the JSON Schema.

The file format keeps the Indonesian words of the official form; the model keeps them too
for the domain fields (nomor, nama, langkah...) so code, templates and files read alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

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

    @classmethod
    def merged(cls, base: dict[str, Any], override: dict[str, Any]) -> Instansi:
        data = {**base, **{k: v for k, v in override.items() if v is not None}}
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True)
class Revisi:
    tanggal: date
    uraian: str = ""


@dataclass(frozen=True)
class Tanggal:
    pembuatan: date
    efektif: date
    revisi: tuple[Revisi, ...] = ()

    @property
    def revisi_terakhir(self) -> date | None:
        return max((r.tanggal for r in self.revisi), default=None)


@dataclass(frozen=True)
class Pengesah:
    nama: str
    nip: str
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
    kelengkapan: tuple[str, ...]
    waktu: str  # as written, e.g. "480" or "2 jam"
    menit: float  # the standard in working minutes
    output: str


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
    nomor: str
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
    status: str = BERLAKU  # berlaku, draf or dicabut: only berlaku is in force
    diganti_oleh: str | None = None  # nomor of the SOP that replaces this one
    source: SourceMap = field(default_factory=SourceMap, compare=False, repr=False)

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
        return sum(s.mutu_baku.menit for s in self.langkah)

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


def _date(text: str) -> date:
    return date.fromisoformat(text)


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
    tg = data["tanggal"]
    rev = tg.get("revisi")
    if rev is None:
        revisi: tuple[Revisi, ...] = ()
    elif isinstance(rev, str):
        revisi = (Revisi(_date(rev)),)
    else:
        revisi = tuple(Revisi(_date(r["tanggal"]), r.get("uraian", "")) for r in rev)
    steps = []
    for i, s in enumerate(data["langkah"], 1):
        mb = s["mutu_baku"]
        try:
            menit = parse_waktu(mb["waktu"], minutes_per_day)
        except DurationError:
            menit = float("nan")
        steps.append(
            Step(
                no=i,
                aktivitas=s["aktivitas"],
                pelaksana=_texts(s["pelaksana"]),
                mutu_baku=MutuBaku(_texts(mb["kelengkapan"]), str(mb["waktu"]), menit, mb["output"]),
                jenis=s.get("jenis", PROSES),
                pertanyaan=s.get("pertanyaan", ""),
                ya=_target(s.get("ya")),
                tidak=_target(s.get("tidak")),
                keterangan=s.get("keterangan") or "",
            )
        )
    ket = tuple(
        Keterkaitan(nomor=k["nomor"]) if isinstance(k, dict) else Keterkaitan(teks=k)
        for k in data.get("keterkaitan") or ()
    )
    d = data["disahkan_oleh"]
    return Sop(
        path=path,
        file=file,
        versi_format=data["versi_format"],
        nomor=data["nomor"],
        nama=data["nama"],
        instansi=Instansi.merged(instansi_default, data.get("instansi") or {}),
        tanggal=Tanggal(_date(tg["pembuatan"]), _date(tg["efektif"]), revisi),
        disahkan_oleh=Pengesah(d["nama"], d["nip"], d.get("jabatan", ""), d.get("pangkat", "")),
        pelaksana=tuple(Actor(a["id"], a["nama"], tuple(a.get("alias") or ())) for a in data["pelaksana"]),
        langkah=tuple(steps),
        dasar_hukum=_texts(data.get("dasar_hukum")),
        kualifikasi_pelaksana=_texts(data.get("kualifikasi_pelaksana")),
        keterkaitan=ket,
        peralatan_perlengkapan=_texts(data.get("peralatan_perlengkapan")),
        peringatan=_texts(data.get("peringatan")),
        pencatatan_pendataan=_texts(data.get("pencatatan_pendataan")),
        status=data.get("status") or BERLAKU,
        diganti_oleh=data.get("diganti_oleh"),
        source=source,
    )
