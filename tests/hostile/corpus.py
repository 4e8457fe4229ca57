"""Hostile inputs for every reader: scenario, sweep and history files, world CSVs, result folders
for `compare` and `plot`, and command-line options. Each case is files to write, the command to
run in their folder, and the exit status expected: 2 for bad input, 1 for the environment.

Cases are generated from a few valid bases by one change each, so every reader meets broken
syntax, wrong types, non-finite and out-of-range numbers, bad encodings, control characters,
truncation and oversize input.
"""

from __future__ import annotations

from hostile.case import Case
from hostile.commands import command_cases, v2_parameter_cases
from hostile.results import compare_cases, plot_cases

__all__ = ["CASES", "HISTORY", "SCENARIO", "SWEEP", "WORLD", "Case"]

SCENARIO = """\
name: tiny
world: empty
horizon_days: 60
replications: 2
seed: 3
record_every_days: 10
states:
  AAA: {lat: 0.0, lon: 0.0, power: 100.0, nuclear: true, regions: [west]}
  BBB: {lat: 0.0, lon: 10.0, power: 50.0, regions: [west]}
  CCC: {lat: 10.0, lon: 10.0, power: 80.0, regions: [west]}
alliances:
  PACT: {type: defence, members: [BBB, CCC], regions: [west]}
relations:
  - {from: AAA, to: BBB, intent: 0.5, mutual: true}
parameters:
  perception: {misperception: 0.2, intent_half_life_days: 90}
  decision: {temperature: 0.3, war_cost: 6.0}
  alliances: {consultation_levels: [1, 3]}
timeline:
  - {at: 5, do: attack, actor: AAA, target: BBB, level: 5}
watch:
  dyads: [[AAA, BBB]]
  states: [BBB]
"""

SWEEP = """\
name: sw
scenario: tiny.yaml
replications: 2
seed: 1
parameters:
  parameters.decision.war_cost: [1.0, 4.0]
"""

HISTORY = """\
name: hist
scenario: tiny.yaml
day0: 2022-02-24
end: 2022-04-24
first_attack: {attacker: AAA, victim: BBB}
states:
  AAA: {entered: true, day: 5}
  BBB: {entered: true, day: 5}
  CCC: {entered: false}
"""

WORLD = """\
id,name,lat,lon,power,nuclear,regions
AAA,Aland,0.0,0.0,100.0,true,west
BBB,Bland,0.0,10.0,50.0,false,west
"""


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# --- scenario files ------------------------------------------------------------------------

_NUMERIC = {  # a value written in the base scenario -> its field
    "horizon_days: 60": "horizon_days: {}",
    "replications: 2": "replications: {}",
    "seed: 3": "seed: {}",
    "record_every_days: 10": "record_every_days: {}",
    "power: 100.0": "power: {}",
    "lat: 10.0": "lat: {}",
    "intent: 0.5": "intent: {}",
    "misperception: 0.2": "misperception: {}",
    "intent_half_life_days: 90": "intent_half_life_days: {}",
    "temperature: 0.3": "temperature: {}",
    "war_cost: 6.0": "war_cost: {}",
    "at: 5": "at: {}",
    "level: 5": "level: {}",
}
_BAD_NUMBERS = [".inf", "-.inf", ".nan", "-1", "1e400", "abc", "[1, 2]", "{a: 1}", "2022-13-45",
                "!!timestamp garbage", "1" + "0" * 5000, "0x", "true"]


def _scenario_values() -> list[Case]:
    cases = []
    for old, pattern in _NUMERIC.items():
        for k, value in enumerate(_BAD_NUMBERS):
            text = _replace(SCENARIO, old, pattern.format(value))
            if text == SCENARIO:
                continue
            cases.append(Case(f"scenario-{old.split(':')[0]}-{k}", ["validate", "s.yaml"], {"s.yaml": text}))
    return [c for c in cases if not _valid_by_design(c)]


def _valid_by_design(case: Case) -> bool:
    """Values that are legitimately valid for a field (a seed of `true` is not; 1e400 is inf)."""
    text = case.files["s.yaml"]
    return isinstance(text, str) and ("lat: -1\n" in text or "lat: -1}" in text or "lat: -1," in text)


_CHARS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85x\x9f", "\ufffe"]


def _scenario_syntax() -> list[Case]:
    cases = [Case(f"scenario-control-{ord(c[0]):02x}-{k}", ["validate", "s.yaml"],
                  {"s.yaml": _replace(SCENARIO, "name: tiny", f"name: ti{c}ny")}) for k, c in enumerate(_CHARS)]
    cases += [Case(f"scenario-control-key-{k}", ["run", "s.yaml", "--out", "o"],
                   {"s.yaml": SCENARIO.replace("world:", f"wor{c}ld:")}) for k, c in enumerate(_CHARS[:4])]
    broken = {
        "unclosed-bracket": _replace(SCENARIO, "[west]}", "[west}"),
        "tab-indent": _replace(SCENARIO, "  AAA:", "\tAAA:"),
        "duplicate-key": SCENARIO + "seed: 4\n",
        "top-list": "- a\n- b\n",
        "top-scalar": "42\n",
        "top-string": "just text\n",
        "bad-anchor": "name: *nothing\n",
        "python-tag": SCENARIO + "x: !!python/object/apply:os.system [ls]\n",
        "unknown-tag": "name: !custom x\n",
        "recursive-alias": "a: &a [*a]\nname: x\n",
        "merge-not-mapping": "base: &b [1]\nstates:\n  <<: *b\n",
        "latin1": SCENARIO.replace("tiny", "t\xefny").encode("latin-1"),
        "utf16": SCENARIO.encode("utf-16"),
        "binary": bytes(range(256)) * 8,
        "truncated": SCENARIO[: len(SCENARIO) // 2 - 7],
        "half-utf8": SCENARIO.encode() + "é".encode()[:1],
        "deep-nesting": "a: " + "[" * 5000 + "]" * 5000 + "\n",
        "long-line": "name: " + "x" * 200_000 + "\n",
        "many-keys": "".join(f"k{i}: {i}\n" for i in range(20000)),
        "big-file": "# padding\n" * 120_000,
        "alias-bomb": "".join(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}" if i else "x"] * 9) + "]\n" for i in range(9)),
        "alias-bomb-map": "".join(
            f"m{i}: &m{i} {{" + ",".join(f"k{j}: {f'*m{i - 1}' if i else 1}" for j in range(10)) + "}\n" for i in range(8)),
        "colon-key": "name: x\n? [a, b]\n: 1\n",
        "null-key": "~: 1\nname: x\n",
        "int-keys": "1: a\n2: b\n",
        "name-list": _replace(SCENARIO, "name: tiny", "name: [a, b]"),
        "name-slash": _replace(SCENARIO, "name: tiny", "name: ../../etc"),
        "name-empty": _replace(SCENARIO, "name: tiny", "name: ''"),
        "states-list": _replace(SCENARIO, "states:\n", "states: [1]\nxstates:\n"),
        "record-date-impossible": SCENARIO + "world_record: {year: 2022, date: 2022-13-45}\n",
        "record-date-other-year": SCENARIO + "world_record: {year: 2022, date: '2021-06-01'}\n",
    }
    cases += [Case(f"scenario-{name}", ["validate", "s.yaml"], {"s.yaml": text}) for name, text in broken.items()]
    return cases


def _scenario_model() -> list[Case]:
    changes = {
        "self-attack": ("actor: AAA, target: BBB", "actor: AAA, target: AAA"),
        "action-after-horizon": ("at: 5", "at: 600"),
        "action-at-inf": ("at: 5", "at: .inf"),
        "reversed-consultation": ("consultation_levels: [1, 3]", "consultation_levels: [3, 1]"),
        "consultation-out-of-ladder": ("consultation_levels: [1, 3]", "consultation_levels: [1, 9]"),
        "misperception-4": ("misperception: 0.2", "misperception: 4.0"),
        "half-life-tiny": ("intent_half_life_days: 90", "intent_half_life_days: 1e-300"),
        "power-inf": ("power: 100.0", "power: .inf"),
        "power-huge": ("power: 100.0", "power: 1e300"),
        "horizon-huge": ("horizon_days: 60", "horizon_days: 1e12"),
        "unknown-state": ("members: [BBB, CCC]", "members: [BBB, ZZZ]"),
        "unknown-action": ("do: attack", "do: nuke"),
        "missing-do": ("do: attack, ", ""),
        "unknown-field": ("seed: 3", "seed: 3\nsede: 4"),
        "pact-type": ("type: defence", "type: love"),
        "bad-id": ("AAA: {lat: 0.0", "A A: {lat: 0.0"),
        "lat-range": ("lat: 10.0", "lat: 95.0"),
        "level-range": ("level: 5", "level: 8"),
        "world-missing": ("world: empty", "world: nowhere.csv"),
        "world-number": ("world: empty", "world: 7"),
        "world-nul": ("world: empty", 'world: "a\\0b.csv"'),
        "extends-missing": ("name: tiny", "name: tiny\nextends: nothere.yaml"),
        "extends-nul": ("name: tiny", 'name: tiny\nextends: "a\\0b.yaml"'),
        "extends-self": ("name: tiny", "name: tiny\nextends: s.yaml"),
        "extends-dir": ("name: tiny", "name: tiny\nextends: ."),
        "extends-list": ("name: tiny", "name: tiny\nextends: [a]"),
        "dyad-self": ("dyads: [[AAA, BBB]]", "dyads: [[AAA, BBB, CCC]]"),
        "delay-reversed": ("regions: [west]}\nrelations", "regions: [west], consultation_days: [9, 1]}\nrelations"),
        "record-tiny": ("record_every_days: 10", "record_every_days: 1e-9"),
        "decision-interval-tiny": ("temperature: 0.3", "temperature: 0.3, decision_interval_days: 1e-9"),
    }
    return [Case(f"model-{name}", ["run", "s.yaml", "--out", "o", "--quiet"], {"s.yaml": _replace(SCENARIO, old, new)})
            for name, (old, new) in changes.items()]


def _extends_cases() -> list[Case]:
    return [
        Case("extends-binary", ["validate", "s.yaml"], {"s.yaml": "name: x\nextends: p.yaml\n", "p.yaml": b"\x00\xff" * 50}),
        Case("extends-cycle", ["validate", "s.yaml"], {"s.yaml": "name: x\nextends: p.yaml\n",
                                                      "p.yaml": "name: p\nextends: s.yaml\n"}),
        Case("extends-bad-parent", ["validate", "s.yaml"], {"s.yaml": "name: x\nextends: p.yaml\n",
                                                           "p.yaml": "horizon_days: .nan\n"}),
        Case("extends-list-parent", ["validate", "s.yaml"], {"s.yaml": "name: x\nextends: p.yaml\n", "p.yaml": "- 1\n"}),
    ]


# --- sweep files ---------------------------------------------------------------------------

def _sweep_cases() -> list[Case]:
    changes = {
        "design": ("seed: 1", "seed: 1\ndesign: grd"),
        "samples-huge": ("seed: 1", "seed: 1\ndesign: random\nsamples: 1000000000"),
        "samples-zero": ("seed: 1", "seed: 1\ndesign: lhs\nsamples: 0"),
        "samples-float": ("seed: 1", "seed: 1\ndesign: lhs\nsamples: 2.5"),
        "sobol-not-pow2": ("seed: 1", "seed: 1\ndesign: sobol\nsamples: 3"),
        "reps-zero": ("replications: 2", "replications: 0"),
        "reps-inf": ("replications: 2", "replications: .inf"),
        "reps-huge": ("replications: 2", "replications: 100000000"),
        "seed-negative": ("seed: 1", "seed: -1"),
        "values-empty": ("[1.0, 4.0]", "[]"),
        "values-inf": ("[1.0, 4.0]", "[1.0, .inf]"),
        "values-nan": ("[1.0, 4.0]", "[.nan]"),
        "values-negative": ("[1.0, 4.0]", "[-1.0]"),
        "values-text": ("[1.0, 4.0]", "[a, b]"),
        "values-date": ("[1.0, 4.0]", "[2022-13-45]"),
        "values-newline": ("[1.0, 4.0]", '["a\\nb"]'),
        "range-in-grid": ("[1.0, 4.0]", "{low: 1, high: 2}"),
        "range-reversed": ("[1.0, 4.0]", "{low: 2, high: 1}"),
        "range-inf": ("[1.0, 4.0]", "{low: 1, high: .inf}"),
        "range-log-zero": ("[1.0, 4.0]", "{low: 0, high: 1, log: true}"),
        "range-extra": ("[1.0, 4.0]", "{low: 0, high: 1, step: 2}"),
        "unknown-path": ("parameters.decision.war_cost", "parameters.decision.war_cots"),
        "path-syntax": ("parameters.decision.war_cost", "parameters..war_cost"),
        "no-parameters": ("parameters:\n  parameters.decision.war_cost: [1.0, 4.0]\n", "parameters: {}\n"),
        "scenario-missing": ("scenario: tiny.yaml", "scenario: none.yaml"),
        "scenario-nul": ("scenario: tiny.yaml", 'scenario: "ti\\0ny.yaml"'),
        "scenario-self": ("scenario: tiny.yaml", "scenario: w.yaml"),
        "set-bad": ("seed: 1", "seed: 1\nset: {horizon_days: .inf}"),
        "set-and-swept": ("seed: 1", "seed: 1\nset: {parameters.decision.war_cost: 2}"),
        "grid-huge": ("parameters:\n  parameters.decision.war_cost: [1.0, 4.0]\n", "parameters:\n" + "".join(
            f"  parameters.decision.{p}: [{', '.join(str(1 + v) for v in range(12))}]\n"
            for p in ("war_cost", "inertia", "nuclear_taboo", "breach_cost", "precision", "nuclear_deterrence"))),
        "point-too-large": ("parameters.decision.war_cost: [1.0, 4.0]", "record_every_days: [10, 0.000001]"),
        "control": ("name: sw", "name: s\x01w"),
        "name-bad": ("name: sw", "name: 's w/'"),
        "top-list": (SWEEP, "- 1\n"),
    }
    cases = [Case(f"sweep-{name}", ["sweep", "w.yaml", "--out", "o", "--workers", "1", "--quiet"],
                  {"w.yaml": _replace(SWEEP, old, new), "tiny.yaml": SCENARIO}) for name, (old, new) in changes.items()]
    cases += [
        Case("sweep-binary", ["sweep", "w.yaml", "--out", "o", "--quiet"], {"w.yaml": b"\xff\xfe\x00" * 30}),
        Case("sweep-missing", ["sweep", "nothere.yaml", "--out", "o", "--quiet"]),
        Case("sweep-dir", ["sweep", ".", "--out", "o", "--quiet"]),
        Case("sweep-bad-scenario", ["sweep", "w.yaml", "--out", "o", "--quiet"],
             {"w.yaml": SWEEP, "tiny.yaml": _replace(SCENARIO, "seed: 3", "seed: .nan")}),
    ]
    return cases


def _resume_cases() -> list[Case]:
    """A sweep folder broken in every way, then `--resume`d."""
    argv = ["sweep", "w.yaml", "--out", "res", "--resume", "--workers", "1", "--quiet"]
    files = {"w.yaml": SWEEP, "tiny.yaml": SCENARIO}
    breaks = {
        "manifest-truncated": {"manifest.json": "{\"name\": \"sw\", \"sweep_sha"},
        "manifest-binary": {"manifest.json": b"\x00\xff\xfe" * 20},
        "manifest-list": {"manifest.json": "[1, 2]"},
        "manifest-empty": {"manifest.json": ""},
        "manifest-missing": {"manifest.json": None},
        "manifest-other-sweep": {"manifest.json": '{"sweep_sha256": "abc", "scenario_sha256": "def"}'},
        "journal-header": {"runs.partial.csv": "a,b,c\n1,2,3\n"},
        "journal-binary-line": {"runs.partial.csv": b"\xff\xfe\x00\x01\n" * 40},
    }
    cases = [Case(f"resume-{name}", argv, files, base="sweep", mutate=m) for name, m in breaks.items()]
    # garbage without a line end is a torn tail: dropped, and the sweep runs again (exit 0)
    cases.append(Case("resume-journal-torn-garbage", argv, files, base="sweep",
                      mutate={"runs.partial.csv": b"\xff\xfe\x00\x01" * 40}, expect=(0,)))
    return cases


# --- history files -------------------------------------------------------------------------

def _history_cases() -> list[Case]:
    changes = {
        "date-impossible": ("day0: 2022-02-24", "day0: 2022-13-45"),
        "date-text": ("day0: 2022-02-24", "day0: yesterday"),
        "date-timestamp": ("day0: 2022-02-24", "day0: !!timestamp garbage"),
        "date-number": ("day0: 2022-02-24", "day0: 20220224"),
        "end-before": ("end: 2022-04-24", "end: 2021-04-24"),
        "end-far": ("end: 2022-04-24", "end: 9999-12-31"),
        "end-missing": ("end: 2022-04-24\n", ""),
        "day-inf": ("AAA: {entered: true, day: 5}", "AAA: {entered: true, day: .inf}"),
        "day-nan": ("AAA: {entered: true, day: 5}", "AAA: {entered: true, day: .nan}"),
        "day-negative": ("AAA: {entered: true, day: 5}", "AAA: {entered: true, day: -5}"),
        "day-outside": ("AAA: {entered: true, day: 5}", "AAA: {entered: true, day: 500}"),
        "day-and-date": ("AAA: {entered: true, day: 5}", "AAA: {entered: true, day: 5, date: 2022-03-01}"),
        "entered-no-day": ("AAA: {entered: true, day: 5}", "AAA: {entered: true}"),
        "entered-text": ("AAA: {entered: true, day: 5}", "AAA: {entered: maybe, day: 5}"),
        "unknown-state": ("CCC: {entered: false}", "ZZZ: {entered: false}"),
        "no-states": ("  AAA: {entered: true, day: 5}\n  BBB: {entered: true, day: 5}\n  CCC: {entered: false}\n", " {}\n"),
        "scenario-missing": ("scenario: tiny.yaml", "scenario: none.yaml"),
        "scenario-nul": ("scenario: tiny.yaml", 'scenario: "t\\0.yaml"'),
        "attacker-unknown": ("attacker: AAA", "attacker: ZZZ"),
        "unknown-field": ("name: hist", "name: hist\nnmae: x"),
        "control": ("name: hist", "name: hi\x1bst"),
        "invocation-bad": ("states:", "invocations: [{pact: PACT, clause: love, by: BBB, day: 1}]\nstates:"),
    }
    cases = [Case(f"history-{name}", ["backtest", "h.yaml", "--reps", "2", "--out", "o"],
                  {"h.yaml": _replace(HISTORY, old, new), "tiny.yaml": SCENARIO}) for name, (old, new) in changes.items()]
    cases.append(Case("history-binary", ["backtest", "h.yaml", "--out", "o"], {"h.yaml": b"\x89PNG\r\n\x1a\n" * 10}))
    return cases


# --- world CSV -----------------------------------------------------------------------------

def _world_cases() -> list[Case]:
    texts: dict[str, str | bytes] = {
        "latin1": WORLD.replace("Aland", "\xc5land").encode("latin-1"),
        "utf16": WORLD.encode("utf-16"),
        "binary": bytes(range(256)) * 4,
        "nul": WORLD.replace("Aland", "A\x00land"),
        "truncated": WORLD[: len(WORLD) - 20],
        "short-row": WORLD + "CCC,Cland,1.0\n",
        "extra-field": WORLD + "CCC,Cland,1.0,2.0,3.0,false,west,surplus\n",
        "unclosed-quote": WORLD + 'CCC,"Cland,1.0,2.0,3.0,false,west\n',
        "power-inf": WORLD.replace("100.0", "inf"),
        "power-nan": WORLD.replace("100.0", "nan"),
        "power-negative": WORLD.replace("100.0", "-3"),
        "power-huge": WORLD.replace("100.0", "1e308"),
        "power-text": WORLD.replace("100.0", "lots"),
        "lat-range": WORLD.replace("0.0,0.0", "91.0,0.0", 1),
        "lat-inf": WORLD.replace("0.0,0.0", "-inf,0.0", 1),
        "nuclear-bad": WORLD.replace("true", "perhaps"),
        "id-bad": WORLD.replace("AAA", "1AA"),
        "id-duplicate": WORLD.replace("BBB", "AAA"),
        "missing-column": WORLD.replace("power,", "").replace(",100.0", "").replace(",50.0", ""),
        "unknown-column": WORLD.replace("regions", "regoins"),
        "empty": "",
        "header-only": WORLD.splitlines()[0] + "\n",
        "blank-lines": "\n\n\n",
        "huge-field": WORLD + "CCC," + "x" * 200_000 + ",1,2,3,false,west\n",
        "control": WORLD.replace("Aland", "A\x07land"),
        "too-many-rows": WORLD + "".join(f"S{i},Sland,1.0,2.0,3.0,false,west\n" for i in range(10_001)),
    }
    cases = [Case(f"world-{name}", ["states", "--world", "w.csv"], {"w.csv": text}) for name, text in texts.items()]
    cases += [Case(f"world-in-scenario-{name}", ["validate", "s.yaml"],
                   {"w.csv": texts[name], "s.yaml": "name: x\nworld: w.csv\n"})
              for name in ("latin1", "power-inf", "extra-field", "short-row", "unclosed-quote", "nul", "header-only")]
    cases += [Case("world-missing", ["states", "--world", "none.csv"]),
              Case("world-dir", ["states", "--world", "sub/"], {"sub/x": ""}),
              Case("world-unknown-name", ["states", "--world", "world_2033"]),
              Case("world-nul-name", ["states", "--world", "a\x00b.csv"])]
    return cases


# --- command-line options ------------------------------------------------------------------

def _option_cases() -> list[Case]:
    run = ["run", "s.yaml", "--quiet"]
    files = {"s.yaml": SCENARIO}
    options = {
        "reps-zero": ["--reps", "0"], "reps-negative": ["--reps", "-5"], "reps-text": ["--reps", "many"],
        "reps-huge": ["--reps", "100000000000"], "seed-negative": ["--seed", "-1"], "seed-text": ["--seed", "x"],
        "horizon-inf": ["--horizon", "inf"], "horizon-nan": ["--horizon", "nan"], "horizon-zero": ["--horizon", "0"],
        "horizon-huge": ["--horizon", "1e12"], "horizon-negative": ["--horizon", "-3"],
        "workers-negative": ["--workers", "-2"], "max-rows-zero": ["--max-rows", "0"],
        "max-rows-small": ["--max-rows", "5"],
        "set-no-equals": ["--set", "seed"], "set-bad-path": ["--set", "a..b=1"], "set-inf": ["--set", "seed=.inf"],
        "set-unknown": ["--set", "parameters.decison.temperature=1"], "set-yaml": ["--set", "seed=[1"],
        "set-control": ["--set", "name=a\x07"], "set-date": ["--set", "horizon_days=2022-13-45"],
        "set-timestamp": ["--set", "horizon_days=!!timestamp x"], "set-index": ["--set", "timeline[9].at=1"],
        "set-into-value": ["--set", "seed.x=1"], "set-misperception": ["--set", "parameters.perception.misperception=50"],
        "out-dot": ["--out", ".", "--force"], "out-dotdot": ["--out", "..", "--force"],
        "out-root": ["--out", "/", "--force"], "out-long": ["--out", "x" * 300],
        "out-dev-null": ["--out", "/dev/null", "--force"], "out-file": ["--out", "s.yaml", "--force"],
        "out-parent-file": ["--out", "s.yaml/o"],
    }
    cases = [Case(f"option-{name}", run + extra, dict(files)) for name, extra in options.items()]
    cases += [
        Case("option-out-not-result", run + ["--out", "thesis", "--force"], {**files, "thesis/thesis.tex": "x"}),
        Case("option-out-exists", run + ["--out", "thesis"], {**files, "thesis/thesis.tex": "x"}),
        Case("option-out-symlink", run + ["--out", "link", "--force"], {**files, "target/meta.json": "{}"}),
        Case("option-missing-file", ["run", "nothere.yaml"]),
        Case("option-file-is-dir", ["run", "."]),
        Case("option-validate-none", ["validate", "nothere.yaml"]),
        Case("option-unknown-command", ["frobnicate"]),
        Case("option-sweep-out-file", ["sweep", "w.yaml", "--out", "w.yaml", "--quiet"],
             {"w.yaml": SWEEP, "tiny.yaml": SCENARIO}),
        Case("option-sweep-out-device", ["sweep", "w.yaml", "--out", "/dev/null", "--force", "--quiet"],
             {"w.yaml": SWEEP, "tiny.yaml": SCENARIO}),
        Case("option-backtest-out-file", ["backtest", "h.yaml", "--out", "h.yaml", "--force"],
             {"h.yaml": HISTORY, "tiny.yaml": SCENARIO}),
        Case("option-plot-out-device", ["plot", "res", "--out", "/dev/null"], base="run"),
        Case("option-sweep-workers", ["sweep", "w.yaml", "--workers", "-1"], {"w.yaml": SWEEP, "tiny.yaml": SCENARIO}),
        Case("option-sweep-max-runs", ["sweep", "w.yaml", "--max-runs", "1", "--quiet"],
             {"w.yaml": SWEEP, "tiny.yaml": SCENARIO}),
        Case("option-sweep-resume-force", ["sweep", "w.yaml", "--resume", "--force"], {"w.yaml": SWEEP}),
        Case("option-sweep-resume-nothing", ["sweep", "w.yaml", "--resume", "--out", "o", "--quiet", "--workers", "1"],
             {"w.yaml": SWEEP, "tiny.yaml": SCENARIO}, expect=(0,)),  # nothing to resume: it starts
        Case("option-sweep-dask-bad", ["sweep", "w.yaml", "--dask", "tcp://256.0.0.1:1", "--workers", "2"],
             {"w.yaml": SWEEP, "tiny.yaml": SCENARIO}),
        Case("option-backtest-reps", ["backtest", "h.yaml", "--reps", "0"], {"h.yaml": HISTORY, "tiny.yaml": SCENARIO}),
        Case("option-scenarios-dir", ["scenarios", "--dir", "nothere"]),
        Case("option-scenarios-file", ["scenarios", "--dir", "s.yaml"], files),
    ]
    return cases


CASES: list[Case] = (_scenario_values() + _scenario_syntax() + _scenario_model() + _extends_cases() + _sweep_cases()
                     + _resume_cases() + _history_cases() + _world_cases() + compare_cases() + plot_cases()
                     + _option_cases() + command_cases() + v2_parameter_cases(SCENARIO))
