"""Actors and steps of the draft from the Mekanisme rows, each guess noted where it lands."""

from __future__ import annotations

import re

from sopgen.authoring.importer.draft import Draft, is_shouting, title_case
from sopgen.authoring.importer.grid import DECISION, Shape
from sopgen.authoring.importer.mechanism import Columns, Row, branches
from sopgen.authoring.sopfile import actor_id, clean

_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*$")


def actors(draft: Draft, cols: Columns) -> list[str]:
    taken: set[str] = set()
    ids, out = [], []
    for i, (_, head) in enumerate(cols.actors):
        name = clean(head.line)
        item: dict = {}
        if not name:
            name = f"Pelaksana {i + 1}"
            draft.note(("pelaksana", i, "nama"), "kolom pelaksana tanpa nama di dokumen")
        elif is_shouting(name):
            draft.note(("pelaksana", i, "nama"), f"huruf besar-kecil ditebak dari '{name[:60]}'")
            name = title_case(name)
        ident = actor_id(name, taken)
        item["id"], item["nama"] = ident, name
        parts = [p.strip() for p in name.split(",")]
        if len(parts) > 1 and all(len(p.split()) >= 2 and not re.search(r"\d", p) for p in parts):
            item["alias"] = parts
            draft.note(("pelaksana", i, "alias"), "satu kolom bersama beberapa jabatan: tiap jabatan menjadi alias")
        ids.append(ident)
        out.append(item)
    draft.data["pelaksana"] = out
    return ids


def _waktu(text: str, cols: Columns, path: tuple, draft: Draft):
    t = " ".join(text.split())
    if not t or re.fullmatch(r"[-–—]", t):
        draft.note(path, "waktu kosong di dokumen")
        return None
    m = _NUMBER.match(t)
    if not m:
        return t
    if not cols.unit_written:
        draft.note(path, "satuan waktu tidak tertulis di kepala kolom; dianggap menit")
    if cols.unit == "menit" and m.group(1).isdigit():
        return int(m.group(1))
    return f"{m.group(1)} {cols.unit}"


def steps(draft: Draft, cols: Columns, rows: list[Row], shapes: list[Shape], ids: list[str]) -> None:
    out = []
    last_lanes: list[int] = [0]
    for n, row in enumerate(rows, 1):
        i = n - 1
        step: dict = {"no": n, "aktivitas": clean(row.cells.get("aktivitas", ""))}
        if not step["aktivitas"]:
            draft.note(("langkah", i, "aktivitas"), f"kegiatan kosong di {row.where}")
        printed = clean(row.cells.get("no", "")).rstrip(".")
        if "no" in cols.named and printed != str(n):
            draft.note(("langkah", i, "no"), f"nomor di dokumen '{printed[:20]}', ditulis {n}")
        lanes = row.lanes
        if not lanes:
            lanes = last_lanes
            draft.note(("langkah", i, "pelaksana"), f"tidak ada bentuk bagan atau tanda di kolom pelaksana {row.where}; disamakan dengan langkah sebelumnya")
        elif row.how == "tanda":
            draft.note(("langkah", i, "pelaksana"), "pelaksana dibaca dari sel bertanda (bukan dari bentuk bagan)")
        last_lanes = lanes
        who = [ids[k] for k in lanes]
        step["pelaksana"] = who[0] if len(who) == 1 else who
        decision = row.symbol == DECISION
        if row.how != "bentuk" and re.search(r"\?\s*$|^\s*apakah\b", step["aktivitas"], re.I):
            decision = True
            draft.note(("langkah", i, "jenis"), "keputusan ditebak dari kalimat tanya (tanpa belah ketupat)")
        if decision:
            step["jenis"] = "keputusan"
            question = clean(row.question)
            if question:
                step["pertanyaan"] = question
            found = branches(n, row, rows, shapes)
            for key in ("ya", "tidak"):
                value = getattr(found, key)
                if value is not None:
                    step[key] = value
            for note in found.notes:
                draft.note(("langkah", i, "jenis"), note)
        step["mutu_baku"] = {
            "kelengkapan": clean(row.cells.get("kelengkapan", "")) or None,
            "waktu": _waktu(row.cells.get("waktu", ""), cols, ("langkah", i, "mutu_baku", "waktu"), draft),
            "output": clean(row.cells.get("output", "")) or None,
        }
        for key in ("kelengkapan", "output"):
            if step["mutu_baku"][key] is None:
                draft.note(("langkah", i, "mutu_baku", key), f"{key} kosong di dokumen")
        remark = clean(row.cells.get("keterangan", ""))
        if remark:
            step["keterangan"] = remark
        out.append(step)
    draft.data["langkah"] = out
