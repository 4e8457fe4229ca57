"""Hostile inputs for what the last phase added: parameter files and ensembles, calibration (spec
files, options, `--rescore` folders), validation, sensitivity, peacetime and backtest options,
worlds of any year (`cow_YYYY`), claims, deployments, guarantees, `scenarios --dir` and damaged
result tables for `plot`.

Each case is refused before any work (exit 2, or 1 for the environment), names where the problem
is (`where`: a text the error must contain, e.g. the file and line), and leaves no output folder.
"""

from __future__ import annotations

from hostile.case import Case
from hostile.corpus import SCENARIO

__all__ = ["NEW_CASES", "PARAMETERS", "ENSEMBLE", "SPEC"]

PARAMETERS = """\
parameters:
  decision:
    war_cost: 3.0
    temperature: 0.4
"""

ENSEMBLE = """\
set,parameters.decision.war_cost,parameters.decision.temperature
0,3.0,0.3
1,4.0,0.4
"""

SPEC = """\
parameters:
  parameters.decision.war_cost: [1, 10]
wars: '1,4'
points: 2
reps: 1
folds: '2'
"""

_BOMB = "".join(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}" if i else "x"] * 9) + "]\n" for i in range(9))


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# --- parameter files (run --parameters) ----------------------------------------------------

def _parameter_file_cases() -> list[Case]:
    texts: dict[str, tuple[str | bytes, str]] = {  # name -> (file text, where the error must point)
        "duplicate-top": (PARAMETERS + "parameters:\n  decision: {war_cost: 1.0}\n", "p.yaml:5"),
        "duplicate-group": ("parameters:\n  decision: {war_cost: 3.0}\n  decision: {temperature: 0.4}\n", "p.yaml:3"),
        "duplicate-leaf": (PARAMETERS + "    war_cost: 4.0\n", "p.yaml:5"),
        "binary": (bytes(range(256)) * 4, "p.yaml"),
        "utf16": (PARAMETERS.encode("utf-16"), "p.yaml"),
        "latin1": (("# r\xe9glage\n" + PARAMETERS).encode("latin-1"), "p.yaml:1"),
        "empty": ("", "p.yaml"),
        "top-list": ("- 1\n- 2\n", "p.yaml"),
        "top-scalar": ("3\n", "p.yaml"),
        "parameters-list": ("parameters: [1, 2]\n", "p.yaml:1"),
        "parameters-scalar": ("parameters: 3\n", "p.yaml:1"),
        "parameters-null": ("parameters:\n", "p.yaml"),
        "extra-top-key": (PARAMETERS + "seed: 4\n", "p.yaml:5"),
        "wrong-top-key": ("params:\n  decision: {war_cost: 3.0}\n", "p.yaml:1"),
        "group-list": ("parameters:\n  decision: [1, 2]\n", "p.yaml:2"),
        "unknown-group": ("parameters:\n  decison: {war_cost: 3.0}\n", "p.yaml:2"),
        "unknown-field": ("parameters:\n  decision: {war_cots: 3.0}\n", "p.yaml:2"),
        "nan": (_replace(PARAMETERS, "3.0", ".nan"), "p.yaml:3"),
        "inf": (_replace(PARAMETERS, "3.0", ".inf"), "p.yaml:3"),
        "bool": (_replace(PARAMETERS, "3.0", "true"), "p.yaml:3"),
        "text": (_replace(PARAMETERS, "3.0", "high"), "p.yaml:3"),
        "out-of-range": (_replace(PARAMETERS, "0.4", "-1"), "p.yaml:4"),
        "null-value": (_replace(PARAMETERS, "3.0", "~"), "p.yaml:3"),
        "leaf-mapping": (_replace(PARAMETERS, "3.0", "{a: 1}"), "p.yaml:3"),
        "leaf-list": (_replace(PARAMETERS, "3.0", "[1, 2]"), "p.yaml:3"),
        "date": (_replace(PARAMETERS, "3.0", "2022-13-45"), "p.yaml:3"),
        "timestamp-tag": (_replace(PARAMETERS, "3.0", "!!timestamp x"), "p.yaml:3"),
        "python-tag": (PARAMETERS + "x: !!python/object/apply:os.system [ls]\n", "p.yaml"),
        "alias-bomb": (_BOMB + PARAMETERS, "p.yaml"),
        "recursive-alias": ("a: &a [*a]\n" + PARAMETERS, "p.yaml"),
        "control": (_replace(PARAMETERS, "decision", "deci\x07sion"), "p.yaml:2"),
        "truncated": (PARAMETERS[:30], "p.yaml"),
        "tab-indent": (_replace(PARAMETERS, "    war_cost", "\twar_cost"), "p.yaml:3"),
        "big": ("# padding\n" * 120_000 + PARAMETERS, "p.yaml"),
        "parameters-empty": ("parameters: {}\n", "p.yaml:1"),
        "group-empty": ("parameters:\n  decision: {}\n", "p.yaml:2"),
        "world-inside": ("parameters:\n  decision: {war_cost: 3.0}\n  world: world_2022\n", "p.yaml:3"),
    }
    run = ["run", "s.yaml", "--parameters", "p.yaml", "--out", "o", "--quiet"]
    cases = [Case(f"parameters-{name}", run, {"s.yaml": SCENARIO, "p.yaml": text}, where=where)
             for name, (text, where) in texts.items()]
    cases += [
        Case("parameters-missing", ["run", "s.yaml", "--parameters", "none.yaml", "--out", "o"], {"s.yaml": SCENARIO},
             where="none.yaml"),
        Case("parameters-dir", ["run", "s.yaml", "--parameters", "d", "--out", "o"], {"s.yaml": SCENARIO, "d/x": ""},
             where="d"),
        Case("parameters-nul-path", ["run", "s.yaml", "--parameters", "p\x00.yaml", "--out", "o"],
             {"s.yaml": SCENARIO}),
        Case("parameters-with-bad-set", run + ["--set", "parameters.decision.war_cost=.nan"],
             {"s.yaml": SCENARIO, "p.yaml": PARAMETERS}, where="--set"),
    ]
    return cases


# --- parameter ensembles (run --parameters-ensemble) ---------------------------------------

def _ensemble_cases() -> list[Case]:
    texts: dict[str, tuple[str | bytes, str]] = {
        "binary": (bytes(range(256)) * 4, "e.csv"),
        "utf16": (ENSEMBLE.encode("utf-16"), "e.csv"),
        "latin1": (ENSEMBLE.replace("0,3.0,0.3", "0,3.0,0.3\xe9").encode("latin-1"), "e.csv:2"),
        "empty": ("", "e.csv"),
        "header-only": (ENSEMBLE.splitlines()[0] + "\n", "e.csv"),
        "no-parameter-columns": ("set,war_cost\n0,3.0\n", "e.csv"),
        "extra-cells": (ENSEMBLE + "2,3.0,0.3,9\n", "e.csv:4"),
        "short-row": (ENSEMBLE + "2,3.0\n", "e.csv:4"),
        "empty-cell": (ENSEMBLE + "2,,0.3\n", "e.csv:4"),
        "text-cell": (ENSEMBLE + "2,high,0.3\n", "e.csv:4"),
        "nan-cell": (ENSEMBLE + "2,nan,0.3\n", "e.csv:4"),
        "inf-cell": (ENSEMBLE + "2,3.0,inf\n", "e.csv:4"),
        "bool-cell": (ENSEMBLE + "2,true,0.3\n", "e.csv:4"),
        "nul": (ENSEMBLE.replace("3.0", "3\x00.0", 1), "e.csv:2"),
        "unclosed-quote": (ENSEMBLE + '2,"3.0,0.3\n', "e.csv:4"),
        "duplicate-column": ("set,parameters.decision.war_cost,parameters.decision.war_cost\n0,3.0,4.0\n", "e.csv:1"),
        "unknown-path": ("set,parameters.decision.war_cots\n0,3.0\n", "e.csv:1"),
        "bad-path": ("set,parameters..war_cost\n0,3.0\n", "e.csv:1"),
        "bool-parameter": ("set,parameters.motives.world_claims\n0,1.0\n", "e.csv:1"),
        "list-parameter": ("set,parameters.alliances.consultation_levels\n0,1.0\n", "e.csv:1"),
        "non-parameter-path": ("set,parameters.decision\n0,3.0\n", "e.csv:1"),
        "huge-field": (ENSEMBLE + "2," + "9" * 200_000 + ",0.3\n", "e.csv"),
        "blank-lines": ("\n\n\n", "e.csv"),
    }
    run = ["run", "s.yaml", "--parameters-ensemble", "e.csv", "--out", "o", "--quiet"]
    cases = [Case(f"ensemble-{name}", run, {"s.yaml": SCENARIO, "e.csv": text}, where=where)
             for name, (text, where) in texts.items()]
    cases += [Case("ensemble-missing", ["run", "s.yaml", "--parameters-ensemble", "none.csv", "--out", "o"],
                   {"s.yaml": SCENARIO}, where="none.csv"),
              Case("ensemble-dir", ["run", "s.yaml", "--parameters-ensemble", "d", "--out", "o"],
                   {"s.yaml": SCENARIO, "d/x": ""}, where="d")]
    return cases


# --- calibration: spec files, options, --rescore folders -----------------------------------

_CALIBRATE = ["calibrate", "--param", "parameters.decision.war_cost=1:10", "--wars", "1,4", "--points", "2",
              "--reps", "1", "--folds", "2", "--out", "o", "--quiet"]


def _option(argv: list[str], option: str, value: str | None) -> list[str]:
    """`argv` with `option` given `value` (replacing it where present; None removes it)."""
    out, skip = [], False
    for word in argv:
        if skip:
            skip = False
            continue
        if word == option:
            skip = True
            continue
        out.append(word)
    return out if value is None else out + [option, value]


def _spec_cases() -> list[Case]:
    texts: dict[str, tuple[str | bytes, str]] = {
        "binary": (bytes(range(256)) * 4, "c.yaml"),
        "utf16": (SPEC.encode("utf-16"), "c.yaml"),
        "latin1": (("# \xe9tude\n" + SPEC).encode("latin-1"), "c.yaml:1"),
        "top-list": ("- 1\n", "c.yaml"),
        "top-scalar": ("7\n", "c.yaml"),
        "duplicate-key": (SPEC + "points: 4\n", "c.yaml:7"),
        "duplicate-parameter": (_replace(SPEC, "[1, 10]\n", "[1, 10]\n  parameters.decision.war_cost: [2, 3]\n"),
                                "c.yaml:3"),
        "unknown-key": (SPEC + "pionts: 4\n", "c.yaml:7"),
        "parameters-list": (_replace(SPEC, "parameters:\n  parameters.decision.war_cost: [1, 10]", "parameters: [1]"),
                            "c.yaml:1"),
        "parameters-scalar": (_replace(SPEC, "parameters:\n  parameters.decision.war_cost: [1, 10]", "parameters: 4"),
                              "c.yaml:1"),
        "bounds-one": (_replace(SPEC, "[1, 10]", "[1]"), "c.yaml:2"),
        "bounds-three": (_replace(SPEC, "[1, 10]", "[1, 5, 10]"), "c.yaml:2"),
        "bounds-text": (_replace(SPEC, "[1, 10]", "[a, b]"), "c.yaml:2"),
        "bounds-mapping": (_replace(SPEC, "[1, 10]", "{low: 1, high: 10}"), "c.yaml:2"),
        "bounds-scalar": (_replace(SPEC, "[1, 10]", "5"), "c.yaml:2"),
        "bounds-reversed": (_replace(SPEC, "[1, 10]", "[10, 1]"), "c.yaml:2"),
        "bounds-nan": (_replace(SPEC, "[1, 10]", "[.nan, 1]"), "c.yaml:2"),
        "bounds-inf": (_replace(SPEC, "[1, 10]", "[1, .inf]"), "c.yaml:2"),
        "unknown-parameter": (_replace(SPEC, "war_cost", "war_cots"), "c.yaml:2"),
        "points-text": (_replace(SPEC, "points: 2", "points: many"), "c.yaml:4"),
        "points-float": (_replace(SPEC, "points: 2", "points: 2.5"), "c.yaml:4"),
        "points-huge": (_replace(SPEC, "points: 2", "points: 100000000"), "c.yaml:4"),
        "reps-zero": (_replace(SPEC, "reps: 1", "reps: 0"), "c.yaml:5"),
        "cutoff-nan": (SPEC + "cutoff: .nan\n", "c.yaml:7"),
        "cutoff-negative": (SPEC + "cutoff: -1\n", "c.yaml:7"),
        "discrepancy-inf": (SPEC + "discrepancy: .inf\n", "c.yaml:7"),
        "discrepancy-text": (SPEC + "discrepancy: some\n", "c.yaml:7"),
        "folds-too-many": (_replace(SPEC, "folds: '2'", "folds: '9'"), "c.yaml:6"),
        "folds-list": (_replace(SPEC, "folds: '2'", "folds: [1, 2]"), "c.yaml:6"),
        "wars-empty": (_replace(SPEC, "wars: '1,4'", "wars: ''"), "c.yaml:3"),
        "wars-held-out": (_replace(SPEC, "wars: '1,4'", "wars: '1,106'"), "c.yaml:3"),
        "wars-list": (_replace(SPEC, "wars: '1,4'", "wars: [1, 4]"), "c.yaml:3"),
        "seed-negative": (SPEC + "seed: -1\n", "c.yaml:7"),
        "method-unknown": (SPEC + "method: grid\n", "c.yaml:7"),
        "level-unknown": (SPEC + "level: 4\n", "c.yaml:7"),
        "era-unknown": (SPEC + "era: '1800-1810'\n", "c.yaml:7"),
        "alias-bomb": (_BOMB + SPEC, "c.yaml"),
        "control": (_replace(SPEC, "points", "poi\x1bnts"), "c.yaml:4"),
        "python-tag": (SPEC + "x: !!python/object/apply:os.system [ls]\n", "c.yaml"),
        "date": (SPEC + "seed: 2022-13-45\n", "c.yaml:7"),
    }
    argv = ["calibrate", "--spec", "c.yaml", "--out", "o", "--quiet"]
    cases = [Case(f"calibrate-spec-{name}", argv, {"c.yaml": text}, where=where) for name, (text, where) in texts.items()]
    cases += [Case("calibrate-spec-missing", ["calibrate", "--spec", "none.yaml", "--out", "o"], where="none.yaml"),
              Case("calibrate-spec-dir", ["calibrate", "--spec", "d", "--out", "o"], {"d/x": ""}, where="d")]
    return cases


def _calibrate_option_cases() -> list[Case]:
    changes: dict[str, tuple[str, str | None, str]] = {  # name -> (option, value, where)
        "cutoff-nan": ("--cutoff", "nan", "--cutoff"), "cutoff-negative": ("--cutoff", "-1", "--cutoff"),
        "cutoff-inf": ("--cutoff", "inf", "--cutoff"), "cutoff-zero": ("--cutoff", "0", "--cutoff"),
        "discrepancy-negative": ("--discrepancy", "-1", "--discrepancy"),
        "discrepancy-inf": ("--discrepancy", "inf", "--discrepancy"),
        "discrepancy-nan": ("--discrepancy", "nan", "--discrepancy"),
        "folds-more-than-wars": ("--folds", "5", "--folds"), "folds-zero": ("--folds", "0", "--folds"),
        "folds-one": ("--folds", "1", "--folds"), "folds-text": ("--folds", "some", "--folds"),
        "folds-negative": ("--folds", "-2", "--folds"),
        "points-huge": ("--points", "100000000", "--points"), "points-one": ("--points", "1", "--points"),
        "points-negative": ("--points", "-4", "--points"),
        "reps-zero": ("--reps", "0", "--reps"), "reps-huge": ("--reps", "100000000", "--reps"),
        "wars-empty": ("--wars", "", "--wars"), "wars-commas": ("--wars", ",,", "--wars"),
        "wars-text": ("--wars", "one,two", "--wars"), "wars-held-out": ("--wars", "1,139", "--wars"),
        "wars-unknown": ("--wars", "1,99999", "--wars"), "wars-one": ("--wars", "1", "wars"),
        "seed-negative": ("--seed", "-1", "--seed"), "workers-negative": ("--workers", "-3", "--workers"),
        "max-runs-zero": ("--max-runs", "0", "--max-runs"),
    }
    cases = [Case(f"calibrate-{name}", _option(_CALIBRATE, option, value), where=where)
             for name, (option, value, where) in changes.items()]
    params = {
        "param-duplicate": ["--param", "parameters.decision.war_cost=2:5"],
        "param-no-range": ["--param", "parameters.decision.temperature"],
        "param-three-bounds": ["--param", "parameters.decision.temperature=0.1:0.2:0.3"],
        "param-empty-path": ["--param", "=1:2"],
        "param-unknown": ["--param", "parameters.decision.temperatur=0.1:0.5"],
        "param-group": ["--param", "parameters.decision=0.1:0.5"],
        "param-nan": ["--param", "parameters.decision.temperature=nan:0.5"],
        "param-inf": ["--param", "parameters.decision.temperature=0.1:inf"],
        "param-reversed": ["--param", "parameters.decision.temperature=0.5:0.1"],
        "param-bool": ["--param", "parameters.motives.world_claims=0:1"],
        "param-text": ["--param", "parameters.decision.temperature=low:high"],
    }
    cases += [Case(f"calibrate-{name}", _CALIBRATE + extra, where="--param") for name, extra in params.items()]
    cases += [
        Case("calibrate-default-budget-all-wars", ["calibrate", "--param", "parameters.decision.war_cost=1:10",
                                                   "--points", "4096", "--out", "o"], where="--points"),
        Case("calibrate-no-param", _option(_CALIBRATE, "--param", None), where="parameters"),
        Case("calibrate-era-no-wars", _CALIBRATE + ["--era", "1946-2003"], where="wars"),
        Case("calibrate-out-file", _option(_CALIBRATE, "--out", "afile"), {"afile": "x"}, where="afile"),
        Case("calibrate-out-not-result", _option(_CALIBRATE, "--out", "thesis") + ["--force"],
             {"thesis/thesis.tex": "x"}, where="thesis"),
    ]
    return cases


def _rescore_cases() -> list[Case]:
    argv = ["calibrate", "--rescore", "res", "--out", "o", "--quiet"]
    breaks: dict[str, dict] = {
        "meta-missing": {"meta.json": None},
        "meta-binary": {"meta.json": b"\xff\x00" * 40},
        "meta-truncated": {"meta.json": lambda t: t[: len(t) // 2]},
        "meta-list": {"meta.json": "[1, 2]"},
        "meta-no-bounds": {"meta.json": lambda t: t.replace('"bounds"', '"bnds"')},
        "meta-bounds-short": {"meta.json": lambda t: _json_set(t, "bounds", [["parameters.decision.war_cost"]])},
        "meta-bounds-text": {"meta.json": lambda t: _json_set(t, "bounds", "war_cost")},
        "meta-bounds-unknown": {"meta.json": lambda t: _json_set(t, "bounds", [["parameters.decision.x", 1, 2]])},
        "meta-bounds-nan": {"meta.json": lambda t: _json_set(t, "bounds", [["parameters.decision.war_cost", "nan", 2]])},
        "meta-wars-text": {"meta.json": lambda t: _json_set(t, "wars", ["one", "two"])},
        "meta-wars-held-out": {"meta.json": lambda t: _json_set(t, "wars", [1, 106])},
        "meta-wars-empty": {"meta.json": lambda t: _json_set(t, "wars", [])},
        "meta-replications-text": {"meta.json": lambda t: _json_set(t, "replications", "many")},
        "meta-cutoff-nan": {"meta.json": lambda t: _json_set(t, "cutoff", "nan")},
        "meta-folds-text": {"meta.json": lambda t: _json_set(t, "folds", "some")},
        "meta-method-missing": {"meta.json": lambda t: t.replace('"method"', '"mthd"')},
        "design-missing": {"design.csv": None},
        "design-binary": {"design.csv": b"\x00\xff" * 64},
        "design-empty": {"design.csv": ""},
        "design-truncated": {"design.csv": lambda t: t[: len(t) - 12]},
        "design-no-column": {"design.csv": lambda t: t.replace("parameters.decision.war_cost", "war_cost")},
        "design-text-cell": {"design.csv": lambda t: t.replace("\n0,6,", "\n0,six,", 1)},
        "design-extra-cells": {"design.csv": lambda t: t + "9,1,2,3,4,5,6,7,8,9,10\n"},
        "wars-missing": {"calibration_wars.csv": None},
        "wars-binary": {"calibration_wars.csv": b"\x89PNG\r\n" * 30},
        "wars-header-only": {"calibration_wars.csv": lambda t: t.splitlines()[0] + "\n"},
        "wars-no-column": {"calibration_wars.csv": lambda t: t.replace("sse", "ess", 1)},
        "wars-text-cell": {"calibration_wars.csv": lambda t: t.replace(",1816-1913,", ",1816-1913,x", 1)},
        "wars-truncated": {"calibration_wars.csv": lambda t: t[: len(t) - 9]},
    }
    cases = [Case(f"rescore-{name}", argv, base="calibration", mutate=m, where="res") for name, m in breaks.items()]
    cases += [
        Case("rescore-nothere", ["calibrate", "--rescore", "nothere", "--out", "o"], where="nothere"),
        Case("rescore-file", ["calibrate", "--rescore", "f.txt", "--out", "o"], {"f.txt": "x"}, where="f.txt"),
        Case("rescore-not-calibration", ["calibrate", "--rescore", "d", "--out", "o"], {"d/thesis.tex": "x"},
             where="d"),
        Case("rescore-run-folder", argv, base="run", where="res"),
        Case("rescore-cutoff-nan", argv + ["--cutoff", "nan"], base="calibration", where="--cutoff"),
        Case("rescore-discrepancy-negative", argv + ["--discrepancy", "-0.5"], base="calibration",
             where="--discrepancy"),
        Case("rescore-folds-too-many", argv + ["--folds", "7"], base="calibration", where="--folds"),
        Case("rescore-out-is-source", ["calibrate", "--rescore", "res", "--out", "res", "--quiet"],
             base="calibration", where="res"),
    ]
    return cases


def _json_set(text: str, key: str, value) -> str:
    import json

    doc = json.loads(text)
    doc[key] = value
    return json.dumps(doc)


# --- validation, sensitivity, peacetime, backtest, sweep options ---------------------------

def _command_option_cases() -> list[Case]:
    validation = ["validation", "--wars", "1,4", "--reps", "1", "--out", "o", "--quiet"]
    sensitivity = ["sensitivity", "s.yaml", "--n", "4", "--reps", "1", "--out", "o", "--quiet"]
    cases = [
        Case("validation-wars-empty", _option(validation, "--wars", ""), where="--wars"),
        Case("validation-wars-commas", _option(validation, "--wars", ",, ,"), where="--wars"),
        Case("validation-wars-space", _option(validation, "--wars", " "), where="--wars"),
        Case("validation-wars-duplicate", _option(validation, "--wars", "1,1"), where="--wars"),
        Case("validation-figure-suffix", validation + ["--figure", "out.xyz"], where="--figure"),
        Case("validation-figure-no-suffix", validation + ["--figure", "out"], where="--figure"),
        Case("validation-figure-dir", validation + ["--figure", "d"], {"d/x": ""}, where="--figure"),
        Case("validation-figure-parent-file", validation + ["--figure", "f.txt/r.png"], {"f.txt": "x"},
             where="--figure"),
        Case("validation-figure-empty", validation + ["--figure", ""], where="--figure"),
        Case("validation-reps-huge", _option(validation, "--wars", None) + ["--reps", "5000"], where="--reps"),
        Case("peacetime-reps-huge", ["peacetime", "--reps", "100000", "--out", "o"], where="--reps"),
        Case("validation-set-unknown", validation + ["--set", "parameters.decision.war_cots=2"], where="--set"),
        Case("sensitivity-metrics-unknown", sensitivity + ["--metrics", "max_levle"], {"s.yaml": SCENARIO},
             where="--metrics"),
        Case("sensitivity-metrics-empty", sensitivity + ["--metrics", ","], {"s.yaml": SCENARIO}, where="--metrics"),
        Case("sensitivity-metrics-duplicate", sensitivity + ["--metrics", "max_level,max_level"],
             {"s.yaml": SCENARIO}, where="--metrics"),
        Case("sensitivity-figure-suffix", sensitivity + ["--figure", "out.xyz"], {"s.yaml": SCENARIO},
             where="--figure"),
        Case("sensitivity-figure-parent-file", sensitivity + ["--figure", "s.yaml/f.png"], {"s.yaml": SCENARIO},
             where="--figure"),
        Case("sensitivity-param-unknown", sensitivity + ["--param", "decision.war_cots"], {"s.yaml": SCENARIO},
             where="--param"),
        Case("sensitivity-param-duplicate", sensitivity + ["--param", "decision.war_cost", "--param",
                                                           "parameters.decision.war_cost"], {"s.yaml": SCENARIO},
             where="--param"),
        Case("sensitivity-param-bool", sensitivity + ["--param", "motives.world_claims"], {"s.yaml": SCENARIO},
             where="--param"),
        Case("sensitivity-param-group", sensitivity + ["--param", "decision"], {"s.yaml": SCENARIO}, where="--param"),
        Case("sensitivity-seed-negative", sensitivity + ["--seed", "-1"], {"s.yaml": SCENARIO}, where="--seed"),
        Case("sensitivity-workers-negative", sensitivity + ["--workers", "-1"], {"s.yaml": SCENARIO},
             where="--workers"),
        Case("sensitivity-n-huge", _option(sensitivity, "--n", "1048576"), {"s.yaml": SCENARIO}, where="--n"),
        Case("sensitivity-reps-huge", _option(sensitivity, "--reps", "100000000"), {"s.yaml": SCENARIO},
             where="--reps"),
        Case("sensitivity-missing-file", ["sensitivity", "none.yaml", "--out", "o"], where="none.yaml"),
        Case("sensitivity-bad-scenario", sensitivity, {"s.yaml": _replace(SCENARIO, "seed: 3", "seed: .nan")},
             where="s.yaml:5"),
        Case("peacetime-reps-negative", ["peacetime", "--years", "1900", "--reps", "-2", "--out", "o"], where="--reps"),
        Case("peacetime-years-duplicate", ["peacetime", "--years", "1900,1900", "--out", "o"], where="--years"),
        Case("peacetime-years-one-fit", ["peacetime", "--years", "1900", "--fit", "stake_weight", "--out", "o"],
             where="--years"),
        Case("backtest-seed-negative", ["backtest", "h.yaml", "--seed", "-1", "--out", "o"], where="--seed"),
        Case("backtest-workers-negative", ["backtest", "h.yaml", "--workers", "-1", "--out", "o"], where="--workers"),
        Case("backtest-reps-huge", ["backtest", "h.yaml", "--reps", "100000000", "--out", "o"], where="--reps"),
        Case("backtest-reps-negative", ["backtest", "h.yaml", "--reps", "-3", "--out", "o"], where="--reps"),
        Case("backtest-history-utf16", ["backtest", "u.yaml", "--out", "o"],
             {"u.yaml": _HISTORY_FILES["h.yaml"].encode("utf-16")}, where="u.yaml"),
        Case("backtest-history-duplicate-key", ["backtest", "d.yaml", "--out", "o"],
             {"d.yaml": _HISTORY_FILES["h.yaml"] + "end: 2022-05-01\n"}, where="d.yaml:8"),
        Case("backtest-history-alias-bomb", ["backtest", "b.yaml", "--out", "o"],
             {"b.yaml": _BOMB + _HISTORY_FILES["h.yaml"]}, where="b.yaml"),
        Case("sweep-workers-negative", ["sweep", "w.yaml", "--workers", "-1", "--out", "o"], where="--workers"),
        Case("sweep-reps-negative", ["sweep", "w.yaml", "--reps", "-1", "--out", "o"], where="--reps"),
        Case("sweep-max-runs-negative", ["sweep", "w.yaml", "--max-runs", "-5", "--out", "o"], where="--max-runs"),
    ]
    for case in cases:
        if case.argv[0] in ("backtest", "sweep"):
            case.files.update(_HISTORY_FILES)
    return cases


_HISTORY_FILES = {
    "tiny.yaml": SCENARIO,
    "w.yaml": "name: sw\nscenario: tiny.yaml\nreplications: 2\nseed: 1\nparameters:\n"
              "  parameters.decision.war_cost: [1.0, 4.0]\n",
    "h.yaml": "name: hist\nscenario: tiny.yaml\nday0: 2022-02-24\nend: 2022-04-24\n"
              "first_attack: {attacker: AAA, victim: BBB}\nstates:\n  AAA: {entered: true, day: 5}\n",
}


# --- worlds of any year, claims, deployments, guarantees ---------------------------------

_YEAR_SCENARIO = """\
name: y
world: cow_1900
horizon_days: 30
replications: 1
"""


def _world_cases() -> list[Case]:
    worlds = {"early": "cow_1700", "late": "cow_2017", "negative": "cow_-5", "text": "cow_abc",
              "grouping": "cow_1900_triads", "zero": "cow_0", "huge": "cow_" + "9" * 40, "spaces": "'cow 1900'"}
    cases = [Case(f"yearworld-scenario-{name}", ["validate", "s.yaml"],
                  {"s.yaml": _replace(_YEAR_SCENARIO, "cow_1900", world)}, where="s.yaml:2")
             for name, world in worlds.items()]
    cases += [Case(f"yearworld-states-{name}", ["states", "--world", world], where="--world")
              for name, world in worlds.items() if name != "spaces"]
    cases += [Case(f"yearworld-pacts-{name}", ["pacts", "--world", world], where="--world")
              for name, world in worlds.items() if name in ("early", "text")]
    changes = {
        "unknown-state": ("replications: 1\n", "replications: 1\nstates: {XYZ: {power: 3}}\n", "s.yaml:5"),
        "absent-in-year": ("replications: 1\n", "replications: 1\ntimeline:\n"
                           "  - {at: 1, do: attack, actor: USA, target: UKR, level: 5}\n", "s.yaml:6"),
        "claim-unknown": ("replications: 1\n", "replications: 1\nclaims:\n  - {claimant: XYZ, target: FRN, value: 1}\n",
                          "s.yaml:6"),
        "claim-value-range": ("replications: 1\n", "replications: 1\nclaims:\n"
                              "  - {claimant: GMY, target: FRN, value: 2}\n", "s.yaml:6"),
        "claim-value-nan": ("replications: 1\n", "replications: 1\nclaims:\n"
                            "  - {claimant: GMY, target: FRN, value: .nan}\n", "s.yaml:6"),
        "claim-value-text": ("replications: 1\n", "replications: 1\nclaims:\n"
                             "  - {claimant: GMY, target: FRN, value: much}\n", "s.yaml:6"),
        "claims-mapping": ("replications: 1\n", "replications: 1\nclaims: {GMY: FRN}\n", "s.yaml:5"),
        "claim-extra-field": ("replications: 1\n", "replications: 1\nclaims:\n"
                              "  - {claimant: GMY, target: FRN, value: 1, vaule: 2}\n", "s.yaml:6"),
        "claim-no-target": ("replications: 1\n", "replications: 1\nclaims:\n  - {claimant: GMY, value: 1}\n", "s.yaml:6"),
        "deploy-unknown-actor": ("replications: 1\n", "replications: 1\ntimeline:\n  - {at: 1, do: deploy, actor: XYZ, "
                                 "location: Base, personnel: 10, lat: 1, lon: 1}\n", "s.yaml:6"),
        "deploy-personnel-negative": ("replications: 1\n", "replications: 1\ntimeline:\n  - {at: 1, do: deploy, "
                                      "actor: FRN, location: Base, personnel: -10, lat: 1, lon: 1}\n", "s.yaml:6"),
        "deploy-lat-range": ("replications: 1\n", "replications: 1\ntimeline:\n  - {at: 1, do: deploy, actor: FRN, "
                             "location: Base, personnel: 10, lat: 100, lon: 1}\n", "s.yaml:6"),
        "deploy-host-unknown": ("replications: 1\n", "replications: 1\ntimeline:\n  - {at: 1, do: deploy, actor: FRN, "
                                "location: Base, personnel: 10, lat: 1, lon: 1, host: XYZ}\n", "s.yaml:6"),
        "withdraw-unknown": ("replications: 1\n", "replications: 1\ntimeline:\n  - {at: 1, do: withdraw, actor: FRN, "
                             "location: Nowhere}\n", "s.yaml:6"),
        "guarantee-no-guarantor": ("replications: 1\n", "replications: 1\nalliances:\n  G: {type: guarantee, "
                                   "members: [BEL], protects: [BEL]}\n", "s.yaml:6"),
        "guarantee-unknown-member": ("replications: 1\n", "replications: 1\nalliances:\n  G: {type: guarantee, "
                                     "members: [UKG, XYZ], protects: [XYZ]}\n", "s.yaml:6"),
        "patron-type-typo": ("replications: 1\n", "replications: 1\nalliances:\n  P: {type: patorn, "
                             "members: [UKG, BEL], protects: [BEL]}\n", "s.yaml:6"),
    }
    cases += [Case(f"yearworld-{name}", ["validate", "s.yaml"], {"s.yaml": _replace(_YEAR_SCENARIO, old, new)},
                   where=where) for name, (old, new, where) in changes.items()]
    return cases


_WORLD_2022 = "name: r\nworld: world_2022\nhorizon_days: 30\nreplications: 1\nstates:\n  IND: null\n"


def _removal_cases() -> list[Case]:
    return [
        Case("removal-pact-member", ["validate", "s.yaml"], {"s.yaml": _WORLD_2022}, where="s.yaml:6"),
        Case("removal-run", ["run", "s.yaml", "--out", "o", "--quiet"], {"s.yaml": _WORLD_2022}, where="s.yaml:6"),
        Case("removal-two", ["validate", "s.yaml"], {"s.yaml": _WORLD_2022 + "  AUS: null\n"}, where="s.yaml:7"),
        Case("removal-watched", ["validate", "s.yaml"],
             {"s.yaml": _replace(_WORLD_2022, "IND: null", "NZL: null") + "watch: {states: [NZL]}\n"},
             where="s.yaml"),
    ]


# --- scenarios --dir and plot on damaged tables --------------------------------------------

def _listing_cases() -> list[Case]:
    texts: dict[str, str | bytes] = {
        "alias-bomb": _BOMB + "description: *l8\n",
        "date-impossible": "name: x\nday0: 2022-13-45\ndescription: a date\n",
        "binary": bytes(range(256)) * 4,
        "utf16": "name: x\n".encode("utf-16"),
        "python-tag": "name: !!python/object/apply:os.system [ls]\n",
        "control": "name: x\x07\n",
        "recursive": "a: &a [*a]\ndescription: *a\n",
        "big": "# x\n" * 400_000,
    }
    # a folder of broken files is listed, each with its problem, and never crashes or hangs (exit 0)
    return [Case(f"scenarios-dir-{name}", ["scenarios", "--dir", "d"], {"d/bad.yaml": text, "d/ok.yaml": "name: ok\n"},
                 expect=(0,), where="bad.yaml") for name, text in texts.items()]


def _plot_cases() -> list[Case]:
    def cut(fraction: float):
        return lambda text: text[: int(len(text) * fraction)]

    cases = [Case(f"plot-truncated-{table}-{k}", ["plot", "res", "--out", "figs"], base="run",
                  mutate={f"{table}.csv": cut(fraction)}, where=f"{table}.csv")
             for table in ("tension", "events", "states", "summary") for k, fraction in enumerate((0.5, 0.97))]
    cases.append(Case("plot-tension-extra-cells", ["plot", "res", "--out", "figs"], base="run",
                      mutate={"tension.csv": lambda t: t + "0,1,AAA,0.5,9,9\n"}, where="tension.csv"))
    cases.append(Case("plot-states-unknown", ["plot", "res", "--states", "ZZZ", "--out", "figs"], base="run",
                      where="--states"))
    return cases


NEW_CASES: list[Case] = (_parameter_file_cases() + _ensemble_cases() + _spec_cases() + _calibrate_option_cases()
                         + _rescore_cases() + _command_option_cases() + _world_cases() + _removal_cases()
                         + _listing_cases() + _plot_cases())
