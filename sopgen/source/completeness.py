"""Rules of format 1.1: blanks that keep a sheet from being issued, and remarks over several steps.

A blank (a "blangko": no Nomor SOP, no date, no signer's name or NIP) is allowed so the file can
say what the paper says, and the sheet prints an empty cell. Each blank is a warning, so
`--strict` (what an office runs before it issues an SOP) still refuses it.
"""

from __future__ import annotations

from typing import Any, Iterator

from sopgen.source.diagnostics import Diagnostic
from sopgen.source.rules import Context, _steps, rule

_BELUM = "belum lengkap untuk terbit"


def _blank(container: Any, key: str) -> bool:
    return isinstance(container, dict) and container.get(key) is None or container is None


def _file_name(ctx: Context) -> str:
    return ctx.file.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]


@rule
def blanks(ctx: Context) -> Iterator[Diagnostic]:
    data = ctx.data
    if data.get("nomor", None) is None:
        yield ctx.at(("nomor",), "SOP320", f"Nomor SOP kosong: {_BELUM}; sampai diberi nomor SOP ini dikenal dengan nama berkasnya '{_file_name(ctx)}' (log kegiatan, keterkaitan, katalog)", key=True)
    tg = data.get("tanggal")
    if tg is None or isinstance(tg, dict):
        if _blank(tg, "pembuatan"):
            yield ctx.at(("tanggal", "pembuatan"), "SOP320", f"Tgl Pembuatan kosong: {_BELUM}; isi tanggal (atau bulan 'YYYY-MM', atau tahun) yang tercetak", key=True)
        if _blank(tg, "efektif") and _blank(tg, "pengesahan"):
            key = "pengesahan" if isinstance(tg, dict) and "pengesahan" in tg else "efektif"
            label = "Tgl Pengesahan" if key == "pengesahan" else "Tgl Efektif"
            yield ctx.at(("tanggal", key), "SOP320", f"{label} kosong: {_BELUM}; isi tanggal berlakunya SOP sebelum diterbitkan", key=True)
    d = data.get("disahkan_oleh")
    if d is None or isinstance(d, dict):
        if _blank(d, "nama"):
            yield ctx.at(("disahkan_oleh", "nama"), "SOP320", f"nama pejabat yang mengesahkan kosong: {_BELUM}; isi nama lengkap dengan gelar seperti pada tanda tangan", key=True)
        if _blank(d, "nip"):
            yield ctx.at(("disahkan_oleh", "nip"), "SOP320", f"NIP pejabat yang mengesahkan kosong: {_BELUM}; isi NIP 18 digit pejabat itu", key=True)


@rule
def remark_spans(ctx: Context) -> Iterator[Diagnostic]:
    """`keterangan: {teks, sampai}` covers this step down to step `sampai` in one merged cell."""
    steps = _steps(ctx)
    n = len(steps)
    covered_by: dict[int, int] = {}
    for i, s in enumerate(steps, 1):
        ket = s.get("keterangan")
        if i in covered_by and ket not in (None, ""):
            yield ctx.at(("langkah", i - 1, "keterangan"), "SOP212", f"langkah {i} punya keterangan sendiri, padahal keterangan langkah {covered_by[i]} meliputi langkah ini; hapus salah satunya atau perpendek 'sampai'", key=True)
            continue
        if not isinstance(ket, dict) or not isinstance(ket.get("sampai"), int) or isinstance(ket["sampai"], bool):
            continue
        end = ket["sampai"]
        if not i < end <= n:
            hint = f"langkah {i + 1} sampai {n}" if i < n else "tidak ada langkah sesudahnya: tulis keterangan sebagai teks biasa"
            yield ctx.at(("langkah", i - 1, "keterangan", "sampai"), "SOP212", f"keterangan langkah {i} meliputi 'sampai' langkah {end}; harus langkah sesudahnya di SOP ini ({hint})")
            continue
        for j in range(i + 1, end + 1):
            covered_by[j] = i


