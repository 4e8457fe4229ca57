"""Figures a new user can read (issue 11, item 11): sampled designs as scatters with a trend,
plain tick labels, intervals inside the valid range, capped sizes, progress, --states."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.image import AxesImage, imread

from sim.plot.figure import DPI, MAX_INCHES, figure, save
from sim.plot.sweep import _mean_ci, save_sweep, sweep_heatmap, sweep_metrics
from tests.test_plot import _write, run_cli, runs, write_full_run  # noqa: F401 (fixture)

PARAMS = ["parameters.perception.misperception", "parameters.decision.war_cost"]


def write_lhs(folder, points: int = 64, reps: int = 3):
    """runs.csv of a 64-point Latin hypercube: every point has its own value of each parameter."""
    rng = np.random.default_rng(5)
    folder.mkdir(parents=True, exist_ok=True)
    x = (rng.permutation(points) + rng.random(points)) / points
    y = 0.5 + 5.5 * (rng.permutation(points) + rng.random(points)) / points
    rows = []
    for point in range(points):
        for rep in range(reps):
            war = int(rng.random() < x[point])
            rows.append([point, rep, 10 + rep, round(x[point], 6), round(y[point], 6), 3 + 3 * war,
                         int(rng.integers(0, 3)) * war, war, round(0.99995 + 1e-5 * rng.random(), 7)])
    _write(folder / "runs.csv", ["point", "rep", "seed", *PARAMS, "max_level", "n_belligerents", "war_CHN_USA",
                                 "mean_tension"], rows)
    (folder / "manifest.json").write_text(json.dumps({"name": "lhs", "parameters": {p: {} for p in PARAMS}}))
    return folder


def test_a_sampled_design_is_drawn_as_scatters_with_a_trend_in_capped_figures(tmp_path):
    folder = write_lhs(tmp_path / "lhs")
    seen = []
    written = save_sweep(folder, tmp_path / "png", progress=lambda done, total, file: seen.append((done, total)))
    assert seen == [(k, len(written)) for k in range(1, len(written) + 1)]
    heat = sweep_heatmap(folder, *PARAMS, "n_belligerents").axes[0]
    assert not any(isinstance(a, AxesImage) for a in heat.get_children())
    assert sum(isinstance(c, PathCollection) for c in heat.collections) == 1
    assert len(heat.collections[0].get_offsets()) == 64
    panel = sweep_metrics(folder, PARAMS[0], ["war_CHN_USA"]).axes[0]
    assert any("binned mean" in line.get_label() for line in panel.lines)
    for file in written:
        height, width = imread(file).shape[:2]
        assert width <= MAX_INCHES[0] * DPI and height <= MAX_INCHES[1] * DPI


def test_tick_labels_are_absolute_and_a_tiny_range_is_named(tmp_path):
    fig = figure(4, 3)
    ax = fig.subplots()
    ax.plot([0, 1, 2], [0.99999, 0.999995, 1.0])
    ax.set_ylabel("mean tension")
    save(fig, tmp_path / "tiny.png")
    fig.canvas.draw()
    assert ax.yaxis.get_offset_text().get_text() == ""
    assert "tiny range" in ax.get_ylabel()
    assert all("e" not in t.get_text() for t in ax.get_yticklabels())


def test_intervals_of_shares_and_counts_stay_in_range():
    """Wilson's interval for a share; a bootstrap for a count whose t interval would go below 0."""
    mean, low, high = _mean_ci(pd.Series([100.0] * 10), share=True)
    assert mean == 100 and high == 100 and 60 < low < 100
    assert _mean_ci(pd.Series([0.0] * 16)) == (0, 0, 0)  # a count that is always 0 is not a share
    mean, low, high = _mean_ci(pd.Series([0.0] * 9 + [4.0]))
    assert low >= 0 and high <= 4 and low <= mean <= high


def test_plot_states_chooses_the_tension_panels(tmp_path, runs):  # noqa: F811
    result = run_cli(str(runs[0]), "--out", str(tmp_path / "png"), "--states", "JPN,USA")
    assert result.returncode == 0, result.stderr
    bad = run_cli(str(runs[0]), "--out", str(tmp_path / "png2"), "--states", "JPNN")
    assert bad.returncode == 2 and "no state 'JPNN' in tension.csv (did you mean 'JPN'?)" in bad.stderr
    from sim.plot.runs import save_run

    save_run(runs[0], tmp_path / "png3", states=["JPN"])
    assert (tmp_path / "png3" / "tension.png").is_file()
