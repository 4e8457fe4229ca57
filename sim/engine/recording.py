"""What one replication records: the event log with causes, war entries, tension samples, metrics.

Every event is a flat row whose `cause` names an earlier event of the same replication (or
nothing, for scenario actions and decisions driven by baseline intent alone), so any cascade
can be walked back to its root. Metrics are computed from these records, never kept apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import NamedTuple

import numpy as np

from sim.engine.metrics import DYAD_METRICS, METRICS, STATE_METRICS
from sim.engine.tables import EventRow, format_float, format_row, format_value, summary_columns
from sim.kernel import format_lines, split_sources
from sim.model.attribution import COMPONENTS
from sim.model.ladder import SCENARIO, Kind
from sim.model.ledger import HazardLedger

__all__ = ["Event", "Recorder", "TensionRows"]


class Event(NamedTuple):
    """One logged event: a row of events.csv before its replication and names are added.

    `actor` and `target` are state indices (or a pact id, for a scenario action naming a pact);
    `cause` is the id of an earlier event of the replication, or None.
    """

    t: float
    id: int
    cause: int | None
    kind: str
    actor: int | str | None
    target: int | str | None
    level: int | None = None
    pact: str | None = None
    detail: str = ""


_VIA: dict[str, str] = {Kind.ESCALATE: "decision", Kind.SELF_DEFENCE: "self_defence"}


def _via(kind: str, pact: str | None) -> str:
    if kind == Kind.ENTRY and pact:
        return pact
    if kind.startswith(SCENARIO):
        return "scenario"
    return _VIA.get(kind, kind)


# The log holds plain tuples in Event's field order, typed on access: the garbage collector stops
# tracking a tuple of plain values but never a NamedTuple, and a replication logs hundreds of events
# while allocating ~100,000 objects (kept NamedTuples cost ~5% of a replication in collections).
_new = tuple.__new__  # a NamedTuple from a tuple of all its fields, without its keyword-parsing __new__
_KIND, _CAUSE = Event._fields.index("kind"), Event._fields.index("cause")


class Recorder:
    """The records of one replication: a pure observer. The engine tells it what happened (events,
    posture changes, clashes, samples); the model never reads it, and every metric is computed
    from what it observed (:mod:`sim.engine.metrics`)."""

    def __init__(self, ids: list[str], watch, horizon: float):
        n = len(ids)
        self.ids, self.watch, self.horizon = ids, watch, horizon
        self._log: list[tuple] = []  # the events as plain tuples, in the order of Event's fields
        self._typed: list[Event] = []
        self.depth: list[int] = [0]  # depth[event_id]: states drawn in along its cause chain
        self.max_level = np.zeros(n, dtype=np.int64)
        self.t_entry: list[float | None] = [None] * n
        self.via: list[str] = [""] * n
        self.struck_first: dict[frozenset, int] = {}  # who struck first in each dyad, as observed
        self.t_war: dict[frozenset, float] = {}
        self.t_end: dict[frozenset, float] = {}  # the end of a dyad's first war
        self.first_clash: float | None = None
        self.samples: list[tuple[float, np.ndarray, list[float]]] = []
        index = {s: i for i, s in enumerate(ids)}
        self.dyads = [(index[a], index[b]) for a, b in watch.dyads]
        self.dyad_max = [0] * len(self.dyads)
        self._dyad_index: dict[tuple[int, int], list[int]] = {}  # (actor, target) -> its watched dyads, either way
        for k, (a, b) in enumerate(self.dyads):
            for pair in {(a, b), (b, a)}:
                self._dyad_index.setdefault(pair, []).append(k)
        self.watched = [index[s] for s in watch.states]
        # sources.csv: the watched states (every state when none is watched), split at each sample
        self.attributed = np.array(self.watched or range(n), dtype=np.intp)
        self.sourced: list[tuple] = []
        self.hazards: HazardLedger | None = None  # the hazards' chances, when the run asked (sim.model.ledger)

    def log(self, t, cause, kind, actor, target, level=None, pact=None, detail="") -> int:
        """Append an event and return its id (ids count from 1 within a replication)."""
        event_id = len(self._log) + 1
        self._log.append((t, event_id, cause, kind, actor, target, level, pact, detail))
        self.depth.append(self.depth[cause] if cause else 0)
        return event_id

    def posture(self, actor: int, target: int, level: int) -> None:
        """Note a posture change for the highest-level statistics."""
        if level > self.max_level[actor]:
            self.max_level[actor] = level
        for k in self._dyad_index.get((actor, target), ()):
            self.dyad_max[k] = max(self.dyad_max[k], level)

    def clash(self, t: float, actor: int, target: int, event_id: int, kind: str, pact, attack: bool) -> None:
        """A posture crossed level 5: who struck first, who entered the war, and how."""
        key = frozenset((actor, target))
        if attack:
            self.struck_first.setdefault(key, actor)
        self.t_war.setdefault(key, t)
        if attack and self.first_clash is None:
            self.first_clash = t
        new = self._enter(actor, t, _via(kind, pact)) + self._enter(target, t, "attack" if attack else "scenario")
        if new:
            self.depth[event_id] += 1

    def war_end(self, t: float, a: int, b: int) -> None:
        """The war of a and b ended at t (the first end is kept)."""
        self.t_end.setdefault(frozenset((a, b)), t)

    def _enter(self, state: int, t: float, via: str) -> int:
        if self.t_entry[state] is not None:
            return 0
        self.t_entry[state], self.via[state] = t, via
        return 1

    def sample(self, t: float, tension: np.ndarray, dyads: list[float]) -> None:
        """Keep a tension sample of every state (and watched dyads) at time t."""
        self.samples.append((t, tension.copy(), dyads))

    def keep_sources(self, t: float, tension: np.ndarray, terms: np.ndarray, now: np.ndarray, base: np.ndarray,
                     structure) -> None:
        """Keep what splits the attributed states' tension at time t by source: their tension, each
        source's term of it (`sim.engine.intent.Intent.terms`), their rows of intent now and of its
        baseline in force, and the structure (capability shares, blocs, structural baseline) they
        were read with; split when the rows are asked for."""
        self.sourced.append((t, tension, terms, now, base, structure))  # the caller's copies, kept as they are

    def source_rows(self, rep: int):
        """Rows of sources.csv (`rep, t, state, source, component, value`): each attributed state's
        tension at each sample split by source (`BLOC/STATE` inside a bloc) and component
        (:mod:`sim.model.attribution`); the sources that make less than `MIN_SOURCE` of it each are
        summed as `other`, and components that make nothing are left out. They add up to the
        state's tension."""
        ids = self.ids
        for times, (sample, row, source, component, values), names in self._sources():
            yield from zip([rep] * len(values), [times[k] for k in sample.tolist()],
                           [ids[i] for i in self.attributed[row].tolist()], [names[j] for j in source.tolist()],
                           [COMPONENTS[c] for c in component.tolist()], values.tolist())

    def source_text(self, rep: int) -> str:
        """sources.csv's lines of this replication (`format_row` of each of `source_rows`, written
        directly: the text of each time, state and (source, component) made once)."""
        states = [f"{format_value(self.ids[i])},".encode() for i in self.attributed.tolist()]
        blocks = []
        for times, (sample, row, source, component, values), names in self._sources():
            heads = [f"{rep},{t},".encode() for t in map(format_float, times)]
            cells = [f"{format_value(name)},{kind},".encode() for name in names for kind in COMPONENT_TEXT]
            blocks.append(format_lines(heads, states, cells, sample, row, source * len(COMPONENTS) + component,
                                       values))  # format_float's text of each value
        return "".join(blocks)

    def _sources(self):
        """Per run of samples read with one structure: their times, the parts kept for sources.csv
        (`sim.kernel.reference.split_sources`, which computes `sim.model.attribution.table` cell by cell:
        sample, row, source, component, value, in the table's order)
        and the sources' names (`BLOC/STATE` inside a bloc, `other` last)."""
        rows, ids, k = self.attributed, self.ids, 0
        while k < len(self.sourced):
            structure, end = self.sourced[k][5], k
            while end < len(self.sourced) and self.sourced[end][5] is structure:
                end += 1
            group = self.sourced[k:end]
            parts = split_sources(*([g[c] for g in group] for c in (1, 2, 3, 4)), structure.baseline[rows],
                                  structure.caps.share[rows], structure.share0[rows], structure.background,
                                  MIN_SOURCE, MIN_PART)
            names = [f"{structure.bloc_names[b]}/{ids[j]}" if structure.bloc_names[b] else ids[j]
                     for j, b in enumerate(structure.bloc.tolist())] + ["other"]
            yield [g[0] for g in group], parts, names
            k = end

    def summary(self, rep: int, seed: int) -> dict:
        """One row of summary.csv (columns of :func:`sim.engine.tables.summary_columns`), each value
        computed by its metric of :mod:`sim.engine.metrics`."""
        tensions = np.array([s[1] for s in self.samples]) if self.samples else np.zeros((1, len(self.ids)))
        values = {"rep": rep, "seed": seed, **{m.name: m.compute(self, tensions) for m in METRICS}}
        for k, (a, b) in enumerate(self.dyads):
            name = f"{self.ids[a]}_{self.ids[b]}"
            values.update({w.prefix + name: w.compute(self, tensions, k, a, b) for w in DYAD_METRICS})
        for i in self.watched:
            values.update({w.prefix + self.ids[i]: w.compute(self, tensions, i) for w in STATE_METRICS})
        return {c: values[c] for c in summary_columns(self.watch)}

    def count(self, kind: str) -> int:
        """How many events of `kind` were logged."""
        return sum(1 for e in self._log if e[_KIND] == kind)

    def causes(self, kind: str) -> set[int]:
        """The distinct events that caused events of `kind` (e.g. the invocations honoured)."""
        return {e[_CAUSE] for e in self._log if e[_KIND] == kind}

    def __len__(self) -> int:
        """The number of events logged."""
        return len(self._log)

    @property
    def events(self) -> list[Event]:
        """The logged events as typed records, in order (made once the log stops growing)."""
        if len(self._typed) != len(self._log):
            self._typed = [_new(Event, e) for e in self._log]
        return self._typed

    def event_rows(self, rep: int):
        """Rows of events.csv (`EventRow`s)."""
        return (_new(EventRow, row) for row in self.event_tuples(rep))

    def event_tuples(self, rep: int):
        """Rows of events.csv as plain tuples in `EventRow`'s field order (for rows kept by the
        thousand: the garbage collector stops tracking these)."""
        ids = self.ids
        for t, eid, cause, kind, actor, target, level, pact, detail in self._log:
            yield (rep, t, eid, cause or None, kind, _name(ids, actor), _name(ids, target), level, pact, detail)

    def _series(self) -> list[str]:
        """The names in tension.csv's `state` column: every state, then the watched dyads as A-B."""
        return self.ids + [f"{self.ids[a]}-{self.ids[b]}" for a, b in self.dyads]

    def tension_rows(self, rep: int) -> TensionRows:
        """Rows of tension.csv: every state at every sample, then the watched dyads (made as they are read)."""
        return TensionRows(rep, self._series(), self.samples)

    def tension_text(self, rep: int) -> str:
        """tension.csv's lines of this replication: `format_row` of each of `tension_rows`, written
        directly (the table has a line per state and sample: most of a run's text)."""
        names = [format_value(name) for name in self._series()]
        lines = []
        for t, tension, dyads in self.samples:
            prefix = f"{rep},{format_value(t)},"
            lines += [f"{prefix}{name},{format_float(value)}\n" for name, value in zip(names, tension.tolist() + dyads)]
        return "".join(lines)

    def text(self, rep: int, seed: int) -> dict[str, str]:
        """Every table's CSV lines of this replication (what `format_row` makes of its rows);
        sources.csv's when its rows were kept."""
        text = {"summary": format_row(self.summary(rep, seed).values()),
                "events": "".join(map(format_row, self.event_tuples(rep))),
                "tension": self.tension_text(rep),
                "states": "".join(map(format_row, self.state_rows(rep)))}
        if self.sourced:
            text["sources"] = self.source_text(rep)
        return text

    def state_rows(self, rep: int):
        """Rows of states.csv."""
        for i, s in enumerate(self.ids):
            yield (rep, s, int(self.max_level[i]), self.t_entry[i], self.via[i] or None)


class TensionRows(Sequence):
    """The rows of tension.csv of one replication, `(rep, t, state, tension)`: every state at every
    sample, then the watched dyads, made from the samples as they are read. A replication keeps
    (and a worker sends back) its samples, a vector of every state's tension each, rather than
    thousands of tuples that the garbage collector would track; read as a list, it is the list."""

    __slots__ = ("rep", "names", "samples")

    def __init__(self, rep: int, names: list[str], samples: list[tuple[float, np.ndarray, list[float]]]):
        self.rep, self.names, self.samples = rep, names, samples

    def __len__(self) -> int:
        return len(self.samples) * len(self.names)

    def __iter__(self):
        reps = [self.rep] * len(self.names)
        for t, tension, dyads in self.samples:  # the tuples made by zip, in C
            yield from zip(reps, repeat(t), self.names, tension.tolist() + dyads)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        k = k + len(self) if k < 0 else k
        if not 0 <= k < len(self):
            raise IndexError("tension row index out of range")
        sample, column = divmod(k, len(self.names))
        t, tension, dyads = self.samples[sample]
        value = tension[column].item() if column < len(tension) else dyads[column - len(tension)]
        return (self.rep, t, self.names[column], value)

    def __eq__(self, other) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to lists, which are not hashable

    def __repr__(self) -> str:
        return f"TensionRows(rep={self.rep}, {len(self)} rows)"


COMPONENT_TEXT = [format_value(c) for c in COMPONENTS]

MIN_SOURCE = 0.02
MIN_PART = 0.005
"""In sources.csv, sources that make less than MIN_SOURCE of a state's tension, and components of a
source that make less than MIN_PART of it, are summed as `other` (the table stays short; the parts
still add up to the tension)."""


def _name(ids: list[str], ref) -> str | None:
    if ref is None or isinstance(ref, str):
        return ref
    return ids[ref]

