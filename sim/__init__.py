"""Alliance escalation simulator: how tension and war spread between states through alliances.

The public API, for scripts and notebooks::

    import sim
    scenario = sim.load_scenario("scenarios/baseline_2022.yaml", overrides={"parameters.decision.temperature": 0.4})
    result = sim.run(scenario, replications=50, seed=1, workers=2)
    result.summary            # a pandas DataFrame (with pandas installed)
    result.write("results/my_run")
    run = sim.read_run("results/my_run")   # its tables back, typed: run.events, run.summary, ...
    table = sim.sweep("scenarios/quad_defence_pact.yaml", parameters={"alliances.QUAD.reliability": [0.5, 1.0]})
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "Scenario", "load_scenario", "run", "Result", "replication_seeds", "run_replication",
    "sweep", "read_run", "read_table", "RunTables", "DTYPES", "InputErrors", "__version__",
]

_LAZY = {
    "Scenario": ("sim.scenario.schema", "Scenario"),
    "load_scenario": ("sim.scenario.loading", "load_scenario"),
    "run": ("sim.execution.runner", "run"),
    "Result": ("sim.execution.runner", "Result"),
    "replication_seeds": ("sim.execution.runner", "replication_seeds"),
    "run_replication": ("sim.execution.runner", "run_replication"),
    "sweep": ("sim.sweeps.api", "sweep"),
    "read_run": ("sim.execution.results", "read_run"),
    "read_table": ("sim.execution.results", "read_table"),
    "RunTables": ("sim.execution.results", "RunTables"),
    "DTYPES": ("sim.engine.tables", "DTYPES"),
    "InputErrors": ("sim.scenario.errors", "InputErrors"),
}


def __getattr__(name: str):
    """Import public names on first use, so `import sim` does no work (and no optional imports)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    import importlib

    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
