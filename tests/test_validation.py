"""Validation on the COW wars: held-out wars never read, the scripted pair, who joined, the
leave-one-war-out climatology, the scores, reproducibility, and the command."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from clirun import cli

from sim.history import validation as v
from sim.history import validation_scores as vs
from sim.history.validation_report import run_validation
from sim.history.validation_scores import pairs, record_side
from sim.scenario.errors import InputErrors

pytestmark = pytest.mark.xdist_group("joiningfit")
"""Under xdist (`--dist loadgroup`, pyproject.toml) one worker runs this module and tests/test_joiningfit.py: both read
the leave-one-war-out fits (joiningfit.cross_validated, cached per process), so they are fitted once."""

SMALL = [1, 4, 58]  # Franco-Spanish 1823, Russo-Turkish 1828, Franco-Prussian 1870


@pytest.fixture(scope="module")
def wars():
    return v.read_wars()


@pytest.fixture(scope="module")
def small():
    return run_validation(SMALL, replications=6, seed=3)


def test_93_wars_and_the_held_out_two_are_never_read(wars):
    """Wars 106 and 139 are dropped when the participants are read; 93 wars remain."""
    assert len(wars) == 93
    assert not {w.warnum for w in wars} & v.HELD_OUT
    assert not set(v._participants()["warnum"]) & v.HELD_OUT


@pytest.mark.parametrize("number", [106, 139])
def test_naming_a_held_out_war_is_an_input_error(wars, number):
    with pytest.raises(InputErrors, match=f"war {number}: held out"):
        v.pick_wars(wars, [number])


def test_first_pair_and_horizon(wars):
    """War 58 (1870): France (the COW initiator: it declared war) attacks Prussia (GMY); 1870 world, two years."""
    war = {w.warnum: w for w in wars}[58]
    assert (war.onset, war.initiator, war.target) == (1870, "FRN", "GMY")
    assert war.horizon_days == 2 * v.DAYS_PER_YEAR and war.era == "1816-1913"
    scenario = v.war_scenario(war)
    assert scenario.world == "cow_1870_prior" and scenario.timeline[0].level == v.WAR_LEVEL  # pacts of 1869
    assert {w.initiator for w in wars} <= {s for w in wars for s in w.sides}
    assert v.war_scenario(war, pacts="cliques").world == "cow_1870_cliques_prior"


def test_sides_spread_through_war_level_postures():
    """A state at war with side A is on side B, and a state at war with it on side A; a clash below
    the war rung, an unrelated war, or a postures past the horizon do not count."""
    war = v.War(0, 1900, 1900, "AAA", "BBB", {"AAA": 1, "BBB": 2})
    rows = [(0, 1.0, 1, "scenario.attack", "AAA", "BBB", 6), (0, 2.0, 2, "escalate", "CCC", "AAA", 6),
            (0, 3.0, 3, "escalate", "DDD", "CCC", 7), (0, 4.0, 4, "escalate", "EEE", "BBB", 5),
            (0, 5.0, 5, "escalate", "FFF", "GGG", 6), (0, 400.0, 6, "escalate", "HHH", "AAA", 6),
            (1, 1.0, 1, "honour", "III", "AAA", 6)]
    events = pd.DataFrame(rows, columns=["rep", "t", "event_id", "kind", "actor", "target", "level"])
    assert v.joined(events, war, 365.0) == {0: {"CCC": 2, "DDD": 1}}  # rep 1: an intention only
    assert v.joined(events, war, 365.0, level=5)[0] == {"CCC": 2, "DDD": 1, "EEE": 1}


def test_climatology_is_leave_one_war_out(wars):
    """Each war's base rate comes from the other 92: its own joiners do not enter it."""
    clim = v.climatology(wars)
    joins = sum(len(w.sides) - 2 for w in wars)
    assert joins == 292 - 2 * 93
    first = wars[0]
    others = [w for w in wars if w is not first]
    members = pd.DataFrame(list(v.read_table("cow_state_years"))).astype({"year": int}).groupby("year").size()
    expected = sum(len(w.sides) - 2 for w in others) / sum(members[w.onset] - 2 for w in others)
    assert clim[first.warnum] == pytest.approx(expected)
    assert len(set(clim.values())) > 1


def test_skill_scores_on_known_forecasts():
    """Skill is 1 for a perfect forecast, 0 for the reference itself; AUC 1 for a perfect ranking."""
    frame = pd.DataFrame({"warnum": [1, 1, 2, 2], "joined": [1, 0, 0, 1], "p_climatology": [0.2] * 4,
                          "p_pair": [0.0] * 4, "p_model": [1.0, 0.0, 0.0, 1.0]})
    assert vs.skill(frame, "climatology") == 1.0 and vs.auc(frame) == 1.0
    assert vs.skill(frame.assign(p_model=0.2), "climatology") == pytest.approx(0.0)
    low, high = vs.bootstrap_skill(frame.assign(p_model=[0.9, 0.1, 0.3, 0.5]), "pair", seed=1)
    assert low <= vs.skill(frame.assign(p_model=[0.9, 0.1, 0.3, 0.5]), "pair") <= high


def test_small_validation_tables(small):
    """Every candidate of each war is scored at both levels, with the forecasts in 0..1."""
    pairs = small.frames(v.WAR_LEVEL)
    assert sorted(pairs["warnum"].unique()) == SMALL
    assert pairs["p_model"].between(0, 1).all() and pairs["joined"].isin([0, 1]).all()
    assert len(small.frames(5)) == len(pairs)
    assert small.score("wars")[0] == 3
    assert not set(pairs["state"][pairs["warnum"] == 58]) & {"GMY", "FRN"}
    relevant = small.scores[(small.scores["subset"] == "relevant") & (small.scores["metric"] == "pairs")]
    assert 0 < relevant["value"].iloc[0] < len(pairs)


def test_statistical_forecasts_are_scored_beside_the_model(small):
    """The fitted equation (baseline_) and the lookup (lookup_) forecast the same pairs, out of
    sample, and are scored in the same table with the same columns."""
    pytest.importorskip("statsmodels")
    pairs = small.frames(v.WAR_LEVEL)
    assert pairs["p_baseline"].between(0, 1).all() and pairs["p_lookup"].between(0, 1).all()
    assert (pairs["p_baseline_record_side"] <= pairs["p_baseline"] + 1e-12).all()
    metrics = set(small.scores["metric"])
    assert {"baseline_skill_vs_climatology", "baseline_auc", "baseline_side_skill", "lookup_skill_vs_climatology",
            "lookup_auc", "side_skill"} <= metrics
    value, low, high = small.score("baseline_skill_vs_climatology")
    assert low <= value <= high
    assert list(small.scores.columns) == ["subset", "era", "metric", "value", "low", "high", "level"]


def test_candidate_features_from_the_world(wars):
    """1870: Bavaria is near and allied to Prussia (ATOP), the UK a distant major power."""
    war = {w.warnum: w for w in wars}[58]
    features = v.candidate_features(war, v.war_scenario(war))
    km, ally_of_initiator, ally_of_target, major = features["BAV"]
    assert km < 1000 and ally_of_target == 1 and ally_of_initiator == 0 and major == 0
    assert features["UKG"][3] == 1 and features["UKG"][0] > 300


def test_armed_clash_is_reached_more_often_than_war(small):
    """Reaching level 5 against a side is implied by reaching level 6: p at 5 >= p at 6 per pair."""
    at5 = small.frames(5).set_index(["warnum", "state"])["p_model"]
    at6 = small.frames(6).set_index(["warnum", "state"])["p_model"]
    assert (at5 >= at6).all()


@pytest.mark.slow
def test_a_wars_forecast_does_not_depend_on_the_other_wars_or_workers(small):
    """War 58 alone, with two workers, gives the same forecasts as among the three."""
    alone = run_validation([58], replications=6, seed=3, workers=2).frames(6)
    among = small.frames(6)
    assert np.array_equal(alone["p_model"].to_numpy(), among[among["warnum"] == 58]["p_model"].to_numpy())


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> list:
    """`alliance-sim validation --wars 1,58 --reps 3` written with one worker and with two."""
    folders = []
    for workers in ("1", "2"):
        folders.append(tmp_path_factory.mktemp("validation") / f"w{workers}")
        done = cli("validation", "--wars", "1,58", "--reps", "3", "--workers", workers, "--out", folders[-1], "--quiet")
        assert done.returncode == 0, done.stderr
    return folders


@pytest.mark.slow
def test_same_bytes_with_one_or_two_workers(written):
    """The written tables are identical byte for byte with one worker and with two."""
    for name in ("validation_pairs.csv", "validation_wars.csv", "validation_scores.csv", "validation_reliability.csv",
                 "validation_durations.csv", "validation_entries.csv"):
        assert (written[0] / name).read_bytes() == (written[1] / name).read_bytes(), name


@pytest.mark.slow
def test_command_writes_tables_and_figure(written, tmp_path):
    """`alliance-sim validation --wars 1,58 --reps 3` writes every table and the diagram; 139 exits 2."""
    names = {p.name for p in written[0].iterdir()}
    assert {"validation_pairs.csv", "validation_scores.csv", "reliability.png", "meta.json"} <= names
    assert (written[0] / "reliability.png").read_bytes()[:4] == b"\x89PNG"
    bad = cli("validation", "--wars", "139", "--out", tmp_path / "x")
    assert bad.returncode == 2 and "held out" in bad.stderr and "Traceback" not in bad.stderr


def test_the_printed_table_shows_the_headline(small, tmp_path, capsys, monkeypatch):
    """The console table of `alliance-sim validation` carries the conditional Monte Carlo's rows (the
    headline of docs/validation.md) and the entry-timing rows, not only the share's."""
    from sim.cli.commands.validation import _show

    monkeypatch.setenv("COLUMNS", "200")  # wide enough that rich does not shorten the metrics' names
    _show(small, tmp_path)
    out = capsys.readouterr().out
    assert "cmc_auc" in out and "cmc_side_skill" in out and "duration_coverage" in out
    assert ("entry_coverage" in out) == ("entry_coverage_10_90" in set(small.scores["metric"]))


def test_sides_are_read_relative_to_the_initiator():
    """COW numbers France side 2 in 1870 although it is the first initiator: a state that fought
    beside Prussia (side 1 in COW) and joined against France in the model is on its record's side.
    Of the model's joins of real joiners, those on the record's side are never more than all of them."""
    war = v.pick_wars(v.read_wars(), [58])[0]
    assert war.initiator == "FRN" and war.sides["FRN"] == 2 and war.sides["BAV"] == 1
    assert record_side(war, "BAV", 4, 0) == 4 and record_side(war, "BAV", 4, 1) == 3
    assert record_side(war, "AUH", 4, 4) == 0  # did not fight
    result = v.simulate_war(war, 10, 0)
    frame = pairs([war], [result], {58: 0.01}, 10, 6)
    real = frame[frame["joined"] == 1]
    assert (real["p_model_record_side"] <= real["p_model"] + 1e-12).all()
    assert (frame.loc[frame["joined"] == 0, "p_model_record_side"] == 0).all()
    joined_any = {s for s, n in result["counts"][6].items() if n}
    assert joined_any & {"BAV", "BAD", "WRT"}, "the southern states join in some of 10 replications"
    assert real.set_index("state").loc[sorted(joined_any & {"BAV", "BAD", "WRT"}), "p_model_record_side"].gt(0).all()


def test_the_simulator_and_the_equation_scored_at_the_same_replications():
    """A simulator that reproduces a forecast p exactly, scored as a share of R runs: its noise-free
    skill is, on average over draws, the skill of p itself, and its plain skill averages the
    equation's skill at R replications (`equation_at_replications`), within three standard errors
    of the mean over 300 seeded draws; the AUC of a share of 20 runs is below p's own."""
    rng = np.random.default_rng(7)
    n, reps = 4000, 20
    p = rng.beta(0.3, 20.0, n)
    y = (rng.random(n) < p).astype(int)
    base = pd.DataFrame({"warnum": 0, "joined": y, "p_climatology": np.full(n, p.mean()), "p_baseline": p})
    exact = vs.skill(base.assign(p_model=p), "climatology")
    plain, free = [], []
    for _ in range(300):
        frame = base.assign(p_model=rng.binomial(reps, p) / reps)
        plain.append(vs.skill(frame, "climatology"))
        free.append(vs.noise_free_skill(frame, reps))
    at_reps = vs.equation_at_replications(base, reps)
    se = lambda values: np.std(values) / np.sqrt(len(values))  # noqa: E731
    assert abs(np.mean(free) - exact) < 3 * se(free)
    assert abs(np.mean(plain) - at_reps["baseline_skill_vs_climatology_at_reps"]) < 3 * se(plain)
    assert at_reps["baseline_skill_vs_climatology_at_reps"] < exact - 10 * se(plain)  # a real loss, not a rounding
    assert at_reps["baseline_auc_at_reps"] < vs.auc(base, "p_baseline")  # ties at 0 cost the ranking
    assert set(vs.at_replications(frame, reps)) == {"skill_vs_climatology_noise_free", *at_reps}
