"""`alliance-sim plot`: every figure writes a valid, non-trivial PNG from the data it is given."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from clirun import cli
from matplotlib.figure import Figure

import sim.plot as plot
from sim.plot.cascade import busiest_rep, positions, typical_rep
from sim.plot.sweep import load_sweep
from sim.scenario.errors import InputErrors

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"
STATES = {"USA": (38.9, -77.0), "CHN": (39.9, 116.4), "TWN": (25.0, 121.5), "JPN": (35.7, 139.7),
          "AUS": (-35.3, 149.1), "RUS": (55.8, 37.6)}


def _write(file: Path, header: list[str], rows: list[list]) -> None:
    with open(file, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _cascade_events(rep: int, war: bool) -> list[list]:
    """CHN attacks TWN; TWN answers; the USA honours and enters via a pact; JPN follows USA."""
    events = [[rep, 0, 1, "", "scenario.name_threat", "USA", "CHN", 1, "", ""]]  # ids count from 1 a replication
    if war:
        events += [[rep, 40, 2, 1, "attack", "CHN", "TWN", 5, "", ""],
                   [rep, 40, 3, 2, "self_defence", "TWN", "CHN", 5, "", ""],
                   [rep, 55, 4, 2, "honour", "USA", "CHN", 5, "TRA", ""],
                   [rep, 70, 5, 4, "entry", "USA", "CHN", 6, "TRA", ""],
                   [rep, 90, 6, 5, "entry", "JPN", "CHN", 6, "US-JPN", ""]]
    return events


def write_full_run(folder: Path, reps: int = 12, seed: int = 0, tension_shift: float = 0.0,
                   p_war: float = 0.5) -> Path:
    """A run folder with all four tables and a meta.json, drawn from known distributions."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    wars = rng.random(reps) < p_war
    days = np.arange(0, 365, 7)
    tension = [[k, t, s, round(float(np.clip(0.2 + 0.3 * (i == 1) + tension_shift + t / 2000
                                             + rng.normal(0, 0.05), 0, 1)), 4)]
               for k in range(reps) for t in days for i, s in enumerate(STATES)]
    tension += [[k, t, "CHN-USA", 0.5] for k in range(reps) for t in days]
    states = [[k, s, 6 if wars[k] and s in ("CHN", "TWN", "USA", "JPN") else 3,
               {"CHN": 40, "TWN": 40, "USA": 70, "JPN": 90}.get(s, "") if wars[k] else "",
               {"CHN": "attack", "TWN": "self_defence", "USA": "TRA", "JPN": "US-JPN"}.get(s, "")
               if wars[k] else ""] for k in range(reps) for s in STATES]
    summary = [[k, 100 + k, 6 if wars[k] else int(rng.integers(1, 5)), 40 if wars[k] else "",
                4 * int(wars[k]), 2 * int(wars[k]), 0.3, 0.6, 0.4, int(wars[k])] for k in range(reps)]
    _write(folder / "summary.csv", ["rep", "seed", "max_level", "t_first_clash", "n_belligerents",
                                    "n_drawn_in", "mean_tension", "peak_tension", "end_tension",
                                    "war_CHN_USA"], summary)
    _write(folder / "events.csv", ["rep", "t", "event_id", "cause_id", "kind", "actor", "target",
                                   "level", "pact", "detail"],
           [e for k in range(reps) for e in _cascade_events(k, wars[k])])
    _write(folder / "tension.csv", ["rep", "t", "state", "tension"], tension)
    _write(folder / "states.csv", ["rep", "state", "max_level", "t_entry", "entered_via"], states)
    scenario = {"name": folder.name, "states": {s: {"lat": la, "lon": lo, "name": s}
                                                for s, (la, lo) in STATES.items()},
                "watch": {"states": ["TWN"], "dyads": [["CHN", "USA"]]}}
    meta = {"name": folder.name, "horizon_days": 365, "replications": reps, "seed": seed,
            "scenario": scenario}
    (folder / "meta.json").write_text(json.dumps(meta))
    return folder


def write_sweep(folder: Path, reps: int = 10) -> Path:
    """runs.csv over a 3 x 2 grid: war more likely at low reliability and high misperception."""
    rng = np.random.default_rng(3)
    folder.mkdir(parents=True, exist_ok=True)
    rows, point = [], 0
    for rel in (0.25, 0.5, 0.75):
        for mis in (0.0, 0.4):
            p = 0.2 + 0.5 * (0.75 - rel) + mis
            for rep in range(reps):
                war = int(rng.random() < p)
                tension = round(float(rng.normal(0.3 + mis / 4, 0.03)), 4)
                rows.append([point, rep, 100 + rep, rel, mis, 6 if war else 3, 40 if war else "",
                             3 * war + int(rng.integers(0, 2)), war, tension])
            point += 1
    params = ["alliances.QUAD.reliability", "parameters.perception.misperception"]
    _write(folder / "runs.csv", ["point", "rep", "seed", *params, "max_level", "t_first_clash",
                                 "n_belligerents", "war_CHN_USA", "mean_tension"], rows)
    (folder / "manifest.json").write_text(json.dumps({"name": "quad", "parameters": {p: [] for p in params},
                                                      "scenario": {"horizon_days": 365}}))
    return folder


def assert_png(file: Path) -> None:
    """A real PNG of more than a few kilobytes."""
    data = Path(file).read_bytes()
    assert data[:8] == PNG and len(data) > 8000, (file, len(data))


@pytest.fixture
def runs(tmp_path):
    """Two runs, B more tense and more often at war than A."""
    return (write_full_run(tmp_path / "baseline", seed=1, p_war=0.3),
            write_full_run(tmp_path / "concept", seed=2, tension_shift=0.1, p_war=0.8))


@pytest.mark.parametrize("make", [plot.tension_over_time, plot.ladder_distribution, plot.war_entry,
                                  plot.cascade])
def test_each_run_figure_is_a_png_alone_and_overlaid(tmp_path, runs, make):
    for other in (None, runs[1]):
        fig = make(runs[0], other=other)
        assert isinstance(fig, Figure) and fig.axes[0].get_title() or fig.get_suptitle()
        file = tmp_path / f"{make.__name__}_{other is not None}.png"
        fig.savefig(file)
        assert_png(file)


def test_figures_take_dataframes(runs):
    run = plot.load_run(runs[0])
    frames = plot.Run("mine", summary=pd.DataFrame(run.summary), states=run.states.copy(),
                      tension=run.tension.copy())
    assert plot.ladder_distribution(frames).axes[0].get_ylabel() == "share of replications (%)"
    assert plot.tension_over_time(frames).axes[-1].get_xlabel() == "day of the simulation"
    assert plot.war_entry(frames).axes[0].get_yticklabels()[0].get_text() in {"CHN", "TWN", "USA", "JPN"}
    with pytest.raises(InputErrors, match="no events.csv"):
        plot.cascade(frames)


def test_figures_take_single_tables(runs):
    summary = pd.read_csv(runs[0] / "summary.csv")
    tension = pd.read_csv(runs[1] / "tension.csv")
    assert plot.as_run(summary).summary is summary
    fig = plot.tension_over_time(pd.read_csv(runs[0] / "tension.csv"), other=tension, states=["CHN"])
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["A: median", "B: median"]
    assert plot.ladder_distribution(summary).axes[0].get_title()
    sweep = pd.read_csv(write_sweep(runs[0].parent / "sw") / "runs.csv")
    assert plot.sweep_metrics(sweep, "alliances.QUAD.reliability", ["n_belligerents"]).axes


def test_ladder_axis_names_every_level(runs):
    ax = plot.ladder_distribution(runs[0]).axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "0\nnormal" and labels[5] == "5\narmed clash" and labels[7] == "7\nnuclear"


def test_tension_shows_watched_state_first(runs):
    fig = plot.tension_over_time(runs[0])
    assert fig.axes[0].get_title() == "TWN  (watched)"
    assert fig.axes[0].get_ylim() == (-0.02, 1.02)


def test_entry_probabilities_and_median_days(runs):
    run = plot.load_run(runs[0])
    table = plot.entry_table(run.states, run.replications)
    wars = run.summary["war_CHN_USA"].mean()
    assert table.loc["USA", "probability"] == pytest.approx(wars)
    assert table.loc["JPN", "median"] == 90
    assert "RUS" not in table.index


def test_cascade_defaults_to_a_typical_rep_and_places_states_on_the_map(runs):
    """The default replication is at the median number of belligerents, and the title says so."""
    run = plot.load_run(runs[0])
    rep = busiest_rep(run)
    assert run.summary.set_index("rep").loc[rep, "n_belligerents"] == run.summary["n_belligerents"].max()
    assert positions(run)["AUS"] == (149.1, -35.3)
    typical, why = typical_rep(run)
    counts = run.summary.set_index("rep")["n_belligerents"]
    assert counts[typical] == sorted(counts)[(len(counts) - 1) // 2]
    default = plot.cascade(run).axes[0].get_title()
    assert f"replication {typical}:" in default and "typical: the median number of belligerents" in default
    ax = plot.cascade(run, rep=rep).axes[0]
    assert f"replication {rep}:" in ax.get_title()
    texts = {t.get_text() for t in ax.texts}
    assert {"TRA (honour, entry), day 55", "attack, day 40", "US-JPN (entry), day 90"} <= texts
    assert "longitude" in ax.get_xlabel()


def test_cascade_draws_the_joining_route(runs):
    """With the fitted joining decision (the default) a state enters by `join`, caused by its honour
    of the invocation: the map draws the arc, labelled with the pact and both events."""
    folder = runs[0]
    run = plot.load_run(folder)
    rep = busiest_rep(run)
    events = pd.read_csv(folder / "events.csv")
    extra = pd.DataFrame([[rep, 100, 90, 2, "invocation", "USA", "CHN", None, "ANZUS", "defence"],
                          [rep, 130, 91, 90, "honour", "AUS", "CHN", 6, "ANZUS", "defence"],
                          [rep, 130, 92, 91, "join", "AUS", "CHN", 6, "ANZUS", None]], columns=events.columns)
    pd.concat([events, extra]).to_csv(folder / "events.csv", index=False)
    texts = {t.get_text() for t in plot.cascade(plot.load_run(folder), rep=rep).axes[0].texts}
    assert "ANZUS (honour, join), day 130" in texts


def test_save_run_writes_all_four(tmp_path, runs):
    written = plot.save_run(runs[0], tmp_path / "out", rep=0, other=runs[1])
    assert sorted(p.name for p in written) == ["cascade.png", "entry.png", "ladder.png", "tension.png"]
    for file in written:
        assert_png(file)


@pytest.mark.slow
def test_sweep_figures(tmp_path):
    folder = write_sweep(tmp_path / "sweep")
    sweep = load_sweep(folder)
    assert sweep.parameters == ["alliances.QUAD.reliability", "parameters.perception.misperception"]
    fig = plot.sweep_metrics(sweep, "alliances.QUAD.reliability")
    assert "pooled over parameters.perception.misperception" in fig.get_suptitle()
    written = plot.save_sweep(folder, tmp_path / "png", other=folder)
    names = {p.name for p in written}
    stem = "sweep_alliances_QUAD_reliability"
    assert {f"{stem}_summary.png", f"{stem}_watched.png"} <= names
    assert any(n.startswith("heatmap_n_belligerents") for n in names)
    for file in written:
        assert_png(file)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`alliance-sim plot ...` from the repository root (in-process)."""
    return cli("plot", *args)


@pytest.mark.slow
def test_cli_writes_pngs_and_rejects_bad_folders(tmp_path, runs):
    result = run_cli(str(runs[0]), "--out", str(tmp_path / "png"), "--compare", str(runs[1]))
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) == 4
    for bad, message in (([str(tmp_path / "nowhere")], "no such folder"),
                         ([str(tmp_path)], "neither a run folder"),
                         ([str(runs[0]), "--rep", "999"], "no replication 999"),
                         ([str(write_sweep(tmp_path / "sw")), "--rep", "1"], "a sweep folder has none")):
        result = run_cli(*bad)
        assert result.returncode == 2 and message in result.stderr, result.stderr
