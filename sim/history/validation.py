"""Systematic validation on the COW inter-state wars: who else joins, forecast and scored.

For every COW inter-state war (Sarkees & Wayman 2010) except the held-out world wars (106 and
139, dropped as the participant file is read, never run or scored), the world of the war's onset
year (:func:`sim.scenario.yearworld.world_of_year`) is run with one scripted act: the first
initiator attacks the first target at the war rung on day 0. Over the war's calendar years, a
state *joins* when it reaches the war rung against a state of either side (sides spread: a state
at war with side A is on side B). Each other member of the onset year is a candidate, and its
forecast is the share of replications in which it joined.

Scores: Brier (1950) per (war, candidate), pooled into Murphy's (1973) skill score against
(a) climatology: every candidate joins at the base rate of joining in the other wars (leave one
war out, so out of sample), and (b) "only the first two fight" (p = 0); percentile bootstrap
intervals resample wars (Efron & Tibshirani 1993). The harness reads only the scenario loader,
`run()` and the events table, so it runs unchanged on any model that keeps that contract.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import multiprocessing
import os
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.execution.runner import run
from sim.model.ladder import WAR, Kind
from sim.model.world import great_circle_km
from sim.scenario.errors import InputError, InputErrors
from sim.scenario.yearworld import majors, read_table
from sim.sweeps.points import apply_point

__all__ = [
    "HELD_OUT", "WAR_LEVEL", "ERAS", "DAYS_PER_YEAR", "DURATION_MARGIN_DAYS", "NOT_A_POSTURE", "War", "read_wars", "pick_wars",
    "war_scenario", "joined", "entries", "conditional", "conditional_sides", "simulate_war", "forecast", "climatology",
    "PAIR_COLUMNS", "STRONG", "candidate_features",
]

HELD_OUT = frozenset({106, 139})
"""COW wars 106 (1914) and 139 (1939): held out, dropped when the data are read."""
WAR_LEVEL = WAR
"""The war rung of the escalation ladder: reaching it against a side is joining the war."""
ERAS = (("1816-1913", 1816, 1913), ("1914-1945", 1914, 1945), ("1946-2003", 1946, 2003))
"""Eras by onset year; 1914-1945 holds the wars of those years other than the held-out two."""
DAYS_PER_YEAR = 365.0
DURATION_MARGIN_DAYS = 365.0
"""How far past a war's recorded years its run goes, so that a simulated war longer than the record shows."""
NOT_A_POSTURE = frozenset({"honour"})
"""Event kinds whose level is an intention, not a posture taken (an ally's decision to honour)."""
PAIR_COLUMNS = ["warnum", "onset", "era", "state", "joined", "side", "km", "ally_of_initiator", "ally_of_target",
                "major", "p_model", "p_climatology", "p_pair", "p_model_record_side"]
"""`p_model_record_side`: for a candidate that joined in history, the share of replications in
which it joined on the side it fought on (COW's sides, read relative to the first initiator's);
0 for the others."""
STRONG = frozenset({"defence", "offence"})
"""Pact obligations that make a candidate an ally of a party (either direction)."""


@dataclass(frozen=True)
class War:
    """A COW war as the validation uses it: onset and last year, the scripted pair, participants, and
    its first day (the earliest start of a participant, COW's day-level dates)."""

    warnum: int
    onset: int
    end: int
    initiator: str
    target: str
    sides: dict
    start: str = ""

    @property
    def horizon_days(self) -> float:
        """The war's calendar years in days (the data give years only)."""
        return DAYS_PER_YEAR * (self.end - self.onset + 1)

    @property
    def era(self) -> str:
        """The era of its onset year."""
        return next(name for name, low, high in ERAS if low <= self.onset <= high)


def _participants() -> pd.DataFrame:
    """The participant rows without the held-out wars (filtered here, before anything else)."""
    frame = pd.DataFrame(list(read_table("cow_war_inter_participants")))
    for column in ("warnum", "side", "initiator", "batdeath", "first_year", "last_year", "world_war"):
        frame[column] = frame[column].astype(int)
    return frame[(frame["world_war"] == 0) & ~frame["warnum"].isin(HELD_OUT)].reset_index(drop=True)


@functools.cache
def participation_days() -> tuple[dict[str, str], ...]:
    """The day-level dates of each COW inter-state war participation (`cow_war_inter_dates`: `warnum`,
    `ccode`, `side`, `start1`, ...), the held-out wars left out here, before anything reads them: the
    one reader of the table for the wars' first days (:func:`read_wars`), the joining fit's wars under
    way (`sim.history.joiningfit`) and the joiners' entry days (`sim.history.entrytiming`)."""
    return tuple(row for row in read_table("cow_war_inter_dates") if int(row["warnum"]) not in HELD_OUT)


def _first_pair(rows: pd.DataFrame, dyads: pd.DataFrame, onset: int) -> tuple[str, str]:
    """The first initiator and its first target.

    The initiator: of the initiators fighting in the onset year, the one with the most battle
    deaths (then the lowest COW code; unknown deaths, COW's -9, count as fewest). The target: of
    the states on the other side at war with it in the onset year (the dyad-years), again the
    most battle deaths, then the lowest code.
    """
    order = lambda frame: frame.sort_values(["batdeath", "ccode"], ascending=[False, True])  # noqa: E731
    initiators = rows[(rows["initiator"] == 1) & (rows["first_year"] == onset)]
    first = order(initiators if len(initiators) else rows[rows["initiator"] == 1]).iloc[0]
    fought = dyads[(dyads["ccode1"] == int(first["ccode"])) & (dyads["year"] == onset)]["ccode2"]
    others = rows[(rows["side"] != first["side"]) & rows["ccode"].astype(int).isin(fought)]
    return first["stateabb"], order(others if len(others) else rows[rows["side"] != first["side"]]).iloc[0]["stateabb"]


def read_wars() -> list[War]:
    """The 93 COW inter-state wars other than the held-out two, in war-number order."""
    return list(_wars())


@functools.cache
def _wars() -> tuple[War, ...]:
    """The wars, read once a process (the bundled tables do not change)."""
    rows = _participants()
    rows["ccode"] = rows["ccode"].astype(int)
    dyads = pd.DataFrame(list(read_table("cow_war_inter_dyadyears")))
    dyads = dyads[dyads["world_war"] == "0"].astype({"warnum": int, "ccode1": int, "ccode2": int, "year": int})
    dyads = dyads[~dyads["warnum"].isin(HELD_OUT)]
    first_day: dict[int, str] = {}
    for row in participation_days():
        warnum = int(row["warnum"])
        first_day[warnum] = min(first_day.get(warnum, row["start1"]), row["start1"])
    wars = []
    for warnum, group in rows.groupby("warnum"):
        onset, end = int(group["first_year"].min()), int(group["last_year"].max())
        initiator, target = _first_pair(group, dyads[dyads["warnum"] == warnum], onset)
        sides = {abb: int(side) for abb, side in zip(group["stateabb"], group["side"])}
        wars.append(War(int(warnum), onset, end, initiator, target, sides, first_day[int(warnum)]))
    return tuple(wars)


def pick_wars(wars: list[War], numbers: list[int] | None) -> list[War]:
    """The wars named by `numbers` (all when None); a held-out or unknown number is an input error."""
    if numbers is None:
        return wars
    known = {w.warnum: w for w in wars}
    bad = [n for n in numbers if n not in known]
    if bad:
        why = {n: "held out (never run or scored)" if n in HELD_OUT else "not a COW inter-state war" for n in bad}
        raise InputErrors([InputError(f"war {n}: {why[n]}; wars: {min(known)}..{max(known)} "
                                      "(see sim/data/peacesciencer/cow_war_inter_participants.csv)",
                                      file="--wars") for n in bad])
    return [known[n] for n in sorted(set(numbers))]


def war_scenario(war: War, overrides=None, pacts: str = "dyads", hold: bool = False, point=None):
    """The onset year's world, its pacts the ATOP obligations of the year BEFORE (none signed
    after the onset: `cow_YYYY_prior`; the dyads grouped as `pacts` says: `dyads` or `cliques`) with
    one act: the first initiator attacks the first target at war level. By default the war then
    lasts as the model's two sides make it last (two-sided termination), so joining is
    forecast together with the war's length; with `hold` their war is held (`hold_days`) for the
    war's recorded years: the forecast is then of who joins the war that happened, conditional on
    its two first parties fighting on. The run goes :data:`DURATION_MARGIN_DAYS` past the war's
    recorded years so that a war longer than the record is seen as such (joining is still read
    over the recorded years only). A design `point` (`{dotted path: value}`, a calibration's) is
    applied over the overrides as every parameter experiment applies one."""
    attack = {"at": 0, "do": "attack", "actor": war.initiator, "target": war.target, "level": WAR_LEVEL,
              "note": f"COW war {war.warnum}: first initiator against first target"}
    if hold:
        attack["hold_days"] = war.horizon_days
    world = f"cow_{war.onset}" + ("" if pacts == "dyads" else f"_{pacts}") + "_prior"
    horizon = war.horizon_days + DURATION_MARGIN_DAYS
    mapping = {"name": f"cow_war_{war.warnum}", "world": world, "horizon_days": horizon,
               "world_record": {"year": war.onset, "date": war.start},  # the fit's onset date (land contiguity)
               "record_every_days": horizon, "timeline": [attack],
               "watch": {"dyads": [[war.initiator, war.target]]}}
    return apply_point(mapping, point or {}, overrides)


def joined(events: pd.DataFrame, war: War, horizon: float, level: int = WAR_LEVEL) -> dict[int, dict[str, int]]:
    """Per replication, the states that joined (state -> side 1 or 2, the initiator's side 1).

    Postures at `level` or above are read in time order; a state at that level against (or from)
    a state with a side takes the other side. Fights between two states with no side are ignored.
    """
    return _sides(entries(events, war, horizon, level))


def _sides(read: dict[int, dict[str, tuple]]) -> dict[int, dict[str, int]]:
    """:func:`entries` read as :func:`joined` gives them (state -> side)."""
    return {rep: {s: side for s, (side, _, _) in entered.items()} for rep, entered in read.items()}


def entries(events: pd.DataFrame, war: War, horizon: float, level: int = WAR_LEVEL) -> dict[int, dict[str, tuple]]:
    """Per replication, the states that joined (:func:`joined`) with (side, day of entry, whether the
    entry was the joining decision's `join` of the war against one of its first two parties)."""
    rows = events[(pd.to_numeric(events["level"], errors="coerce") >= level) & ~events["kind"].isin(NOT_A_POSTURE)
                  & (pd.to_numeric(events["t"]) <= horizon)].sort_values(["rep", "t", "event_id"], kind="stable")
    pair = (war.initiator, war.target)
    out: dict[int, dict[str, tuple]] = {}
    for rep, group in rows.groupby("rep"):
        sides = {war.initiator: 1, war.target: 2}
        entered: dict[str, tuple] = {}
        for actor, target, t, kind in zip(group["actor"], group["target"], pd.to_numeric(group["t"]), group["kind"]):
            if (actor in sides) != (target in sides):
                known, other = (actor, target) if actor in sides else (target, actor)
                sides[other] = 3 - sides[known]
                entered[other] = (sides[other], float(t), kind == Kind.JOIN and other == actor and target in pair)
        out[int(rep)] = entered
    return out


def conditional(result, war: War, horizon: float, level: int = WAR_LEVEL) -> dict[str, float]:
    """Per candidate, the conditional Monte Carlo estimate of the simulator's chance that it joins
    (:mod:`sim.model.ledger`): over the replications of `result` (run with `hazards`), the mean of
    its chances of joining the war by the joining decision over the intervals it was free to, up to
    its entry (or `horizon`), plus 1 when it entered by another route (attacked by a party, its own
    attack or claim, a treaty's call): the compensator of the decision's entries and the indicator
    of the others, whose sum has the expectation of the share's 0/1, with far less variance. Capped
    at 1 (a mean above 1 comes of a few runs with high hazards and another route)."""
    return _capped(_compensators(result, war, horizon, level))[0]


def conditional_sides(result, war: War, horizon: float, level: int = WAR_LEVEL) -> dict[str, tuple[float, float]]:
    """Per candidate, :func:`conditional`'s estimate for each side: (the first initiator's side,
    the first target's), each the mean of that side's compensator (:meth:`HazardLedger.joining_side`)
    plus 1 when the state entered that side by another route; each capped at 1. The two add up to
    :func:`conditional`'s (before the caps)."""
    return _capped(_compensators(result, war, horizon, level))[1]


def _capped(means: dict[str, tuple[float, float, float]]) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
    """:func:`conditional`'s and :func:`conditional_sides`'s estimates from :func:`_compensators`'s means."""
    return ({s: min(total, 1.0) for s, (total, _, _) in means.items()},
            {s: (min(one, 1.0), min(two, 1.0)) for s, (_, one, two) in means.items()})


def _compensators(result, war: War, horizon: float, level: int,
                  per_rep: dict[int, dict[str, tuple]] | None = None) -> dict[str, tuple[float, float, float]]:
    """Per candidate, the means over replications of its compensator of joining (either side, the
    initiator's side, the target's), each plus 1 for an entry by another route (on the side it took).
    `per_rep`: the runs' :func:`entries` at `level` up to `horizon`, when already read."""
    if per_rep is None:
        per_rep = entries(result.frame("events"), war, horizon, level)
    sums: dict[str, np.ndarray] = {}
    for rep in result.replications:
        ledger = rep.hazards
        entered = per_rep.get(rep.rep, {})
        key = next((k for k in ((war.initiator, war.target), (war.target, war.initiator)) if k in ledger.join_times),
                   (war.initiator, war.target))
        initiator_first = key[0] == war.initiator
        for k, state in enumerate(ledger.ids):
            if state in (war.initiator, war.target):
                continue
            side, t, by_decision = entered.get(state, (0, horizon, True))
            first, second = ledger.joining_side(key, k, t, 0), ledger.joining_side(key, k, t, 1)
            one, two = (first, second) if initiator_first else (second, first)
            other_route = 0.0 if by_decision else 1.0
            value = np.array([ledger.joining(key, k, t) + other_route,
                              one + (other_route if side == 1 else 0.0), two + (other_route if side == 2 else 0.0)])
            sums[state] = sums[state] + value if state in sums else value
    count = len(result.replications)
    return {s: (float(v[0]) / count, float(v[1]) / count, float(v[2]) / count) for s, v in sums.items()}


def simulate_war(war: War, replications: int, seed: int, overrides=None, levels=(WAR_LEVEL,),
                 pacts: str = "dyads", hold: bool = False, point=None) -> dict:
    """Run one war; per join level, per candidate: how many replications it joined in (`counts`)
    and how many of them on the initiator's side (`side1`).

    The war's seed is the child of `seed` keyed by its number, so a war's forecast does not
    depend on which other wars run, nor on the number of workers. `point`: a design point
    (:func:`war_scenario`).
    """
    scenario = war_scenario(war, overrides, pacts, hold, point)
    war_seed = int(np.random.SeedSequence(seed, spawn_key=(war.warnum,)).generate_state(1, np.uint32)[0])
    start = time.process_time()
    result = run(scenario, replications=replications, seed=war_seed, hazards=war.horizon_days)
    events = result.frame("events")
    candidates = [s for s in scenario.states if s not in (war.initiator, war.target)]
    counts, side1 = {}, {}
    at_war = entries(events, war, war.horizon_days, WAR_LEVEL)  # read once: the counts, the timing and the cmc's
    for level in levels:
        read = at_war if level == WAR_LEVEL else entries(events, war, war.horizon_days, level)
        per_rep = _sides(read)
        counts[level] = {s: sum(s in rep for rep in per_rep.values()) for s in candidates}
        side1[level] = {s: sum(rep.get(s) == 1 for rep in per_rep.values()) for s in candidates}
    timing: dict[str, list[float]] = {}  # each candidate's day of entry in every run it entered (at the war rung)
    for entered in at_war.values():
        for state, (_, day, _) in entered.items():
            if state in candidates:
                timing.setdefault(state, []).append(day)
    ended = result.frame("summary")[f"t_end_{war.initiator}_{war.target}"]
    cmc, cmc_sides = {}, {}
    if WAR_LEVEL in levels:
        cmc[WAR_LEVEL], cmc_sides[WAR_LEVEL] = _capped(_compensators(result, war, war.horizon_days, WAR_LEVEL, at_war))
    return {"warnum": war.warnum, "candidates": candidates, "counts": counts, "side1": side1, "seed": war_seed,
            "cmc": cmc, "cmc_sides": cmc_sides, "entry_days": timing,
            "features": candidate_features(war, scenario), "cpu_seconds": time.process_time() - start,
            "durations": [float(t) for t in pd.to_numeric(ended, errors="coerce")],
            "run_days": scenario.horizon_days}


def candidate_features(war: War, scenario) -> dict[str, tuple]:
    """Per candidate, from the world alone: (km from its capital to the nearer of the pair's,
    defence or offence tie with the initiator, with the target, COW major power)."""
    ids = list(scenario.states)
    lat = np.array([scenario.states[s].lat for s in ids])
    lon = np.array([scenario.states[s].lon for s in ids])
    pair = [ids.index(war.initiator), ids.index(war.target)]
    km = great_circle_km(lat, lon, lat[pair], lon[pair]).min(axis=1)
    allies: dict[str, set[str]] = {war.initiator: set(), war.target: set()}
    for pact in scenario.alliances.values():
        if pact is not None and STRONG & {pact.type, *pact.clauses}:
            for party in allies:
                if party in pact.members:
                    allies[party].update(pact.members)
    big = majors(war.onset)
    return {s: (float(km[k]), int(s in allies[war.initiator]), int(s in allies[war.target]), int(s in big))
            for k, s in enumerate(ids) if s not in (war.initiator, war.target)}


def _task(args):
    return simulate_war(*args)


def forecast(wars: list[War], replications: int = 20, seed: int = 0, workers: int | None = 1, overrides=None,
             levels=(WAR_LEVEL,), progress=None, pacts: str = "dyads", war_overrides=None,
             hold: bool = False) -> list[dict]:
    """Simulate every war (longest first across `workers` processes); results in war order.
    `war_overrides` maps a war's number to further `--set` overrides for it alone."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(wars)))
    extra = war_overrides or {}
    tasks = [(w, replications, seed, [*(overrides or []), *extra.get(w.warnum, [])] or None, tuple(levels), pacts,
              hold) for w in
             sorted(wars, key=lambda w: -w.horizon_days * (w.onset - 1700))]
    if workers <= 1:
        results = []
        for task in tasks:
            results.append(_task(task))
            progress and progress()
    else:
        context = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(workers, mp_context=context) as pool:
            results = []
            for result in pool.map(_task, tasks):
                results.append(result)
                progress and progress()
    return sorted(results, key=lambda r: r["warnum"])


def climatology(wars: list[War]) -> dict[int, float]:
    """Per war, the base rate of joining among the candidates of all *other* wars (leave one out).

    Candidates of a war are the members of its onset year other than the scripted pair; joiners
    are its other participants. Computed from the data of all 93 wars, whichever are simulated.
    """
    members: dict[int, int] = {}
    for row in read_table("cow_state_years"):
        members[int(row["year"])] = members.get(int(row["year"]), 0) + 1
    joins = {w.warnum: len(w.sides) - 2 for w in wars}
    candidates = {w.warnum: members[w.onset] - 2 for w in wars}
    total_j, total_c = sum(joins.values()), sum(candidates.values())
    return {n: (total_j - joins[n]) / (total_c - candidates[n]) for n in joins}
