"""Who answered whom, across every replication of a run: the events' `cause_id` chains aggregated.

An *answer* is an event with a cause. Its **target** is the state that acted (the event's actor);
its **source** is the actor of the nearest event up the cause chain by another state, so a state's
own follow-up steps answer whoever started them: the entry (or, by the fitted joining decision,
the join) that follows a state's own honour answers the ally that called for help, and an
escalation that follows a perception (`perceive`, whose actor is the observer) answers the state
whose act was perceived. An event whose chain reaches its root without meeting another state
answers nobody and is left out. Scripted acts (`scenario.*`) have no cause: they appear through
the answers they provoke.

Each edge is one (source, target, mechanism, pact): the mechanism is the answering event's kind
(`self_defence`, `invocation`, `honour`, `abandon`, `entry`, `join`, `escalate`, `deescalate`,
`perceive`, ...), the pact the commitment it went through, if any (NATO for Article 5). Per
edge: the share of replications in which it happened at least once, how many events in all, and
the delay from the act answered to the answer (days) at its first occurrence in each replication,
as the median and the 10% and 90% quantiles across the replications that had it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.scenario.errors import InputError, InputErrors

__all__ = ["COLUMNS", "CHAIN_COLUMNS", "answers", "aggregate", "chains", "links", "step", "QUIET", "WAR_MECHANISMS"]

COLUMNS = ("source", "target", "mechanism", "pact", "share_of_runs", "median_delay", "delay_p10", "delay_p90",
           "n_runs", "n_events", "median_day")
QUIET = ("deescalate",)
"""Mechanisms that calm rather than spread tension: in the table, left out of the figure."""
WAR_MECHANISMS = ("self_defence", "invocation", "honour", "entry", "join", "attack")
"""Mechanisms that carry a war from state to state: they win a pair's ties and come first in the figure."""

CHAIN_COLUMNS = ("chain", "steps", "share_of_runs", "n_runs", "n_events", "median_day")
PASSING = ("perceive", "escalate", "deescalate")
"""Steps a chain passes through: :func:`chains` explains every other event with a cause (answers,
self-defence, invocations, honour, entries, declined calls, ...)."""
_VERBS = {"perceive": "perceives", "answer": "answers", "escalate": "escalates toward",
          "deescalate": "de-escalates toward", "self_defence": "defends itself against", "invocation": "invokes",
          "honour": "honours", "entry": "enters the war against", "join": "joins the war against",
          "abandon": "declines", "attack": "attacks",
          "name_threat": "names", "posture": "postures toward"}
_MAX_DEPTH = 10_000  # a cause chain longer than this is a loop (a corrupt table)


def _fail(file: str | None, message: str, row: int | None = None) -> None:
    raise InputErrors(InputError(message, file, None if row is None else row + 2))


def _ids(column: pd.Series) -> pd.Series:
    """Event ids as text, whether the reader typed them as numbers (``2.0`` with gaps) or text."""
    if pd.api.types.is_numeric_dtype(column):
        return column.astype("Int64").astype("string")
    return column.astype("string").str.strip()


def _frame(events: pd.DataFrame, file: str | None) -> pd.DataFrame:
    """The columns the walk needs, one row per event, checked: every answer's cause is an event of
    its own replication; every event has an id and an actor."""
    missing = [c for c in ("rep", "t", "event_id", "cause_id", "kind", "actor") if c not in events.columns]
    if missing:
        _fail(file, f"not an events table of this program: no column {', '.join(missing)}", -1)
    table = pd.DataFrame({
        "rep": events["rep"].to_numpy(), "t": pd.to_numeric(events["t"]).to_numpy(dtype=float),
        "event_id": _ids(events["event_id"]).to_numpy(),
        "cause_id": _ids(events["cause_id"]).replace("", pd.NA).to_numpy(),
        "kind": events["kind"].astype("string").to_numpy(), "actor": events["actor"].astype("string").to_numpy(),
        "pact": (events["pact"].astype("string") if "pact" in events.columns
                 else pd.Series(pd.NA, index=events.index, dtype="string")).fillna("").to_numpy(),
        "row": np.arange(len(events)),
    })
    for column in ("event_id", "kind", "actor"):
        empty = table[column].isna() | (table[column] == "")
        if empty.any():
            _fail(file, f"an event with no '{column}' (a cut or edited table?)", int(np.flatnonzero(empty)[0]))
    twice = table.duplicated(["rep", "event_id"])
    if twice.any():
        row = int(np.flatnonzero(twice)[0])
        _fail(file, f"event_id {table['event_id'].iloc[row]} appears twice in replication {table['rep'].iloc[row]}", row)
    return table


def answers(events: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """One row per answer: ``rep, t, source, target, mechanism, pact, delay, event_id``.

    ``file`` names the events table in errors (a cause that names no event of its replication, a
    chain that loops)."""
    table = _frame(events, file)
    lookup = table.set_index(["rep", "event_id"])[["cause_id", "actor", "t"]]
    todo = table[table["cause_id"].notna()].copy()
    todo["ancestor"] = todo["cause_id"]
    found = []
    for _ in range(_MAX_DEPTH):
        if todo.empty:
            break
        up = lookup.reindex(pd.MultiIndex.from_arrays([todo["rep"], todo["ancestor"]]))
        lost = up["actor"].isna().to_numpy()
        if lost.any():
            first = todo.iloc[int(np.flatnonzero(lost)[0])]
            _fail(file, f"cause_id {first['ancestor']} names no event of replication {first['rep']} "
                        "(a cut or edited table?)", int(first["row"]))
        other = (up["actor"].to_numpy() != todo["actor"].to_numpy())
        hit = todo[other].assign(source=up["actor"].to_numpy()[other], t_source=up["t"].to_numpy()[other])
        found.append(hit)
        nxt = up["cause_id"].to_numpy()[~other]
        todo = todo[~other].assign(ancestor=nxt)
        todo = todo[todo["ancestor"].notna()]
    else:
        _fail(file, f"a cause chain loops (event {todo['event_id'].iloc[0]} of replication {todo['rep'].iloc[0]})",
              int(todo["row"].iloc[0]))
    hits = pd.concat(found) if found else table.iloc[:0].assign(source=pd.Series(dtype="string"), t_source=0.0)
    hits = hits.sort_values("row")
    return pd.DataFrame({"rep": hits["rep"].to_numpy(), "t": hits["t"].to_numpy(),
                         "source": hits["source"].astype(str).to_numpy(), "target": hits["actor"].astype(str).to_numpy(),
                         "mechanism": hits["kind"].astype(str).to_numpy(), "pact": hits["pact"].astype(str).to_numpy(),
                         "delay": (hits["t"] - hits["t_source"]).to_numpy(dtype=float),
                         "event_id": hits["event_id"].astype(str).to_numpy()})


def aggregate(events: pd.DataFrame, replications: int | None = None, file: str | None = None) -> pd.DataFrame:
    """The cascade table (:data:`COLUMNS`), most frequent edge first.

    ``replications``: how many the run holds (default: those with an event); replications in which
    nothing answered anyone count in the denominator of ``share_of_runs``."""
    found = answers(events, file)
    runs = replications or int(pd.Series(events["rep"]).nunique())
    keys = ["source", "target", "mechanism", "pact"]
    if found.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c not in keys else str) for c in COLUMNS})
    first = found.sort_values(["t", "event_id"]).groupby(keys + ["rep"], sort=False).first().reset_index()
    per_edge = first.groupby(keys)
    table = per_edge.agg(n_runs=("rep", "size"), median_delay=("delay", "median"), median_day=("t", "median"))
    table["delay_p10"] = per_edge["delay"].quantile(0.1)
    table["delay_p90"] = per_edge["delay"].quantile(0.9)
    table["n_events"] = found.groupby(keys).size()
    table["share_of_runs"] = table["n_runs"] / max(runs, 1)
    table = table.reset_index().sort_values(["share_of_runs", "n_events", "source", "target", "mechanism", "pact"],
                                            ascending=[False, False, True, True, True, True])
    return table[list(COLUMNS)].reset_index(drop=True)


def links(found: pd.DataFrame, replications: int, quiet: tuple[str, ...] = QUIET) -> pd.DataFrame:
    """What the network figure draws: per (source, target, family of mechanisms) -- ``war`` (those
    of :data:`WAR_MECHANISMS`), ``declined`` (``abandon``), ``perceived`` (``perceive``) or
    ``peacetime`` (the rest but the ``quiet`` ones) -- the share of replications in which the target answered the source so, the
    mechanism seen in most of them, and its pacts, most used first."""
    loud = found[~found["mechanism"].isin(quiet)].copy()
    columns = ["source", "target", "family", "share_of_runs", "mechanism", "pacts"]
    if loud.empty:
        return pd.DataFrame(columns=columns)
    loud["family"] = np.select([loud["mechanism"].isin(WAR_MECHANISMS), loud["mechanism"] == "abandon",
                                loud["mechanism"] == "perceive"], ["war", "declined", "perceived"], "peacetime")
    keys = ["source", "target", "family"]
    table = (loud.groupby(keys)["rep"].nunique() / max(replications, 1)).rename("share_of_runs").to_frame()
    runs_by = loud.groupby(keys + ["mechanism"])["rep"].nunique().reset_index()
    best = runs_by.sort_values(["rep", "mechanism"], ascending=[False, True]).groupby(keys)["mechanism"].first()
    table["mechanism"] = best
    chosen = loud.merge(best.reset_index(), on=keys + ["mechanism"])
    pacts = chosen[chosen["pact"] != ""].groupby(keys)["pact"].agg(lambda p: ", ".join(p.value_counts().index))
    table["pacts"] = pacts.reindex(table.index).fillna("")
    return table.reset_index()[columns].sort_values(["share_of_runs", "source", "target", "family"],
                                                    ascending=[False, True, True, True]).reset_index(drop=True)


def step(kind: str, actor: str, target: str, pact: str = "", detail: str = "") -> str:
    """One event in words: ``NATO names CHN``, ``CHN perceives NATO``, ``USA invokes ANZUS against CHN``."""
    verb = _VERBS.get(kind.removeprefix("scenario."), kind.removeprefix("scenario.").replace("_", " "))
    against = f" against {target}" if target and kind in ("invocation", "honour", "abandon") else ""
    what = f"{actor} {verb} {pact}{against}" if pact and against else f"{actor} {verb}" + (f" {target}" if target else "")
    if pact and not against:
        what += f" ({pact})"
    return what + (f" ({detail})" if kind == "answer" and detail else "")


def chains(events: pd.DataFrame, replications: int | None = None, file: str | None = None,
           steps: int = 4) -> pd.DataFrame:
    """How each consequential event came about: for every event with a cause whose kind is not one
    of :data:`PASSING`, its whole cause chain from the root act, in words (the root, then at most
    ``steps`` last steps); aggregated over replications (:data:`CHAIN_COLUMNS`), most frequent first.
    So a naming answered reads ``NATO names CHN -> CHN perceives NATO -> CHN answers USA (counter-naming)``."""
    table = _frame(events, file)
    runs = replications or int(pd.Series(events["rep"]).nunique())
    text = [str(v) if isinstance(v, str) else "" for v in (events["target"] if "target" in events else [""] * len(table))]
    detail = [str(v) if isinstance(v, str) else "" for v in (events["detail"] if "detail" in events else [""] * len(table))]
    words = [step(k, a, t, p, d) for k, a, t, p, d in zip(table["kind"], table["actor"], text, table["pact"], detail)]
    keys = list(zip(table["rep"], table["event_id"]))
    lookup = dict(zip(keys, zip(table["cause_id"], words)))
    found = []
    ends = np.flatnonzero(table["cause_id"].notna().to_numpy() & ~table["kind"].isin(PASSING).to_numpy())
    for row in ends:
        rep, chain, cause = keys[row][0], [words[row]], table["cause_id"].iloc[row]
        while isinstance(cause, str) and len(chain) < _MAX_DEPTH:
            if (rep, cause) not in lookup:
                _fail(file, f"cause_id {cause} names no event of replication {rep} (a cut or edited table?)", int(row))
            cause, words_up = lookup[(rep, cause)]
            chain.append(words_up)
        chain.reverse()
        shown = chain if len(chain) <= steps + 1 else [chain[0], "...", *chain[-steps:]]
        found.append((rep, table["t"].iloc[row], " -> ".join(shown), len(chain)))
    if not found:
        return pd.DataFrame({c: pd.Series(dtype=str if c == "chain" else float) for c in CHAIN_COLUMNS})
    frame = pd.DataFrame(found, columns=["rep", "t", "chain", "steps"])
    first = frame.sort_values("t").groupby(["chain", "rep"], sort=False).first().reset_index()
    out = first.groupby("chain").agg(steps=("steps", "max"), n_runs=("rep", "size"), median_day=("t", "median"))
    out["n_events"] = frame.groupby("chain").size()
    out["share_of_runs"] = out["n_runs"] / max(runs, 1)
    out = out.reset_index().sort_values(["share_of_runs", "n_events", "chain"], ascending=[False, False, True])
    return out[list(CHAIN_COLUMNS)].reset_index(drop=True)
