"""One SOP's flow as the path rules need it: successors, loops and forward jumps.

Every (previous step, step) pair is classified once per SOP here, so the rows are checked
by a gather from a dense table instead of a walk over the graph per case."""

from __future__ import annotations

from dataclasses import dataclass

from sopgen.source.model import END, Sop

# Transition classes of (previous step, step); previous 0 is the start of the case.
OK, LOOP, JUMP, BAD = 0, 1, 2, 3


@dataclass(frozen=True)
class Flow:
    """One SOP's flow as the engine needs it: successors, loops, and forward jumps."""

    sop: Sop
    n: int
    successors: dict[int, tuple[int | str, ...]]  # 0 is the start of the case
    final: frozenset[int]  # steps with an edge to the end
    transitions: dict[tuple[int, int], tuple[int, tuple[int, ...]]]  # (prev, step) -> class, required

    @classmethod
    def of(cls, sop: Sop) -> Flow:
        n = len(sop.langkah)
        succ: dict[int, tuple[int | str, ...]] = {0: (1,)}
        loops: set[tuple[int, int]] = set()
        final = set()
        for step in sop.langkah:
            targets = []
            for e in sop.edges(step):
                targets.append(e.target)
                if e.target == END:
                    final.add(step.no)
                elif step.is_decision and isinstance(e.target, int) and e.target <= step.no:
                    loops.add((step.no, e.target))
            succ[step.no] = tuple(dict.fromkeys(targets))
        forward = {a: [b for b in ts if isinstance(b, int) and b > a] for a, ts in succ.items()}

        def reach(a: int, banned: int | None = None) -> set[int]:
            seen: set[int] = set()
            todo = [a]
            while todo:
                x = todo.pop()
                for y in forward.get(x, ()):
                    if y != banned and y not in seen:
                        seen.add(y)
                        todo.append(y)
            return seen

        reachable = {a: reach(a) for a in range(n + 1)}
        trans: dict[tuple[int, int], tuple[int, tuple[int, ...]]] = {}
        for a in range(n + 1):
            direct = {b for b in succ.get(a, ()) if isinstance(b, int)}
            for b in range(1, n + 1):
                if b in direct:
                    trans[(a, b)] = (LOOP if (a, b) in loops else OK, ())
                elif b in reachable[a]:
                    between = [v for v in range(a + 1, b) if v in reachable[a] and b in reachable[v]]
                    required = tuple(v for v in between if b not in reach(a, banned=v))
                    trans[(a, b)] = (JUMP, required)
                else:
                    trans[(a, b)] = (BAD, ())
        return cls(sop, n, succ, frozenset(final), trans)

    def successor_text(self, a: int) -> str:
        names = ["selesai" if t == END else f"langkah {t}" for t in self.successors.get(a, ())]
        return " atau ".join(names)
