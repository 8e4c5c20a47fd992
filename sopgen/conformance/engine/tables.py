"""The chosen SOPs as tables the queries gather from.

A rule needs a step's standard, output or actors on every row: a gather from a small dense
array (index = the SOP's offset + the step) costs a fraction of a join over millions of
rows, and with one SOP a per-SOP value is a scalar, not a gather at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import polars as pl

from sopgen.conformance.engine.flow import Flow
from sopgen.conformance.engine.normalise import norm_name
from sopgen.source.model import Sop, Step

MINUTE_US = 60_000_000  # durations are in microseconds


@dataclass
class SopTables:
    """The chosen SOPs (sop_i indexes them), their flows, and the dense per-step layout."""

    sops: list[Sop]
    flows: list[Flow]
    step_offset: list[int]  # dense per-step tables: index = step_offset[sop_i] + step (index 0 of each SOP unused)
    people: Any = None  # sopgen.conformance.people.People (pegawai.csv) or None
    notes: list[str] = field(default_factory=list)  # pegawai.csv rows that name no actor

    @classmethod
    def of(cls, sops: list[Sop], people: Any = None) -> SopTables:
        flows = [Flow.of(s) for s in sops]
        step_offset = []
        pos = 0
        for flow in flows:
            step_offset.append(pos)
            pos += flow.n + 1
        return cls(sops, flows, step_offset, people)

    @staticmethod
    def table(values: list, dtype: Any) -> pl.Expr:
        return pl.lit(pl.Series(values or [None], dtype=dtype))

    def per_sop(self, values: list, dtype: Any) -> pl.Expr:
        """A per-SOP value for each row (sop_i >= 0; other rows get the first SOP's).

        With one SOP it is a scalar: no ten-million-row gather for a constant."""
        if len(values) == 1:
            return pl.lit(values[0], dtype=dtype)
        return self.table(values, dtype).gather(pl.col("sop_i").clip(0, None).cast(pl.Int64))

    def per_step(self, values: list, dtype: Any, step: pl.Expr | None = None) -> pl.Expr:
        """A per-step value (a list in the step_offset layout) for each row's step."""
        step = pl.col("step") if step is None else step
        return self.table(values, dtype).gather(self.per_sop(self.step_offset, pl.Int64) + step.cast(pl.Int64))

    def step_values(self, fn: Callable[[Flow, Step], Any]) -> list:
        """fn of every step of every SOP, in the step_offset layout."""
        out: list = []
        for flow in self.flows:
            out.append(None)
            out.extend(fn(flow, s) for s in flow.sop.langkah)
        return out

    def nomor(self) -> pl.Expr:
        """The row's SOP nomor; null for rows of no chosen SOP."""
        nomor = self.per_sop([s.nomor for s in self.sops], pl.String)
        return pl.when(pl.col("sop_i") >= 0).then(nomor).otherwise(None)

    @cached_property
    def actor_ids(self) -> list[dict[str, str]]:
        """Per SOP, the actor id of each normalised id, nama and alias (the first one wins),
        then of each person of pegawai.csv (name or NIP) whose pelaksana is an actor of it."""
        out = []
        for flow in self.flows:
            names: dict[str, str] = {}
            for a in flow.sop.pelaksana:
                for name in a.names:
                    names.setdefault(norm_name(name), a.id)
            out.append(names)
        if self.people:
            for person in self.people.persons:
                found = False
                for names in out:
                    aid = names.get(norm_name(person.pelaksana))
                    if aid is not None:
                        found = True
                        for key in (person.nama, person.nip):
                            if key:
                                names.setdefault(norm_name(key), aid)
                if not found:
                    self.notes.append(
                        f"{self.people.file} baris {person.line}: pelaksana '{person.pelaksana}' dari '{person.nama}' "
                        "bukan pelaksana SOP yang diperiksa; tulis id, nama atau alias pelaksana seperti di SOP"
                    )
        return out

    @cached_property
    def persons(self) -> dict[str, Any]:
        """The persons of pegawai.csv by normalised name and NIP."""
        out: dict[str, Any] = {}
        for person in self.people.persons if self.people else ():
            for key in (person.nama, person.nip):
                if key:
                    out.setdefault(norm_name(key), person)
        return out
