"""Semantic rules: what the JSON Schema cannot say about one SOP file.

Rules read the plain data (not the model) so they can run on a file that also has schema
errors elsewhere and still report everything in one pass; each rule skips parts whose shape
is wrong, since the schema stage has already reported those.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from typing import Any, Callable, Iterator

from sopgen.diagnostics import Diagnostic, diag, did_you_mean
from sopgen.duration import DurationError, parse_waktu
from sopgen.shape import where
from sopgen.yamlload import SourceMap

END = "selesai"


@dataclass
class Context:
    file: str
    data: dict[str, Any]
    source: SourceMap
    minutes_per_day: float

    def at(self, path: tuple, code: str, message: str, key: bool = False) -> Diagnostic:
        line, col = self.source.key_pos(path) if key else self.source.value_pos(path)
        return diag(self.file, line, col, code, message)


Rule = Callable[[Context], Iterator[Diagnostic]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def check(ctx: Context) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for fn in RULES:
        try:
            out.extend(fn(ctx))
        except (TypeError, KeyError, AttributeError, ValueError, IndexError):
            continue  # malformed part: the schema stage reported it
    return out


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _actors(ctx: Context) -> list[dict]:
    return [a for a in _list(ctx.data.get("pelaksana")) if isinstance(a, dict) and isinstance(a.get("id"), str)]


def _steps(ctx: Context) -> list[dict]:
    steps = _list(ctx.data.get("langkah"))
    return steps if all(isinstance(s, dict) for s in steps) else []


def _step_actors(step: dict) -> list[str]:
    p = step.get("pelaksana")
    return [p] if isinstance(p, str) else [x for x in _list(p) if isinstance(x, str)]


# --- actors -----------------------------------------------------------------------------


@rule
def duplicate_actor_ids(ctx: Context) -> Iterator[Diagnostic]:
    seen: dict[str, int] = {}
    for i, a in enumerate(_list(ctx.data.get("pelaksana"))):
        if not isinstance(a, dict) or not isinstance(a.get("id"), str):
            continue
        if a["id"] in seen:
            yield ctx.at(("pelaksana", i, "id"), "SOP201", f"id pelaksana '{a['id']}' sudah dipakai pelaksana ke-{seen[a['id']] + 1}; setiap lajur perlu id sendiri")
        else:
            seen[a["id"]] = i


@rule
def step_actors(ctx: Context) -> Iterator[Diagnostic]:
    ids = [a["id"] for a in _actors(ctx)]
    for i, s in enumerate(_steps(ctx)):
        names = _step_actors(s)
        seen: set[str] = set()
        for j, name in enumerate(names):
            path = ("langkah", i, "pelaksana") + ((j,) if isinstance(s.get("pelaksana"), list) else ())
            if name not in ids:
                hint = did_you_mean(name, ids) or f"; yang ada: {', '.join(ids)}"
                yield ctx.at(path, "SOP203", f"langkah {i + 1} menyebut pelaksana '{name}' yang tidak dideklarasikan{hint}")
            if name in seen:
                yield ctx.at(path, "SOP210", f"langkah {i + 1} menyebut pelaksana '{name}' dua kali")
            seen.add(name)


@rule
def unused_actors(ctx: Context) -> Iterator[Diagnostic]:
    steps = _steps(ctx)
    if not steps:
        return
    used = {name for s in steps for name in _step_actors(s)}
    for i, a in enumerate(_list(ctx.data.get("pelaksana"))):
        if isinstance(a, dict) and isinstance(a.get("id"), str) and a["id"] not in used:
            yield ctx.at(("pelaksana", i, "id"), "SOP204", f"pelaksana '{a['id']}' tidak dipakai langkah mana pun; hapus atau tetapkan langkahnya")


_ABBREV = [
    (r"\bkasubbag\b|\bkasubag\b|\bkasubbagian\b", "kepala sub bagian"),
    (r"\bkasie?\b", "kepala seksi"),
    (r"\bsekcam\b", "sekretaris camat"),
    (r"\bka\.?\s", "kepala "),
    (r"\bsub ?bb?ag(ian)?\b|\bsubbagian\b", "sub bagian"),
    (r"\bkabid\b", "kepala bidang"),
    (r"\bkadis\b", "kepala dinas"),
]
_STOP = {"dan", "kepala", "sub", "bagian", "seksi", "bidang", "the", "&"}


def _norm_name(name: str) -> str:
    n = unicodedata.normalize("NFKC", name).lower()
    n = re.sub(r"[^\w\s&]", " ", n)
    for pattern, repl in _ABBREV:
        n = re.sub(pattern, repl, n)
    return re.sub(r"\s+", " ", n).strip()


def names_look_alike(a: str, b: str) -> bool:
    """Two spellings of one position: equal after expanding abbreviations, or one word apart.

    'Kasubag Perencanaan dan Keuangan' / 'Kasubag Penyusunan Program dan Keuangan' share the
    role and the unit's last word; 'Kasi Pemerintahan' / 'Kasi Pelayanan Umum' do not.
    """
    na, nb = _norm_name(a), _norm_name(b)
    if na == nb:
        return True
    wa, wb = na.split(), nb.split()
    if not wa or not wb or wa[:2] != wb[:2]:
        return False
    ta, tb = set(wa) - _STOP, set(wb) - _STOP
    shared = ta & tb
    if not shared or not (ta - shared) or not (tb - shared):
        return False
    return wa[-1] == wb[-1] and SequenceMatcher(None, na, nb).ratio() >= 0.7


@rule
def alike_actor_names(ctx: Context) -> Iterator[Diagnostic]:
    entries: list[tuple[int, str, tuple]] = []
    for i, a in enumerate(_actors(ctx)):
        if not isinstance(a.get("nama"), str):
            continue
        parts = [p.strip() for p in a["nama"].split(",")] if len(_list(a.get("alias"))) == 0 else []
        entries += [(i, n, ("pelaksana", i, "nama")) for n in [a["nama"], *parts] if n]
        entries += [(i, n, ("pelaksana", i, "alias", j)) for j, n in enumerate(_list(a.get("alias"))) if isinstance(n, str)]
    reported: set[tuple[int, int]] = set()
    for x, (i, na, _) in enumerate(entries):
        for j, nb, pb in entries[x + 1 :]:
            if i == j or (i, j) in reported or not names_look_alike(na, nb):
                continue
            reported.add((i, j))
            yield ctx.at(pb, "SOP401", f"'{nb}' tampak jabatan yang sama dengan '{na}' (pelaksana {i + 1}); seragamkan penulisannya atau jadikan alias")


# --- steps and flow -----------------------------------------------------------------------


@rule
def step_numbers(ctx: Context) -> Iterator[Diagnostic]:
    for i, s in enumerate(_steps(ctx)):
        no = s.get("no")
        if isinstance(no, int) and not isinstance(no, bool) and no != i + 1:
            yield ctx.at(("langkah", i, "no"), "SOP202", f"langkah ke-{i + 1} bernomor {no}; nomor harus sama dengan urutannya ({i + 1})")


def _branches(step: dict, i: int, n: int) -> list[tuple[str | None, Any]]:
    nxt = i + 2 if i + 1 < n else END
    if step.get("jenis") != "keputusan":
        return [(None, nxt)]
    return [(k, step.get(k) if step.get(k) is not None else nxt) for k in ("ya", "tidak")]


def _valid_target(t: Any, n: int) -> bool:
    return t == END or (isinstance(t, int) and not isinstance(t, bool) and 1 <= t <= n)


@rule
def branch_targets(ctx: Context) -> Iterator[Diagnostic]:
    steps = _steps(ctx)
    n = len(steps)
    for i, s in enumerate(steps):
        decision = s.get("jenis") == "keputusan"
        if not decision:
            for key in ("ya", "tidak", "pertanyaan"):
                if key in s:
                    yield ctx.at(("langkah", i, key), "SOP209", f"langkah {i + 1} memakai '{key}' padahal bukan keputusan; tambahkan 'jenis: keputusan' atau hapus '{key}'", key=True)
            continue
        for key, target in _branches(s, i, n):
            if key in s and isinstance(target, int) and not _valid_target(target, n):
                yield ctx.at(("langkah", i, key), "SOP205", f"cabang '{key}' langkah {i + 1} menuju langkah {target}, padahal SOP ini hanya {n} langkah; tulis nomor 1-{n} atau 'selesai'")
            elif target == i + 1:
                yield ctx.at(("langkah", i, key), "SOP211", f"cabang '{key}' langkah {i + 1} menuju dirinya sendiri; arahkan ke langkah yang memperbaiki, mis. langkah sebelumnya")
        (_, ya), (_, tidak) = _branches(s, i, n)
        if ya == tidak:
            tujuan = "selesai" if ya == END else f"langkah {ya}"
            yield ctx.at(("langkah", i, "jenis"), "SOP208", f"keputusan langkah {i + 1}: cabang Ya dan Tidak sama-sama menuju {tujuan}; sebuah keputusan perlu dua arah berbeda")


@rule
def reachability(ctx: Context) -> Iterator[Diagnostic]:
    steps = _steps(ctx)
    n = len(steps)
    if not n:
        return
    succ = {i + 1: [t for _, t in _branches(s, i, n) if _valid_target(t, n)] for i, s in enumerate(steps)}
    seen, todo = {1}, deque([1])
    while todo:
        for t in succ[todo.popleft()]:
            if t != END and t not in seen:
                seen.add(t)
                todo.append(t)
    pred: dict[Any, list[int]] = {}
    for src, targets in succ.items():
        for t in targets:
            pred.setdefault(t, []).append(src)
    done, todo2 = set(), deque([END])
    while todo2:
        for p in pred.get(todo2.popleft(), []):
            if p not in done:
                done.add(p)
                todo2.append(p)
    for no in range(1, n + 1):
        if no not in seen:
            yield ctx.at(("langkah", no - 1), "SOP206", f"langkah {no} tidak pernah dicapai dari langkah 1; periksa cabang ya/tidak sebelumnya")
        elif no not in done:
            yield ctx.at(("langkah", no - 1), "SOP207", f"dari langkah {no} alur tidak pernah sampai ke akhir (putaran tanpa jalan keluar); arahkan satu cabang ke langkah berikut atau 'selesai'")


@rule
def waktu(ctx: Context) -> Iterator[Diagnostic]:
    for i, s in enumerate(_steps(ctx)):
        mb = s.get("mutu_baku")
        if not isinstance(mb, dict) or "waktu" not in mb or not isinstance(mb["waktu"], (int, float, str)):
            continue
        path = ("langkah", i, "mutu_baku", "waktu")
        try:
            minutes = parse_waktu(mb["waktu"], ctx.minutes_per_day)
        except DurationError as e:
            yield ctx.at(path, "SOP309", f"waktu langkah {i + 1}: {e}")
            continue
        if not minutes > 0 or minutes == float("inf"):
            yield ctx.at(path, "SOP310", f"waktu langkah {i + 1} harus lebih dari 0 (tertulis {mb['waktu']!r})")


# --- dates and NIP -----------------------------------------------------------------------


def _parse_date(ctx: Context, path: tuple) -> tuple[date | None, list[Diagnostic]]:
    value = ctx.data
    for p in path:
        value = value[p]
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None, []  # shape errors are the schema's
    try:
        return date.fromisoformat(value), []
    except ValueError:
        return None, [ctx.at(path, "SOP301", f"{where(path)} '{value}' bukan tanggal yang ada di kalender")]


@rule
def dates(ctx: Context) -> Iterator[Diagnostic]:
    tg = ctx.data.get("tanggal")
    if not isinstance(tg, dict):
        return
    made, d1 = _parse_date(ctx, ("tanggal", "pembuatan")) if "pembuatan" in tg else (None, [])
    eff, d2 = _parse_date(ctx, ("tanggal", "efektif")) if "efektif" in tg else (None, [])
    yield from d1 + d2
    if made and eff and eff < made:
        yield ctx.at(("tanggal", "efektif"), "SOP302", f"tanggal efektif {eff.isoformat()} sebelum tanggal pembuatan {made.isoformat()}")
    rev = tg.get("revisi")
    paths = [("tanggal", "revisi")] if isinstance(rev, str) else [("tanggal", "revisi", i, "tanggal") for i, r in enumerate(_list(rev)) if isinstance(r, dict) and "tanggal" in r]
    previous = None
    for path in paths:
        d, errs = _parse_date(ctx, path)
        yield from errs
        if d and made and d < made:
            yield ctx.at(path, "SOP303", f"tanggal revisi {d.isoformat()} sebelum tanggal pembuatan {made.isoformat()}")
        if d and previous and d < previous:
            yield ctx.at(path, "SOP311", f"revisi {d.isoformat()} ditulis setelah revisi {previous.isoformat()}; urutkan dari yang terlama")
        previous = d or previous
    nomor = ctx.data.get("nomor")
    m = re.search(r"(?<!\d)((?:19|20)\d{2})\s*$", nomor) if isinstance(nomor, str) else None
    if m and made and int(m.group(1)) != made.year:
        yield ctx.at(("nomor",), "SOP304", f"nomor SOP berakhir dengan tahun {m.group(1)}, tetapi dibuat tahun {made.year}")


def _real_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


@rule
def nip(ctx: Context) -> Iterator[Diagnostic]:
    d = ctx.data.get("disahkan_oleh")
    if not isinstance(d, dict) or not isinstance(d.get("nip"), str):
        return
    path = ("disahkan_oleh", "nip")
    raw = d["nip"]
    digits = raw.replace(" ", "")
    if not re.fullmatch(r"\d{18}", digits):
        yield ctx.at(path, "SOP305", f"NIP '{raw}' harus 18 digit (spasi boleh), tertulis {len(re.sub(r'[^0-9]', '', digits))} digit{' dan tanda lain' if not digits.isdigit() else ''}")
        return
    born = _real_date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    if born is None or born.year < 1900:
        yield ctx.at(path, "SOP306", f"NIP '{raw}': digit 1-8 ({digits[:8]}) bukan tanggal lahir yang sah (TTTTBBHH)")
    ay, am = int(digits[8:12]), int(digits[12:14])
    if not (1 <= am <= 12 and ay >= 1900):
        yield ctx.at(path, "SOP307", f"NIP '{raw}': digit 9-14 ({digits[8:14]}) bukan tahun-bulan pengangkatan yang sah (TTTTBB)")
    elif born and (ay, am) <= (born.year, born.month):
        yield ctx.at(path, "SOP307", f"NIP '{raw}': pengangkatan {ay}-{am:02d} tidak setelah kelahiran {born.isoformat()}")
    if digits[14] not in "12":
        yield ctx.at(path, "SOP308", f"NIP '{raw}': digit ke-15 ({digits[14]}) harus 1 (pria) atau 2 (wanita)")


# --- style ---------------------------------------------------------------------------------

_DOUBLED = re.compile(r"(?<!\.)\.\.(?!\.)|,,|;;|::|\s[.,;:](?=\S)")


def _texts(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in ("id", "logo", "nomor"):
                yield from _texts(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _texts(v, path + (i,))


@rule
def punctuation(ctx: Context) -> Iterator[Diagnostic]:
    for path, text in _texts(ctx.data):
        m = _DOUBLED.search(text)
        if m and m.group().strip() in ("..", ",,", ";;", "::"):
            yield ctx.at(path, "SOP402", f"tanda baca ganda '{m.group().strip()}' pada {where(path)}: '{text}'")


@rule
def whitespace(ctx: Context) -> Iterator[Diagnostic]:
    for path, text in _texts(ctx.data):
        if text != text.strip() or "  " in text.strip():
            yield ctx.at(path, "SOP403", f"spasi berlebih pada {where(path)}: '{text}'")
