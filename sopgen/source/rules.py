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
from functools import lru_cache
from typing import Any, Callable, Iterator

from sopgen.source import limits as lim
from sopgen.source.dates import PATTERN as DATE_PATTERN, Tgl
from sopgen.source.diagnostics import Diagnostic, diag, did_you_mean
from sopgen.source.duration import DurationError, parse_waktu
from sopgen.source.shape import where
from sopgen.source.yamlload import SourceMap
from sopgen.textsafe import char_name, clip, find_control

END = "selesai"


@dataclass
class Context:
    file: str
    data: dict[str, Any]
    source: SourceMap
    minutes_per_day: float
    limits: lim.Limits = lim.DEFAULT

    def texts(self) -> list[tuple[tuple, str]]:
        """Every text of the file with its path (computed once for the style rules)."""
        cached = self.__dict__.get("_texts")
        if cached is None:
            cached = self.__dict__["_texts"] = list(_texts(self.data))
        return cached

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
    """The steps; one that is not a mapping (the schema reported it) counts as an empty process step,
    so the other steps are still checked and keep their numbers."""
    return [s if isinstance(s, dict) else {} for s in _list(ctx.data.get("langkah"))]


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


def _by_name(ctx: Context, name: str) -> list[str]:
    """Ids of the actors whose nama or alias is this name."""
    key = name.casefold()
    return [a["id"] for a in _actors(ctx) if key in (str(n).casefold() for n in [a.get("nama"), *_list(a.get("alias"))])]


def _meant(ctx: Context, name: str) -> list[str]:
    """The actor an undeclared name most likely means: by nama or alias, else a near miss of an id."""
    import difflib

    return _by_name(ctx, name) or difflib.get_close_matches(name, [a["id"] for a in _actors(ctx)], n=1, cutoff=0.6)


@rule
def step_actors(ctx: Context) -> Iterator[Diagnostic]:
    ids = [a["id"] for a in _actors(ctx)]
    for i, s in enumerate(_steps(ctx)):
        names = _step_actors(s)
        seen: set[str] = set()
        for j, name in enumerate(names):
            path = ("langkah", i, "pelaksana") + ((j,) if isinstance(s.get("pelaksana"), list) else ())
            if name not in ids:
                by_name = _by_name(ctx, name)
                if by_name:
                    hint = f"; langkah menyebut pelaksana dengan id-nya: tulis '{by_name[0]}'"
                else:
                    hint = did_you_mean(name, ids) or f"; yang dideklarasikan: {', '.join(ids) or '(belum ada)'} — tambahkan di daftar pelaksana"
                yield ctx.at(path, "SOP203", f"langkah {i + 1} menyebut pelaksana '{name}' yang tidak dideklarasikan{hint}")
            if name in seen:
                yield ctx.at(path, "SOP210", f"langkah {i + 1} menyebut pelaksana '{name}' dua kali; hapus salah satunya")
            seen.add(name)


@rule
def unused_actors(ctx: Context) -> Iterator[Diagnostic]:
    steps = _steps(ctx)
    if not steps:
        return
    used = {name for s in steps for name in _step_actors(s)}
    # A step that names an actor wrongly (SOP203: by its nama, or misspelt) still means that actor.
    ids = [a["id"] for a in _actors(ctx)]
    for name in list(used - set(ids)):
        used.update(_meant(ctx, name))
    for i, a in enumerate(_list(ctx.data.get("pelaksana"))):
        if isinstance(a, dict) and isinstance(a.get("id"), str) and a["id"] not in used:
            yield ctx.at(("pelaksana", i, "id"), "SOP204", f"pelaksana '{a['id']}' tidak dipakai langkah mana pun; hapus atau tetapkan langkahnya")


_ABBREV = [
    (re.compile(pattern), repl)
    for pattern, repl in [
        (r"\bkasubbag\b|\bkasubag\b|\bkasubbagian\b", "kepala sub bagian"),
        (r"\bkasie?\b", "kepala seksi"),
        (r"\bsekcam\b", "sekretaris camat"),
        (r"\bka\.?\s", "kepala "),
        (r"\bsub ?bb?ag(ian)?\b|\bsubbagian\b", "sub bagian"),
        (r"\bkabid\b", "kepala bidang"),
        (r"\bkadis\b", "kepala dinas"),
    ]
]
_STOP = {"dan", "kepala", "sub", "bagian", "seksi", "bidang", "the", "&"}


@lru_cache(maxsize=4096)  # an office's SOPs name the same few positions again and again
def _norm_name(name: str) -> str:
    n = unicodedata.normalize("NFKC", name).lower()
    n = re.sub(r"[^\w\s&]", " ", n)
    for pattern, repl in _ABBREV:
        n = pattern.sub(repl, n)
    return re.sub(r"\s+", " ", n).strip()


@lru_cache(maxsize=4096)
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
    for i, a in enumerate(_list(ctx.data.get("pelaksana"))):  # i: the position in the file
        if not isinstance(a, dict) or not isinstance(a.get("nama"), str):
            continue
        parts = [p.strip() for p in a["nama"].split(",")] if len(_list(a.get("alias"))) == 0 and "," in a["nama"] else []
        entries += [(i, n, ("pelaksana", i, "nama")) for n in [a["nama"], *parts] if n]
        entries += [(i, n, ("pelaksana", i, "alias", j)) for j, n in enumerate(_list(a.get("alias"))) if isinstance(n, str)]
    reported: set[tuple[int, int]] = set()
    for x, (i, na, _) in enumerate(entries):
        for j, nb, pb in entries[x + 1 :]:
            if i == j or (i, j) in reported or not names_look_alike(na, nb):
                continue
            reported.add((i, j))
            if "alias" in pb:
                advice = "bila memang jabatan yang sama, tulis dengan nama yang sama"
            else:
                advice = "seragamkan penulisannya, atau satukan kedua pelaksana dan jadikan nama yang lain alias"
            yield ctx.at(pb, "SOP401", f"'{nb}' (pelaksana {j + 1}) tampak jabatan yang sama dengan '{na}' (pelaksana {i + 1}); {advice}")


# --- steps and flow -----------------------------------------------------------------------


@rule
def step_numbers(ctx: Context) -> Iterator[Diagnostic]:
    for i, s in enumerate(_steps(ctx)):
        no = s.get("no")
        if isinstance(no, int) and not isinstance(no, bool) and no != i + 1:
            yield ctx.at(("langkah", i, "no"), "SOP202", f"langkah ke-{i + 1} bernomor {no}; nomor harus sama dengan urutannya ({i + 1}) — perbaiki atau hapus 'no'")


def _branches(step: dict, i: int, n: int) -> list[tuple[str | None, Any]]:
    nxt = i + 2 if i + 1 < n else END
    if step.get("jenis") != "keputusan":
        return [(None, nxt)]
    return [(k, _target(step.get(k)) if step.get(k) is not None else nxt) for k in ("ya", "tidak")]


def _target(t: Any) -> Any:
    """A branch as written; `3.0` (which JSON Schema counts as an integer) is step 3."""
    return int(t) if isinstance(t, float) and t.is_integer() else t


def _valid_target(t: Any, n: int) -> bool:
    return t == END or (isinstance(t, int) and not isinstance(t, bool) and 1 <= t <= n)


@rule
def branch_targets(ctx: Context) -> Iterator[Diagnostic]:
    steps = _steps(ctx)
    n = len(steps)
    for i, s in enumerate(steps):
        decision = s.get("jenis") == "keputusan"
        if not decision:
            for key in ("ya", "tidak", "pertanyaan", "label_ya", "label_tidak"):
                if key in s:
                    yield ctx.at(("langkah", i, key), "SOP209", f"langkah {i + 1} memakai '{key}' padahal bukan keputusan; tambahkan 'jenis: keputusan' atau hapus '{key}'", key=True)
            continue
        for key, target in _branches(s, i, n):
            if key in s and isinstance(target, int) and not isinstance(target, bool) and target > n:
                yield ctx.at(("langkah", i, key), "SOP205", f"cabang '{key}' langkah {i + 1} menuju langkah {target}, padahal SOP ini hanya {n} langkah; tulis nomor 1-{n} atau 'selesai'")
            elif target == i + 1:
                yield ctx.at(("langkah", i, key), "SOP211", f"cabang '{key}' langkah {i + 1} menuju dirinya sendiri; arahkan ke langkah yang memperbaiki, mis. langkah sebelumnya")
        (_, ya), (_, tidak) = _branches(s, i, n)
        if ya == tidak:
            tujuan = "selesai" if ya == END else f"langkah {ya}"
            yield ctx.at(("langkah", i, "jenis"), "SOP208", f"keputusan langkah {i + 1}: cabang Ya dan Tidak sama-sama menuju {tujuan}; sebuah keputusan perlu dua arah berbeda")


@rule
def branches_into_one_step(ctx: Context) -> Iterator[Diagnostic]:
    """The drawing brings each branch into its step by its own track or connector."""
    steps = _steps(ctx)
    n, into = len(steps), {}
    for i, s in enumerate(steps):
        if s.get("jenis") != "keputusan":
            continue
        for key, target in _branches(s, i, n):
            if _valid_target(target, n) and target not in (END, i + 2):
                into.setdefault(target, []).append((i, key))
    for target, branches in sorted(into.items()):
        if len(branches) > lim.MAX_BRANCHES_INTO:
            i, key = branches[lim.MAX_BRANCHES_INTO]
            yield ctx.at(("langkah", i, key), "SOP704", (
                f"{len(branches)} cabang keputusan menuju langkah {target}; flowchart hanya dapat menggambar "
                f"{lim.MAX_BRANCHES_INTO} cabang ke satu langkah — gabungkan keputusan itu atau arahkan sebagian ke langkah lain"
            ))


@rule
def reachability(ctx: Context) -> Iterator[Diagnostic]:
    steps = _steps(ctx)
    n = len(steps)
    if not n:
        return
    branches = {i + 1: [t for _, t in _branches(s, i, n)] for i, s in enumerate(steps)}
    # A branch to a step that does not exist (SOP205) or of the wrong shape (SOP104) is already
    # reported; where it was meant to go is unknown, so it must not cause a second error here:
    # it counts as reaching the end, and no step is called unreachable while one exists.
    unknown = any(not _valid_target(t, n) for targets in branches.values() for t in targets)
    succ = {no: [t if _valid_target(t, n) else END for t in targets] for no, targets in branches.items()}
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
        if no not in seen and not unknown:
            yield ctx.at(("langkah", no - 1), "SOP206", f"langkah {no} tidak pernah dicapai dari langkah 1; arahkan cabang ya/tidak sebelumnya ke langkah ini atau hapus langkahnya")
    # Steps that can never reach the end form a trap; one message for it, at the last decision
    # in it (where an exit is usually missing), naming all its steps.
    trapped = [no for no in range(1, n + 1) if no in seen and no not in done]
    if trapped:
        decisions = [no for no in trapped if steps[no - 1].get("jenis") == "keputusan"]
        at = (decisions or trapped)[-1]
        names = _and([str(no) for no in trapped])
        fix = f"arahkan satu cabang langkah {at} ke langkah di luar putaran atau ke 'selesai'" if decisions else f"jadikan langkah {at} keputusan dengan satu cabang ke 'selesai'"
        yield ctx.at(("langkah", at - 1), "SOP207", f"dari langkah {names} alur tidak pernah sampai ke akhir (putaran tanpa jalan keluar); {fix}")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " dan " + items[-1]


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
        if not minutes > 0:
            yield ctx.at(path, "SOP310", f"waktu langkah {i + 1} harus lebih dari 0 (tertulis {clip(repr(mb['waktu']), 40)}); isi perkiraan lama langkah ini, mis. 5 (menit)")
        elif not lim.MIN_WAKTU <= minutes <= lim.MAX_WAKTU_DAYS * ctx.minutes_per_day:
            yield ctx.at(path, "SOP312", f"waktu langkah {i + 1} ({clip(repr(mb['waktu']), 40)}) di luar batas 1 menit sampai 1 tahun kerja (260 hari); tulis lama langkah yang wajar, mis. 30 atau \"2 hari\"")


# --- dates and NIP -----------------------------------------------------------------------


def _parse_date(ctx: Context, path: tuple) -> tuple[Tgl | None, list[Diagnostic]]:
    """A date, a month (2016-01) or a year (2016); partial ones compare by their first day."""
    value = ctx.data
    for p in path:
        value = value[p]
    if not isinstance(value, str):
        return None, []  # shape errors (and blanks) are reported elsewhere
    if not DATE_PATTERN.fullmatch(value):
        if re.search(r"^\d{4}(-\d{2}(-\d{2})?)?$", value):  # the schema's pattern lets "2023-10-05\n" through
            return None, [ctx.at(path, "SOP301", f"{where(path)} {value!r} bukan tanggal YYYY-MM-DD; hapus baris baru atau spasi di sekitarnya")]
        return None, []
    try:
        return Tgl.parse(value), []
    except ValueError:
        return None, [ctx.at(path, "SOP301", f"{where(path)} '{value}' bukan tanggal yang ada di kalender")]


@rule
def dates(ctx: Context) -> Iterator[Diagnostic]:
    tg = ctx.data.get("tanggal")
    if not isinstance(tg, dict):
        return
    made, d1 = _parse_date(ctx, ("tanggal", "pembuatan")) if "pembuatan" in tg else (None, [])
    yield from d1
    for key in ("efektif", "pengesahan"):
        eff, d2 = _parse_date(ctx, ("tanggal", key)) if key in tg else (None, [])
        yield from d2
        if made and eff and eff.surely_before(made):
            yield ctx.at(("tanggal", key), "SOP302", f"tanggal {key} {eff.isoformat()} sebelum tanggal pembuatan {made.isoformat()}; SOP tidak dapat berlaku sebelum dibuat, periksa kedua tanggal")
    if "efektif" in tg and "pengesahan" in tg:
        yield ctx.at(("tanggal", "pengesahan"), "SOP313", "tanggal efektif dan tanggal pengesahan keduanya ditulis, padahal lembar identitas hanya mencetak satu baris; tulis yang tercetak pada dokumen dan hapus yang lain", key=True)
    rev = tg.get("revisi")
    paths = [("tanggal", "revisi")] if isinstance(rev, str) else [("tanggal", "revisi", i, "tanggal") for i, r in enumerate(_list(rev)) if isinstance(r, dict) and "tanggal" in r]
    previous = None
    for path in paths:
        d, errs = _parse_date(ctx, path)
        yield from errs
        if d and made and d.surely_before(made):
            yield ctx.at(path, "SOP303", f"tanggal revisi {d.isoformat()} sebelum tanggal pembuatan {made.isoformat()}; revisi hanya bisa sesudah SOP dibuat, periksa tahunnya")
        if d and previous and d.surely_before(previous):
            yield ctx.at(path, "SOP311", f"revisi {d.isoformat()} ditulis setelah revisi {previous.isoformat()}; urutkan dari yang terlama")
        previous = d or previous
    for i, r in enumerate(_list(ctx.data.get("riwayat_revisi"))):
        if isinstance(r, dict) and isinstance(r.get("tanggal"), str):
            d, errs = _parse_date(ctx, ("riwayat_revisi", i, "tanggal"))
            yield from errs
            if d and made and d.surely_before(made):
                yield ctx.at(("riwayat_revisi", i, "tanggal"), "SOP303", f"tanggal revisi {d.isoformat()} sebelum tanggal pembuatan {made.isoformat()}; revisi hanya bisa sesudah SOP dibuat, periksa tahunnya")
    nomor = ctx.data.get("nomor")
    m = re.search(r"(?<!\d)((?:19|20)\d{2})\s*$", nomor) if isinstance(nomor, str) else None
    if m and made and int(m.group(1)) != made.year:
        yield ctx.at(("nomor",), "SOP304", f"nomor SOP berakhir dengan tahun {m.group(1)}, tetapi dibuat tahun {made.year}; periksa nomor atau tanggal pembuatan")


def _real_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


_NIP_FIX = "; salin NIP persis dari SK pengangkatan"


@rule
def nip(ctx: Context) -> Iterator[Diagnostic]:
    d = ctx.data.get("disahkan_oleh")
    if not isinstance(d, dict) or not isinstance(d.get("nip"), str):
        return
    path = ("disahkan_oleh", "nip")
    raw = d["nip"]
    digits = re.sub(r"\s", "", raw)  # spaces as printed, also the no-break spaces Word puts in
    other = sorted(set(re.sub(r"[0-9]", "", digits)))
    if other:
        lookalike = " (huruf O/o/l/I tertukar dengan angka 0/1?)" if set(other) & set("OolI") else ""
        shown = ", ".join(f"'{c}'" for c in other)
        yield ctx.at(path, "SOP305", f"NIP '{raw}' hanya boleh berisi 18 angka dan spasi, tetapi memuat {shown}{lookalike}{_NIP_FIX}")
        return
    if len(digits) != 18:
        yield ctx.at(path, "SOP305", f"NIP '{raw}' harus 18 digit (spasi boleh), tertulis {len(digits)} digit{_NIP_FIX}")
        return
    born = _real_date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    if born is None or born.year < 1900:
        yield ctx.at(path, "SOP306", f"NIP '{raw}': digit 1-8 ({digits[:8]}) bukan tanggal lahir yang sah (TTTTBBHH){_NIP_FIX}")
    ay, am = int(digits[8:12]), int(digits[12:14])
    if not (1 <= am <= 12 and ay >= 1900):
        yield ctx.at(path, "SOP307", f"NIP '{raw}': digit 9-14 ({digits[8:14]}) bukan tahun-bulan pengangkatan yang sah (TTTTBB){_NIP_FIX}")
    elif born and (ay, am) <= (born.year, born.month):
        yield ctx.at(path, "SOP307", f"NIP '{raw}': pengangkatan {ay}-{am:02d} (digit 9-14) tidak setelah kelahiran {born.isoformat()} (digit 1-8){_NIP_FIX}")
    if digits[14] not in "12":
        yield ctx.at(path, "SOP308", f"NIP '{raw}': digit ke-15 ({digits[14]}) harus 1 (pria) atau 2 (wanita){_NIP_FIX}")


# --- style ---------------------------------------------------------------------------------

# '..' but not an ellipsis '...'; ',,' ';;' '::'. (A former extra alternative for ' ,x' matched
# first and hid a later '..' in the same text.)
_DOUBLED = re.compile(r"(?<!\.)\.\.(?!\.)|,,|;;|::")


def _texts(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    stack = [(path, value)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in reversed(value.items()) if k not in ("id", "logo", "nomor"))
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in reversed(list(enumerate(value))))


@rule
def punctuation(ctx: Context) -> Iterator[Diagnostic]:
    for path, text in ctx.texts():
        if ".." in text or ",," in text or ";;" in text or "::" in text:  # cheap test first
            m = _DOUBLED.search(text)
            if m:
                yield ctx.at(path, "SOP402", f"tanda baca ganda '{m.group()}' pada {where(path)}: '{text}'; tulis satu tanda saja")


_INNER_SPACES = re.compile(r"\S[ \t]{2,}\S")


@rule
def whitespace(ctx: Context) -> Iterator[Diagnostic]:
    for path, text in ctx.texts():
        body = text[:-1] if text.endswith("\n") else text  # a block scalar (`|`, `>`) ends in a newline
        if body != body.strip() or (("  " in body or "\t" in body) and _INNER_SPACES.search(body)):
            yield ctx.at(path, "SOP403", f"spasi berlebih (di awal, di akhir atau ganda) pada {where(path)}: {body!r}; hapus spasi yang lebih")


# --- what the page and the tool can hold ---------------------------------------------------


def _all_strings(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str, bool]]:
    """Every text of the file, keys included: (path, text, is_key)."""
    stack = [(path, value)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value, False
        elif isinstance(value, dict):
            for k, v in reversed(value.items()):
                if isinstance(k, str):
                    yield path + (k,), k, True
                stack.append((path + (k,), v))
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in reversed(list(enumerate(value))))


@rule
def control_characters(ctx: Context) -> Iterator[Diagnostic]:
    for path, text, is_key in _all_strings(ctx.data):
        m = find_control(text)
        if m:
            line, col = ctx.source.key_pos(path) if is_key else ctx.source.value_pos(path)
            what = f"kunci {where(path)}" if is_key else where(path)
            yield diag(ctx.file, line, col, "SOP009", f"{what} memuat karakter kendali {char_name(m.group())} pada posisi {m.start() + 1}; hapus karakter itu (biasanya tersalin dari dokumen atau terminal lain)")


_WORD = re.compile(r"\S+")


def _is_actor_name(path: tuple) -> bool:
    return len(path) >= 3 and path[0] == "pelaksana" and path[2] in ("nama", "alias")


@rule
def text_lengths(ctx: Context) -> Iterator[Diagnostic]:
    for path, text in ctx.texts():
        limit, key = (ctx.limits.nama_pelaksana, "nama_pelaksana") if _is_actor_name(path) else (ctx.limits.teks, "teks")
        if len(text) > limit:
            yield ctx.at(path, "SOP701", f"{where(path)} terlalu panjang: {len(text)} karakter, batasnya {limit}; ringkas teksnya (atau naikkan [batas] {key} di sopgen.toml)")
            continue
        if len(text) <= lim.MAX_WORD:
            continue
        for m in _WORD.finditer(text):
            word = m.group()
            url = word.startswith(("http://", "https://", "www."))
            if len(word) > (lim.MAX_URL if url else lim.MAX_WORD):
                yield ctx.at(path, "SOP702", f"{where(path)} memuat kata {len(word)} karakter ('{clip(word, 30)}') yang tidak muat dalam sel tabel; kata paling panjang {lim.MAX_WORD} karakter (alamat web {lim.MAX_URL}), sisipkan spasi")
                break


@rule
def step_count(ctx: Context) -> Iterator[Diagnostic]:
    steps = _list(ctx.data.get("langkah"))
    if len(steps) > ctx.limits.langkah:
        yield ctx.at(("langkah",), "SOP703", f"SOP ini memuat {len(steps)} langkah, batasnya {ctx.limits.langkah}; pecah menjadi beberapa SOP yang saling terkait (keterkaitan), atau naikkan [batas] langkah di sopgen.toml")


@rule
def replaced_status(ctx: Context) -> Iterator[Diagnostic]:
    """A replaced SOP is no longer in force: `diganti_oleh` needs `status: dicabut`."""
    if not isinstance(ctx.data.get("diganti_oleh"), str):
        return
    status = ctx.data.get("status", "berlaku")
    if status != "dicabut":
        path = ("status",) if "status" in ctx.data else ("diganti_oleh",)
        yield ctx.at(
            path, "SOP522",
            f"SOP ini sudah diganti (diganti_oleh) tetapi berstatus '{status}'; SOP yang diganti tidak berlaku lagi, tulis status: dicabut",
        )


from sopgen.source import completeness  # noqa: E402,F401  (registers the format 1.1 rules)
