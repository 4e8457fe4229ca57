"""What each shipped what-if changes against baseline_2022, paired by replication.

    python3 benchmarks/whatif_effects.py          # prints the Markdown table of docs/scenarios.md

For each what-if: the mean level of the states' own decisions, answers in peacetime (`answer`
events), unscripted uses of force (the fitted hazard's `use_of_force` events, armed attacks and
incidents below war, and decisions reaching level 5+ under the expected-utility rule), entries
into a war under way (`entry` and the joining decision's `join`) and mean tension, each as the
mean paired difference from the baseline (for a stress test: from its parent what-if) with a
Wilcoxon signed-rank p-value (scipy.stats).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.execution.runner import run  # noqa: E402
from sim.scenario.loading import load_scenario  # noqa: E402

WHAT_IFS = ("aukus_submarines", "finland_sweden_join_nato", "global_nato", "hawaii_strike",
            "nato_strategic_concept_china", "quad_defence_pact", "quad_expansion", "russia_attacks_estonia",
            "taiwan_strait_blockade", "taiwan_strait_war")
STRESS_TESTS = (("nato_china_then_taiwan_war", "nato_strategic_concept_china"),
                ("quad_pact_then_taiwan_war", "quad_defence_pact"),
                ("global_nato_then_taiwan_war", "global_nato"))
MEASURES = ("level", "answers", "force", "entries", "tension")


def measures(name: str, reps: int = 60, seed: int = 2022) -> dict[str, np.ndarray]:
    """Per-replication measures of one shipped scenario."""
    result = run(load_scenario(ROOT / "scenarios" / f"{name}.yaml"), replications=reps, seed=seed, workers=1)
    summary, events = result.frame("summary"), result.frame("events")

    def per_rep(frame):
        return frame.reindex(summary.rep, fill_value=0).to_numpy()

    decided = events[events.kind.isin(["escalate", "deescalate"])]
    return {"level": per_rep(decided.groupby("rep")["level"].mean()),
            "answers": per_rep(events[events.kind == "answer"].groupby("rep").size()),
            # unscripted uses of force: the fitted hazard's draws (armed or not), and any decision reaching
            # rung 5 by itself (the expected-utility rule's clashes; none under the hazard, which caps them)
            "force": per_rep(events[(events.kind == "use_of_force") | ((events.level >= 5) & (events.kind == "escalate"))]
                             .groupby("rep").size()),
            # entries into a war under way: a pact's honouring ally (`entry`) or the fitted joining decision (`join`)
            "entries": per_rep(events[events.kind.isin(["entry", "join"])].groupby("rep").size()),
            "tension": summary.mean_tension.to_numpy()}


def cell(diff: np.ndarray) -> str:
    """Mean paired difference and its Wilcoxon p-value (1 when nothing differs)."""
    p = stats.wilcoxon(diff).pvalue if np.any(diff != 0) else 1.0
    return f"{diff.mean():+.3g} (p={p:.2g})"


def main() -> None:
    done = {"baseline_2022": measures("baseline_2022")}
    print("| what-if | against | mean decided level | answers | unscripted uses of force | war entries | mean tension |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, reference in [(w, "baseline_2022") for w in WHAT_IFS] + list(STRESS_TESTS):
        m = done[name] = done.get(name) or measures(name)
        base = done[reference]
        print("| " + " | ".join([name, reference] + [cell(m[k] - base[k]) for k in MEASURES]) + " |", flush=True)


if __name__ == "__main__":
    main()
