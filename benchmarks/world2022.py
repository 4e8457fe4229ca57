"""The 2022 world's headline figures (docs/scenarios.md, "The 2022 world: who joins"), in one run.

    python3 benchmarks/world2022.py                 # 100 replications each, seed 2022: Markdown
    python3 benchmarks/world2022.py --reps 1000     # the same with more replications

Four runs of the shipped scenarios on the current defaults, each counted from its `events` table
(a count is the number of replications in which the thing happened):

- `baseline_2022`: the replications in which a third state joins the Russia-Ukraine war, by state
  and side; the great-power wars, any posture of 5 or more not set by the scenario between two of
  the world's major powers (3% or more of its power); every unscripted armed attack
  (`use_of_force` at rung 5 or more) by directed pair;
- `russia_attacks_estonia`: the NATO allies that join against Russia (the USA against the median
  ally, the issue's target), and the states that take Russia's side;
- `taiwan_invasion` and `taiwan_strait_war` without their holds (`hold_days=0`): the USA and Japan
  joining against China, with the strike on Okinawa (Japanese soil) and without it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.engine.simulation import Setup  # noqa: E402
from sim.execution.runner import run  # noqa: E402
from sim.scenario.loading import load_scenario  # noqa: E402

MAJOR_SHARE = 0.03  # a major power: 3% or more of the world's power
NO_HOLD = {"taiwan_invasion": ["timeline.25.hold_days=0"],
           "taiwan_strait_war": ["timeline.25.hold_days=0", "timeline.26.hold_days=0"]}


def events(name: str, reps: int, seed: int, sets: list[str] | None = None) -> tuple[pd.DataFrame, object]:
    """The events of `reps` replications of a shipped scenario, and its world."""
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml", sets or [])
    return run(scenario, replications=reps, seed=seed, workers=1).frame("events"), Setup(scenario).world


def runs(frame: pd.DataFrame) -> int:
    return int(frame["rep"].nunique())


def by_pair(frame: pd.DataFrame, top: int = 12) -> str:
    """'A-B n' for the pairs in most replications."""
    counts = frame.groupby(["actor", "target"])["rep"].nunique().sort_values(ascending=False, kind="stable")
    return ", ".join(f"{a}-{b} {n}" for (a, b), n in counts.head(top).items()) or "none"


def baseline(reps: int, seed: int) -> list[str]:
    e, world = events("baseline_2022", reps, seed)
    share = world.power / world.power.sum()
    majors = {world.ids[i] for i in np.flatnonzero(share >= MAJOR_SHARE)}
    joins = e[e["kind"] == "join"]
    ukraine = joins[joins["target"].isin(["RUS", "UKR"])]
    unscripted = e[~e["kind"].str.startswith("scenario.") & (e["level"] >= 5)]
    great = unscripted[unscripted["actor"].isin(majors) & unscripted["target"].isin(majors)]
    pairs = great.assign(pair=["-".join(sorted(p)) for p in zip(great["actor"], great["target"])])
    attacks = e[(e["kind"] == "use_of_force") & (e["level"] >= 5)]
    return [f"**baseline_2022** ({reps} replications, seed {seed}; major powers: {', '.join(sorted(majors))})",
            f"- a third state joins the Russia-Ukraine war in {runs(ukraine)} runs; "
            f"against Russia: {by_pair(ukraine[ukraine['target'] == 'RUS'])}; "
            f"on Russia's side: {by_pair(ukraine[ukraine['target'] == 'UKR'])}",
            f"- great powers at war with each other (rung 5+, not scripted) in {runs(great)} runs: "
            + (", ".join(f"{p} {n}" for p, n in pairs.groupby("pair")["rep"].nunique()
                         .sort_values(ascending=False, kind="stable").items()) or "none"),
            f"- unscripted armed attacks in {runs(attacks)} runs ({len(attacks) / reps:.2f} per run): {by_pair(attacks)}"]


def estonia(reps: int, seed: int) -> list[str]:
    e, world = events("russia_attacks_estonia", reps, seed)
    nato = next(p for p in world.pacts if p.id == "NATO")
    allies = [world.ids[i] for i in nato.members if world.ids[i] != "EST"]
    joins = e[e["kind"] == "join"]
    against = joins[joins["target"] == "RUS"].groupby("actor")["rep"].nunique().reindex(allies, fill_value=0)
    top = ", ".join(f"{a} {n}" for a, n in against.sort_values(ascending=False, kind="stable").head(8).items())
    russia_side = joins[joins["target"].isin(["EST", "UKR"] + allies)]
    return [f"**russia_attacks_estonia** ({reps} replications)",
            f"- the USA joins against Russia in {int(against['USA'])} runs; the median of the "
            f"{len(allies)} allies in {float(against.median()):g} (top: {top})",
            f"- on Russia's side: {by_pair(russia_side)}"]


def taiwan(reps: int, seed: int) -> list[str]:
    out = [f"**Taiwan without the holds** ({reps} replications each)"]
    for name in ("taiwan_invasion", "taiwan_strait_war"):
        e, _ = events(name, reps, seed, NO_HOLD[name])
        joins = e[(e["kind"] == "join") & (e["target"] == "CHN")]
        count = joins.groupby("actor")["rep"].nunique()
        out.append(f"- `{name}`: the USA joins against China in {int(count.get('USA', 0))} runs, Japan in "
                   f"{int(count.get('JPN', 0))}; all joiners against China: {by_pair(joins)}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args(argv)
    for block in (baseline, estonia, taiwan):
        print("\n".join(block(args.reps, args.seed)) + "\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
