"""Hostile inputs for the commands of worlds of any year (`world`, `validation`, `peacetime`) and
for model v2's parameter blocks (`parameters.motives`, `parameters.termination`, the new
perception fields): bad years and war numbers (the held-out ones included), out-of-range and
non-finite parameters through `--set` and in scenario files, and output folders that are files or
not results. Every case is refused before any replication runs.
"""

from __future__ import annotations

from hostile.case import Case

__all__ = ["command_cases", "v2_parameter_cases"]

_NOT_RESULT = {"notres/thesis.tex": "x"}
_FILE = {"afile": "x"}

_WORLD = {
    "year-late": ["--year", "99999"], "year-negative": ["--year", "-5"], "year-text": ["--year", "1900s"],
    "year-missing": [], "out-file": ["--year", "2000", "--out", "afile"],
    "out-not-result": ["--year", "2000", "--out", "notres", "--force"],
    "out-exists": ["--year", "2000", "--out", "notres"], "out-device": ["--year", "2000", "--out", "/dev/null", "--force"],
}
_VALIDATION = {
    "wars-text": ["--wars", "abc"], "wars-held-out-1914": ["--wars", "106"], "wars-held-out-1939": ["--wars", "1,139"],
    "wars-unknown": ["--wars", "99999"], "wars-negative": ["--wars", "-3"], "reps-zero": ["--reps", "0"],
    "seed-negative": ["--seed", "-1"], "workers-negative": ["--workers", "-2"],
    "set-inf": ["--wars", "1", "--set", "parameters.decision.war_cost=.inf"],
    "set-nan-v2": ["--wars", "1", "--set", "parameters.motives.odb=.nan"],
    "set-range-v2": ["--wars", "1", "--set", "parameters.termination.rate=2"],
    "set-unknown": ["--wars", "1", "--set", "parameters.motives.greed=1"],
    "out-file": ["--wars", "1", "--out", "afile"], "out-not-result": ["--wars", "1", "--out", "notres", "--force"],
}
_PEACETIME = {
    "years-held-out-1914": ["--years", "1914"], "years-held-out-1939": ["--years", "1900,1941"],
    "years-text": ["--years", "abc"], "years-early": ["--years", "1700"], "years-empty": ["--years", ","],
    "reps-zero": ["--reps", "0"], "seed-negative": ["--seed", "-1"],
    "set-bias-range": ["--years", "1900", "--set", "parameters.perception.hostility_bias=5"],
    "set-bool-v2": ["--years", "1900", "--set", "parameters.motives.stake_weight=true"],
    "set-inf-v2": ["--years", "1900", "--set", "parameters.termination.learning_days=.inf"],
    "out-file": ["--years", "1900", "--out", "afile"],
    "out-not-result": ["--years", "1900", "--out", "notres", "--force"],
}


def command_cases() -> list[Case]:
    """`world`, `validation` and `peacetime` with bad options or output folders (exit 2)."""
    cases = []
    for command, options in (("world", _WORLD), ("validation", _VALIDATION), ("peacetime", _PEACETIME)):
        for name, extra in options.items():
            cases.append(Case(f"{command}-{name}", [command, *extra], {**_NOT_RESULT, **_FILE}))
    return cases


_V2 = {  # a model v2 parameter -> values it must refuse (non-finite, booleans, out of its bounds)
    "motives.stake_weight": [".nan", "true", "-1", "1.0e+9"],
    "motives.csf_exponent": ["0", ".inf", "50"],
    "motives.optimism": ["-0.1", "1.0e+6"],
    "motives.odb": ["1.5", ".nan"],
    "motives.first_strike": ["-.inf", "1.0e+300"],
    "motives.war_fixed_cost": ["abc", "1e400"],
    "motives.nuclear_shadow": ["2"],
    "motives.world_claims": ["maybe"],
    "termination.step_days": ["0", "1000"],
    "termination.rate": ["0", "5"],
    "termination.sd": [".nan", "3"],
    "termination.burden": ["0", "1.0e+5"],
    "termination.horizon_days": ["-1", "1.0e+9"],
    "termination.learning_days": ["0.01", ".inf"],
    "termination.capitulation": ["0", "1.1"],
    "termination.exhaustion": ["-2"],
    "termination.security_stake": ["7"],
    "termination.truce_level": ["5", "2.5", "true"],
    "perception.hostility_bias": ["-2", ".nan"],
    "perception.standing_weight": ["1.5", "false"],
}


def v2_parameter_cases(scenario: str) -> list[Case]:
    """Model v2's parameters written into a scenario file with values their bounds refuse."""
    cases = []
    for path, values in _V2.items():
        section, field = path.split(".")
        for k, value in enumerate(values):
            text = scenario.replace("parameters:\n", f"parameters:\n  {section}: {{{field}: {value}}}\n", 1)
            if section == "perception":
                text = scenario.replace("perception: {", f"perception: {{{field}: {value}, ", 1)
            cases.append(Case(f"scenario-v2-{section}-{field}-{k}", ["validate", "s.yaml"], {"s.yaml": text}))
    return cases
