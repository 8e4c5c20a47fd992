"""Who did the work: names in the log that match no actor, and the per-person table.

Staff write their own names or short forms ("Kasi Kesos", "Pak Camat"); each such row is a
`wrong_actor`, and in real logs half the violations can be name variants. So the summary
groups the names that match nobody, counts them, suggests the actor each most likely is, and
says how far compliance would rise if they were recognised; with pegawai.csv it adds a row per
person."""

from __future__ import annotations

import difflib
from collections import Counter
from typing import Any

import polars as pl

from sopgen.conformance.engine.normalise import norm_name
from sopgen.conformance.engine.tables import SopTables

# Words of address and courtesy that say nothing about the position.
_COURTESY = frozenset({"pak", "bapak", "bpk", "bu", "ibu", "sdr", "sdri", "saudara", "saudari", "mas", "mbak"})


def _words(name: str) -> list[str]:
    return [w for w in norm_name(name.replace("-", " ").replace(".", " ")).split() if w not in _COURTESY]


def suggest(name: str, actors: list[tuple[str, tuple[str, ...]]]) -> str | None:
    """The actor (its nama) a written name most likely means, or None.

    An actor whose id, nama or alias has all its words in the name, or the other way round
    ("Kasi Kesos" holds "Kasi", "Pak Camat" is "Camat"), wins, the more words shared the
    better; else the closest spelling (difflib ratio 0.75 or more)."""
    written = _words(name)
    if not written:
        return None
    best: tuple[float, int, str] | None = None
    for order, (label, names) in enumerate(actors):
        for candidate in names:
            words = _words(candidate)
            if not words:
                continue
            if set(words) <= set(written) or set(written) <= set(words):
                score = 2.0 + len(set(words) & set(written)) / max(len(words), len(written))
            else:
                score = difflib.SequenceMatcher(None, " ".join(written), " ".join(words)).ratio()
                if score < 0.75:
                    continue
            if best is None or (score, -order) > (best[0], -best[1]):
                best = (score, order, label)
    return best[2] if best else None


def _actors_of(tables: SopTables, sop_i: int) -> list[tuple[str, tuple[str, ...]]]:
    return [(a.nama, a.names) for a in tables.flows[sop_i].sop.pelaksana]


def unrecognized(tables: SopTables, per: pl.DataFrame, votes: pl.DataFrame, named: pl.DataFrame, checked: int, bad: int) -> dict[str, Any]:
    """`{names: [{name, rows, suggestion, wrong_actor}], wrong_actor, percent_if_recognized}`.

    per: rows per (sop_i, actor), sorted; votes: rows per (sop_i, step, actor) of the names
    no actor of their SOP has; named: per actor, its wrong_actor findings and the rows whose
    only violations they are (`tally.Tally`); bad: the rows with a violation. A name is unrecognised when it matches no actor of its SOP
    and no person of pegawai.csv. The suggestion is the actor the name resembles; failing
    that, the pelaksana most of its rows' steps expect (the position it stands in for)."""
    counts: dict[str, Counter] = {}
    sops_of: dict[str, set[int]] = {}
    total: Counter = Counter()
    for sop_i, actor, n, *_ in per.iter_rows():
        if actor is None or sop_i < 0:
            continue
        key = norm_name(actor)
        if key in tables.actor_ids[sop_i]:
            continue
        counts.setdefault(key, Counter())[actor] += n
        sops_of.setdefault(key, set()).add(sop_i)
        total[key] += n
    if not total:
        return {"names": [], "wrong_actor": 0, "percent_if_recognized": None}
    expected = _expected_actor(tables, votes)
    out = []
    for key, n in sorted(total.items(), key=lambda kv: (-kv[1], kv[0])):
        spelling = counts[key].most_common(1)[0][0]
        hint = None
        for sop_i in sorted(sops_of[key]):
            hint = suggest(spelling, _actors_of(tables, sop_i))
            if hint:
                break
        out.append({"name": spelling, "rows": n, "suggestion": hint or expected.get(key), "wrong_actor": 0})
    wrong, percent = _effect(named, {e["name"]: e for e in out}, set(total), checked, bad)
    return {"names": out, "wrong_actor": wrong, "percent_if_recognized": percent}


def _expected_actor(tables: SopTables, votes: pl.DataFrame) -> dict[str, str]:
    """Per unrecognised name, the actor (nama) most of its rows' steps expect (ties: the
    first in the order of SOP, step and name)."""
    tally: dict[str, Counter] = {}
    for sop_i, step, actor, n in votes.iter_rows():
        sop = tables.flows[sop_i].sop
        for aid in sop.langkah[step - 1].pelaksana:
            a = sop.actor(aid)
            tally.setdefault(norm_name(str(actor)), Counter())[a.nama if a else aid] += n
    return {k: v.most_common(1)[0][0] for k, v in tally.items()}


def _effect(named: pl.DataFrame, entries: dict[str, dict[str, Any]], keys: set[str], checked: int, bad: int) -> tuple[int, float | None]:
    """The wrong_actor findings of unrecognised names (counted into entries), and the
    compliance if those names were recognised as the right actor: rows whose only violation
    is such a finding would comply (a row's findings all name its actor; an empty actor is
    no name to recognise and does not keep the row bad)."""
    by_key = {norm_name(e["name"]): e for e in entries.values()}
    wrong = freed = 0
    for actor, n, only in named.iter_rows():
        mine = actor is not None and norm_name(actor) in keys
        if mine and n:
            by_key[norm_name(actor)]["wrong_actor"] += n
            wrong += n
        if mine or actor is None:
            freed += only
    still_bad = bad - freed
    return wrong, (round(100.0 * (checked - still_bad) / checked, 1) if checked else None)


def people_table(tables: SopTables, per: pl.DataFrame, bad: pl.DataFrame) -> list[dict[str, Any]]:
    """One entry per person of pegawai.csv who appears in the log: rows, finished, within
    the standard, violations. per: (sop_i, actor, rows, finished, within); bad: violating
    rows per (sop_i, actor)."""
    if not tables.people:
        return []
    table: dict[str, dict[str, Any]] = {}

    def entry(actor: Any) -> dict[str, Any] | None:
        person = tables.persons.get(norm_name(str(actor))) if actor is not None else None
        if person is None:
            return None
        return table.setdefault(
            person.nama,
            {"name": person.nama, "nip": person.nip, "position": _position(tables, person.pelaksana), "rows": 0, "finished": 0, "within_standard": 0, "violations": 0},
        )

    for sop_i, actor, n, fin, win in per.iter_rows():
        if (e := entry(actor)) is not None:
            e["rows"] += n
            e["finished"] += fin
            e["within_standard"] += win
    for _sop_i, actor, n in bad.iter_rows():
        if (e := entry(actor)) is not None:
            e["violations"] += n
    out = sorted(table.values(), key=lambda e: (-e["rows"], e["name"]))
    for e in out:
        e["percent_within"] = round(100.0 * e["within_standard"] / e["finished"], 1) if e["finished"] else None
        e["percent_compliant"] = round(100.0 * (e["rows"] - e["violations"]) / e["rows"], 1) if e["rows"] else None
    return out


def _position(tables: SopTables, pelaksana: str) -> str:
    """The actor's nama for a pelaksana value of pegawai.csv (as written when unknown)."""
    for i, flow in enumerate(tables.flows):
        aid = tables.actor_ids[i].get(norm_name(pelaksana))
        if aid is not None and flow.sop.actor(aid) is not None:
            return flow.sop.actor(aid).nama
    return pelaksana
