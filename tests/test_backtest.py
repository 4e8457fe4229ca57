"""Backtests: scores on hand-made cases, history-file errors, and the bundled Ukraine 2022 case."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from clirun import cli
from hypothesis import given
from hypothesis import strategies as st

from sim.history.backtest import (
    Replay,
    backtest,
    brier_score,
    brier_skill_score,
    entry_days,
    entry_order_tau,
    invocation_days,
    score,
)
from sim.history.cases import History
from sim.scenario.errors import InputErrors

EVENT_COLUMNS = ["rep", "t", "event_id", "cause_id", "kind", "actor", "target", "level", "pact", "detail"]
STATE_COLUMNS = ["rep", "state", "max_level", "t_entry", "entered_via"]


def _history(states: dict, invocations=()) -> History:
    return History.model_validate({
        "scenario": "s.yaml", "day0": "2022-02-24", "end": "2022-12-31",
        "states": states, "invocations": list(invocations),
    })


def _states(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=STATE_COLUMNS)


def _events(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def _overall(scores) -> dict:
    return {metric: value for metric, value, _ in scores.overall}


RECORD = {
    "AAA": {"entered": True, "day": 0}, "BBB": {"entered": True, "day": 0},
    "CCC": {"entered": True, "day": 10}, "DDD": {"entered": False},
}


def test_a_perfect_forecast_has_brier_zero():
    """Every replication matches the record: Brier (1950) score 0 for each state and overall."""
    rows = [(r, s, 6, d, "x") for r in range(3) for s, d in (("AAA", 0), ("BBB", 0), ("CCC", 10))]
    scores = score(_history(RECORD), _states(rows), _events([]), 3, ("AAA", "BBB"))
    assert [row[4] for row in scores.states] == [0.0, 0.0, 0.0, 0.0]
    assert _overall(scores)["brier"] == 0.0


def test_brier_of_a_hand_case():
    """p = (1, .5, .25, .75) against outcomes (1, 1, 0, 0): ((0) + .25 + .0625 + .5625) / 4."""
    assert brier_score([1, 0.5, 0.25, 0.75], [1, 1, 0, 0]) == pytest.approx(0.875 / 4)


def test_skill_of_the_reference_itself_is_zero():
    """Murphy's (1973) skill score of the reference forecast against itself is 0."""
    assert brier_skill_score(0.3, 0.3) == 0.0
    assert brier_skill_score(0.0, 0.2) == 1.0


def test_skill_is_undefined_when_the_reference_is_perfect():
    assert brier_skill_score(0.1, 0.0) is None


def test_the_reference_forecast_run_through_score_has_skill_zero():
    """A simulation in which exactly the first attacker and its victim enter, always, has skill 0."""
    rows = [(r, s, 6, 0.0, "x") for r in range(4) for s in ("AAA", "BBB")]
    scores = score(_history(RECORD), _states(rows), _events([]), 4, ("AAA", "BBB"))
    overall = _overall(scores)
    assert overall["brier"] == overall["brier_reference"] == pytest.approx(0.25)
    assert overall["skill"] == 0.0


def test_undefined_skill_is_said_in_the_note():
    record = {"AAA": {"entered": True, "day": 0}, "BBB": {"entered": True, "day": 0}, "CCC": {"entered": False}}
    rows = [(0, "AAA", 6, 0.0, "x"), (0, "BBB", 6, 0.0, "x"), (0, "CCC", 5, 3.0, "x")]
    scores = score(_history(record), _states(rows), _events([]), 1, ("AAA", "BBB"))
    skill = [row for row in scores.overall if row[0] == "skill"][0]
    assert skill[1] is None and "undefined" in skill[2]


def test_a_reversed_order_has_tau_minus_one():
    """Kendall (1938): simulated entry order the reverse of the real one gives tau = -1."""
    tau, p = entry_order_tau([0, 1, 2, 3], [30, 20, 10, 0])
    assert tau == pytest.approx(-1.0)
    assert 0 < p <= 1


def test_the_same_order_has_tau_one_and_never_ties_last():
    assert entry_order_tau([0, 5, math.inf], [1, 2, math.inf])[0] == pytest.approx(1.0)


def test_tau_is_undefined_when_the_record_is_all_ties():
    assert entry_order_tau([0, 0, 0], [0, 1, 2]) == (None, None)


def test_reversed_order_through_score():
    record = {"AAA": {"entered": True, "day": 0}, "BBB": {"entered": True, "day": 5},
              "CCC": {"entered": True, "day": 10}}
    rows = [(0, "AAA", 6, 20.0, "x"), (0, "BBB", 6, 10.0, "x"), (0, "CCC", 6, 0.0, "x")]
    scores = score(_history(record), _states(rows), _events([]), 1, ("AAA", "BBB"))
    assert _overall(scores)["kendall_tau"] == pytest.approx(-1.0)


def test_entry_day_error_of_a_hand_case():
    """CCC entered on day 10; it entered in 3 of 4 replications on days 12, 20, 14 (median 14): +4.

    Its censored median over all 4 (one never) is the mean of 14 and 20, 17. DDD entered in
    simulation but not in the record: it has no day error.
    """
    rows = [(0, "CCC", 6, 12.0, "x"), (1, "CCC", 6, 20.0, "x"), (2, "CCC", 6, 14.0, "x"),
            (3, "CCC", 0, None, None), (0, "DDD", 5, 40.0, "x")]
    scores = score(_history(RECORD), _states(rows), _events([]), 4, ("AAA", "BBB"))
    ccc = dict(zip(["state", "entered", "real_day", "p_entry", "brier", "p_reference", "brier_reference",
                    "skill", "median_day", "median_day_if_entered", "day_error"], scores.states[2]))
    assert ccc["p_entry"] == 0.75 and ccc["median_day_if_entered"] == 14.0 and ccc["day_error"] == 4.0
    assert ccc["median_day"] == 17.0
    assert scores.states[3][10] is None
    assert _overall(scores)["n_day_errors"] == 1 and _overall(scores)["median_day_error"] == 4.0


def test_entries_after_the_horizon_do_not_count():
    days = entry_days(_states([(0, "AAA", 6, 400.0, "x"), (1, "AAA", 6, 3.0, "x")]), ["AAA"], 2, 310)
    assert list(days["AAA"]) == [math.inf, 3.0]


def test_invocations_recorded_and_unrecorded():
    """POL's consultation happened in 1 of 2 replications; LTU's unrecorded Article 5 in 2 of 2."""
    record = [{"pact": "NATO", "clause": "consultation", "by": "POL", "day": 0}]
    events = _events([
        (0, 0.0, 1, None, "invocation", "POL", "RUS", 5, "NATO", "consultation"),
        (0, 2.0, 2, None, "invocation", "LTU", "RUS", 5, "NATO", "defence"),
        (1, 9.0, 2, None, "invocation", "LTU", "RUS", 5, "NATO", "defence"),
        (1, 9.5, 3, None, "invocation", "LTU", "RUS", 5, "NATO", "defence"),
        (1, 1.0, 4, None, "honour", "POL", "RUS", 5, "NATO", "defence"),
    ])
    scores = score(_history(RECORD, record), _states([]), events, 2, ("AAA", "BBB"))
    assert scores.invocations[0] == ["NATO", "consultation", "POL", None, 1, 0.0, 0.5, 0.0, 0.0]
    assert scores.invocations[1] == ["NATO", "defence", "LTU", "RUS", 0, None, 1.0, 5.5, None]
    assert _overall(scores)["invocations_unrecorded"] == 1


def test_invocations_after_the_horizon_are_dropped():
    events = _events([(0, 311.0, 1, None, "invocation", "POL", "RUS", 5, "NATO", "consultation")])
    assert invocation_days(events, 310).empty


@given(st.lists(st.floats(0, 1), min_size=1, max_size=20), st.data())
def test_brier_is_between_zero_and_one(p, data):
    outcome = data.draw(st.lists(st.integers(0, 1), min_size=len(p), max_size=len(p)))
    assert 0.0 <= brier_score(p, outcome) <= 1.0


# --- history files and the command line -----------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "scenarios" / "history" / "ukraine_2022.yaml"
SCENARIO = ROOT / "scenarios" / "history" / "ukraine_2022_scenario.yaml"


def _cli(*args) -> subprocess.CompletedProcess:
    return cli("backtest", *args)


def _write(tmp_path, body: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(f"scenario: {SCENARIO}\nday0: 2022-02-24\nend: 2022-12-31\n" + body)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("body, line, message", [
    ("states:\n  RUS: {entered: true, day: 0}\n  POL: {entered: false, dya: 3}\n",
     6, "states.POL.dya: unknown field 'dya' (did you mean 'day'?)"),
    ("states:\n  RUS: {entered: true}\n", 5, "states.RUS: a state that entered needs the `day` or `date`"),
    ("states:\n  RUS: {entered: true, day: 400}\n", 5, "states.RUS.day: day 400 lies outside the horizon 0..310"),
    ("states:\n  RUS: {entered: true, day: 0}\n  POLL: {entered: false}\n",
     6, "states.POLL: unknown state 'POLL' (did you mean 'POL'?)"),
    ("states:\n  RUS: {entered: true, day: 0}\ninvocations:\n  - {pact: NATOO, clause: defence, by: POL}\n",
     7, "invocations[0].pact: unknown pact 'NATOO' (did you mean 'NATO'?)"),
    ("states:\n  RUS: {entered: true, day: 0}\ninvocations:\n  - {pact: NATO, clause: defence, by: FIN}\n",
     7, "invocations[0].by: 'FIN' is not a member of NATO"),
    ("states:\n  RUS: {entered: true, day: 0}\ninvocations:\n  - {pact: CSTO, clause: consultation, by: BLR}\n",
     7, "invocations[0].clause: CSTO has no consultation clause"),
    ("states:\n  RUS: {entered: true, day: 0\n", 6, "YAML syntax"),
])
def test_history_errors_exit_2_with_file_and_line(tmp_path, body, line, message):
    """Bad history files exit with 2 and print `file:line:col: path: message`, writing nothing."""
    path = _write(tmp_path, body)
    done = _cli(path, "--reps", 1, "--out", tmp_path / "out")
    assert done.returncode == 2, done.stderr
    assert f"{path}:{line}:" in done.stderr and message in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_missing_scenario_is_named_at_its_line(tmp_path):
    path = tmp_path / "h.yaml"
    path.write_text("scenario: ukraine_2022_scenaro.yaml\nday0: 2022-02-24\nend: 2022-12-31\n"
                    "states: {RUS: {entered: true, day: 0}}\n")
    (tmp_path / "ukraine_2022_scenario.yaml").write_text(SCENARIO.read_text())
    done = _cli(path)
    assert done.returncode == 2
    assert f"{path}:1:11: scenario: no scenario file" in done.stderr
    assert "did you mean 'ukraine_2022_scenario.yaml'?" in done.stderr


@pytest.mark.slow
def test_the_bundled_case_runs_and_writes_every_table(tmp_path):
    """The Ukraine 2022 case: CSVs written and the three score tables shown; RUS and UKR enter on
    day 0 in every replication."""
    out = tmp_path / "bt"
    done = _cli(BUNDLED, "--reps", 4, "--seed", 7, "--out", out)
    assert done.returncode == 0, done.stderr
    shown = " ".join(done.stdout.split())
    assert "entry into the war" in shown and "pact invocations" in shown and "overall" in shown
    assert f"-> {out}/ (backtest_states.csv" in shown
    names = {p.name for p in out.iterdir()}
    assert {"backtest_states.csv", "backtest_invocations.csv", "backtest_overall.csv",
            "summary.csv", "events.csv", "states.csv", "tension.csv", "meta.json"} <= names
    states = pd.read_csv(out / "backtest_states.csv").set_index("state")
    assert states.loc["RUS", "p_entry"] == 1.0 and states.loc["UKR", "day_error"] == 0.0
    overall = pd.read_csv(out / "backtest_overall.csv").set_index("metric")
    assert overall.loc["replications", "value"] == "4"
    assert pd.isna(overall.loc["skill", "value"]) and "undefined" in overall.loc["skill", "note"]
    assert len(pd.read_csv(out / "backtest_invocations.csv").query("recorded == 1")) == 8


@pytest.mark.slow
def test_an_existing_output_needs_force(tmp_path):
    out = tmp_path / "bt"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    done = _cli(BUNDLED, "--reps", 1, "--out", out)
    assert done.returncode == 2 and "--force" in done.stderr
    assert (out / "keep.txt").exists()
    refused = _cli(BUNDLED, "--reps", 1, "--out", out, "--force", "--quiet")
    assert refused.returncode == 2 and "not a result of alliance-sim" in refused.stderr
    assert (out / "keep.txt").exists()
    (out / "keep.txt").unlink()
    assert _cli(BUNDLED, "--reps", 1, "--out", out, "--quiet").returncode == 0
    (out / "extra.txt").write_text("x")
    assert _cli(BUNDLED, "--reps", 1, "--out", out, "--force", "--quiet").returncode == 0
    assert not (out / "extra.txt").exists() and (out / "backtest_overall.csv").exists()


def test_same_seed_same_scores():
    """Two backtests with one seed give the same tables (common random numbers across runs)."""
    a = backtest(BUNDLED, replications=3, seed=11).scores.tables
    b = backtest(BUNDLED, replications=3, seed=11).scores.tables
    assert a == b


def test_the_reference_pair_defaults_to_the_scenarios_first_attack(tmp_path):
    path = _write(tmp_path, "states:\n  RUS: {entered: true, day: 0}\n")
    assert Replay.read(path).reference == ("RUS", "UKR")


def test_a_scenario_without_attack_needs_first_attack(tmp_path):
    (tmp_path / "calm.yaml").write_text("name: calm\nworld: world_2022\n")
    path = tmp_path / "h.yaml"
    path.write_text("scenario: calm.yaml\nday0: 2022-01-01\nend: 2022-12-31\nstates: {RUS: {entered: false}}\n")
    with pytest.raises(InputErrors, match="first_attack"):
        Replay.read(path)


def test_bad_numbers_on_the_command_line_exit_2(tmp_path):
    done = _cli(BUNDLED, "--reps", 0, "--out", tmp_path / "out")
    assert done.returncode == 2 and "--reps must be at least 1" in done.stderr


def test_a_state_that_joins_in_the_timeline_may_invoke(tmp_path):
    """Finland joins NATO on day 10 of the scenario: its recorded Article 4 request is accepted."""
    (tmp_path / "s.yaml").write_text(
        "name: s\nworld: world_2022\ntimeline:\n  - {at: 0, do: attack, actor: RUS, target: UKR, level: 6}\n"
        "  - {at: 10, do: join_alliance, actor: FIN, pact: NATO}\n")
    path = tmp_path / "h.yaml"
    path.write_text("scenario: s.yaml\nday0: 2022-01-01\nend: 2022-12-31\nstates: {FIN: {entered: false}}\n"
                    "invocations:\n  - {pact: NATO, clause: consultation, by: FIN, day: 20}\n")
    assert Replay.read(path).history.invocations[0].by == "FIN"
