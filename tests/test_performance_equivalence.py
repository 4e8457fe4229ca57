"""The optimised engine functions give exactly what the plain expressions they replaced give.

Every comparison is bitwise, because a replication must not change by one ulp when the engine
gets faster (the compiled kernel is checked against its plain Python in test_kernel.py). No
timing here: speed is measured by `python benchmarks/run.py`.
"""

from __future__ import annotations

import pytest

from sim.engine.simulation import Setup
from sim.execution.runner import run, run_to_folder
from sim.model.decision import level_costs


def test_precomputed_level_costs_are_the_scalar_costs(tiny_scenario):
    setup = Setup(tiny_scenario)
    s, p, n = setup.structure, setup.params.decision, setup.world.n
    for i in range(n):
        for j in range(n):
            want = level_costs(p, s.caps.deterred[i, j], s.umbrella[j], s.bond[i, j],
                               setup.params.motives.war_fixed_cost, setup.params.nuclear.retaliation)
            got = (*s.costs[:5], s.costs[5][i, j], s.costs[6][i, j], s.costs[7][i, j])
            assert [float(x) for x in got] == [float(x) for x in want]


@pytest.mark.parametrize("workers", [1, 2])
def test_csv_text_from_workers_equals_the_rows_written_in_memory(tiny_scenario, tmp_path, workers):
    """run_to_folder (workers render CSV text) writes what Result.write (rows) writes."""
    streamed, _ = run_to_folder(tiny_scenario, tmp_path / "streamed", replications=4, seed=3, workers=workers,
                                horizon=120)
    kept = run(tiny_scenario, replications=4, seed=3, horizon=120).write(tmp_path / "kept")
    for table in ("summary", "events", "tension", "states"):
        assert (streamed / f"{table}.csv").read_bytes() == (kept / f"{table}.csv").read_bytes()


def test_text_rendered_directly_equals_formatted_rows():
    """Recorder.text (the workers' path) is format_row of every row, watched dyads included."""
    from pathlib import Path

    from sim.engine.simulation import simulate
    from sim.engine.tables import TABLES, format_row
    from sim.scenario.loading import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / "taiwan_strait_war.yaml")
    assert scenario.watch.dyads
    rec = simulate(Setup(scenario), seed=5, horizon=90)
    rows = {"summary": [tuple(rec.summary(3, 5).values())], "events": list(rec.event_rows(3)),
            "tension": list(rec.tension_rows(3)), "states": list(rec.state_rows(3))}
    text = rec.text(3, 5)
    assert len(rows["events"]) > 25 and rows["tension"][0][1] == 0  # day 0 is an int in SimPy
    for table in TABLES:
        assert text[table] == "".join(map(format_row, rows[table])), table


def test_tension_rows_made_as_read_are_the_rows_of_every_sample():
    """A replication keeps its tension samples, not tuples (`TensionRows`): read in order, by index
    (negative too), by slice and after pickling, they are every state at every sample, then the
    watched dyads, with the values sampled."""
    import pickle
    from pathlib import Path

    from sim.engine.simulation import simulate
    from sim.execution.replication import run_replication
    from sim.scenario.loading import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / "taiwan_strait_war.yaml")
    setup = Setup(scenario)
    rec = simulate(setup, seed=5, horizon=90)
    names = rec.ids + [f"{rec.ids[a]}-{rec.ids[b]}" for a, b in rec.dyads]
    want = [(2, t, name, value) for t, tension, dyads in rec.samples
            for name, value in zip(names, [float(x) for x in tension] + dyads)]
    rows = rec.tension_rows(2)
    assert len(want) == len(rows) > len(names) > len(rec.ids) and list(rows) == want and rows == want
    assert [rows[k] for k in range(len(rows))] == want and rows[-1] == want[-1] and rows[3:40:7] == want[3:40:7]
    with pytest.raises(IndexError):
        rows[len(want)]
    assert list(pickle.loads(pickle.dumps(rows))) == want and rows != want[:-1]
    assert list(run_replication(setup, 2, 5, horizon=90).tension) == want


def test_optimism_of_one_chance_is_the_array_rule_bit_for_bit():
    """`optimistic` on a float (a war's reckoning) gives the float the array rule gives, 0 and 1 kept."""
    import numpy as np

    from sim.model.motives import optimistic

    rng = np.random.default_rng(4)
    for p in [0.0, 1.0, 0.5, 1e-300, 1.0 - 1e-16, *rng.random(2000).tolist()]:
        for bias in (0.0, 0.3, -0.7, 2.5, -30.0, 40.0):
            got, want = optimistic(p, bias), optimistic(np.array(p), bias)
            assert isinstance(got, float) and got == float(want), (p, bias)
    assert optimistic(0.0, 2.0) == 0.0 and optimistic(1.0, -2.0) == 1.0


def test_a_wars_end_rederives_only_its_cells_and_leaves_what_a_full_pass_leaves():
    """Motives.resolve rewrites gain and aim in the two cells whose stake and optimism changed; a
    full pass over every cell (what it did before) gives the same matrices bit for bit."""
    import numpy as np

    from sim.scenario.loading import load_scenario

    setup = Setup(load_scenario("scenarios/baseline_2022.yaml"))
    rng = np.random.default_rng(7)
    n = setup.world.n
    fast = setup.motives.copy()
    fast.stake[...] = rng.random((n, n)) * (rng.random((n, n)) < 0.3)  # claims on some dyads
    fast._derive()
    full = fast.copy()
    for a, b, share in [(3, 7, 0.4), (7, 3, 1.0), (10, 20, 0.0), (0, n - 1, 0.25)]:
        fast.resolve(a, b, share, "settlement")
        full.stake[a, b] = full.stake[a, b] * (1.0 - share)
        full.sober[a, b] = full.sober[b, a] = True
        full._derive()
        for name in ("gain", "aim", "preempt"):
            assert getattr(fast, name).tobytes() == getattr(full, name).tobytes(), name


def test_the_joining_setting_read_once_is_the_one_each_replication_would_read():
    """The Setup's joining setting, used by every replication that starts from it, holds the same
    arrays as the setting a replication reads for itself; a changed power or pact set is not served."""
    import numpy as np

    from sim.engine.simulation import Simulation
    from sim.model.joining import setting
    from sim.scenario.loading import load_scenario

    setup = Setup(load_scenario("scenarios/baseline_2022.yaml"))
    sim = Simulation(setup, 1, horizon=1)
    own = setting(sim.world, sim.pacts, sim.scenario, sim.forces.power)
    once = setup.joining
    assert once is not None and once.holds_for(sim.world, sim.pacts, sim.scenario, sim.forces.power)
    for name in ("major", "rival", "regime", "log_km", "owes"):
        assert getattr(once, name).tobytes() == getattr(own, name).tobytes(), name
    assert not once.holds_for(sim.world, sim.pacts[1:], sim.scenario, sim.forces.power)
    assert not once.holds_for(sim.world, sim.pacts, sim.scenario, np.where(np.arange(sim.world.n) == 0, 0.0,
                                                                            sim.forces.power))
