"""Figures of a sweep: each metric against each swept parameter, and heatmaps over two parameters.

Reads a sweep folder's ``runs.csv`` (``point, rep, seed``, the swept parameters, the metrics) and
``manifest.json`` (``parameters`` and the horizon). A time to an event that may never come is
shown as the share of replications where it came before the horizon.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats as st

from sim.analysis.stats import label, metric_kind
from sim.engine.tables import SUMMARY_METRICS
from sim.plot.figure import COLOURS, figure, save
from sim.plot.tables import read_json, read_table
from sim.scenario.errors import InputError, InputErrors

__all__ = [
    "SCATTERED",
    "Sweep",
    "load_sweep",
    "metric_values",
    "save_sweep",
    "scattered",
    "sweep_heatmap",
    "sweep_metrics",
    "sweep_scatter",
]

KEYS = ("point", "rep", "seed")
HEATMAP_FIRST = ("n_belligerents", "max_level", "t_first_clash", "n_drawn_in")


@dataclass
class Sweep:
    """A sweep's replications, its swept parameters (in file order) and its name."""

    name: str
    runs: pd.DataFrame
    parameters: list[str]

    @property
    def metrics(self) -> list[str]:
        """Numeric metric columns whose plotted values vary somewhere in the sweep."""
        cols = [c for c in self.runs if c not in KEYS and c not in self.parameters]
        return [c for c in cols if pd.api.types.is_numeric_dtype(self.runs[c])
                and metric_values(self.runs, c)[0].nunique(dropna=True) > 1]

    def groups(self) -> dict[str, list[str]]:
        """The varying metrics as ``summary`` (the run's own) and ``watched`` (per dyad and state)."""
        core = [m for m in self.metrics if m in SUMMARY_METRICS]
        return {"summary": core, "watched": [m for m in self.metrics if m not in core]}


def load_sweep(folder: str | Path, name: str | None = None) -> Sweep:
    """Read ``runs.csv`` and ``manifest.json`` (parameters: its ``parameters``, else dotted columns)."""
    folder = Path(folder)
    file = folder / "runs.csv" if folder.is_dir() else folder
    if not file.is_file():
        raise InputErrors(InputError("no runs.csv: not a sweep folder", str(folder)))
    runs = read_table(file, "runs")
    doc = read_json(file.parent / "manifest.json")
    params = [p for p in (doc.get("parameters") or {}) if p in runs] or [c for c in runs if "." in c]
    if not params:
        raise InputErrors(InputError("no swept parameter found (manifest.json or dotted columns)", str(file)))
    return Sweep(name or doc.get("sweep") or doc.get("name") or file.parent.name, runs, params)


def metric_values(runs: pd.DataFrame, metric: str) -> tuple[pd.Series, str]:
    """The per-replication values to average and the axis label: times become 0/1 (came at all)."""
    if metric.startswith("t_"):
        what = label(metric).removeprefix("days to ")
        return runs[metric].notna().astype(float) * 100, f"{what} before the horizon\n(% of reps)"
    if metric_kind(metric, runs[metric].to_numpy(dtype=float)) == "binary":
        return runs[metric] * 100, f"{label(metric)} (% of reps)"
    return runs[metric], label(metric)


def _ordered(values: pd.Series) -> list:
    unique = list(dict.fromkeys(values.dropna()))
    try:
        return sorted(unique, key=float)
    except (TypeError, ValueError):
        return unique


_SHARE = "% of reps"  # in the label of a metric drawn as a share (see metric_values)
SCATTERED = 12
"""A parameter with more distinct values than this was sampled (random, Latin hypercube, Sobol'),
not gridded: its figures are scatters with a smoothed trend, not lines and heatmaps."""


def _mean_ci(values: pd.Series, share: bool = False) -> tuple[float, float, float]:
    """Mean and its 95% interval, inside the values' valid range: Wilson's (1927) interval for a
    `share` (values 0 or 100, in percent), else Student's t, or a percentile bootstrap (Efron 1979)
    when t's interval would leave the range of what was observed (a count below 0)."""
    values = values.dropna().astype(float)
    mean = float(values.mean()) if len(values) else float("nan")
    if len(values) < 2:
        return mean, mean, mean
    if share and values.isin([0.0, 100.0]).all():
        ci = st.binomtest(int((values == 100).sum()), len(values)).proportion_ci(method="wilson")
        return mean, 100 * ci.low, 100 * ci.high
    half = float(st.t.ppf(0.975, len(values) - 1) * values.sem())
    if values.min() <= mean - half and mean + half <= values.max() or half == 0:
        return mean, mean - half, mean + half
    boot = st.bootstrap((values.to_numpy(),), np.mean, n_resamples=999, method="percentile",
                        random_state=np.random.default_rng(0)).confidence_interval
    return mean, float(boot.low), float(boot.high)


def scattered(runs: pd.DataFrame, parameter: str) -> bool:
    """Whether a parameter was sampled rather than gridded (more than SCATTERED distinct values)."""
    return runs[parameter].nunique(dropna=True) > SCATTERED


def _panel(ax, sweeps: list[Sweep], parameter: str, metric: str) -> None:
    for i, (sweep, colour) in enumerate(zip(sweeps, COLOURS)):
        values, ylabel = metric_values(sweep.runs, metric)
        ax.set_ylabel(ylabel, fontsize=8)
        if scattered(sweep.runs, parameter):
            _trend(ax, sweep, parameter, values, colour, _SHARE in ylabel)
            continue
        levels = _ordered(sweep.runs[parameter])
        points = np.array([_mean_ci(values[sweep.runs[parameter] == v], _SHARE in ylabel) for v in levels])
        x = _positions(levels) + 0.02 * i * (len(levels) > 1)
        ax.errorbar(x, points[:, 0], yerr=[points[:, 0] - points[:, 1], points[:, 2] - points[:, 0]],
                    color=colour, marker="o", capsize=3, label=sweep.name)
        if not _numeric(levels):
            ax.set_xticks(np.arange(len(levels)), [str(v) for v in levels])
    ax.grid(alpha=0.3)


def _trend(ax, sweep: Sweep, parameter: str, values: pd.Series, colour: str, share: bool,
           bins: int = 8) -> None:
    """Each point's mean as a dot, and a smoothed trend: the mean of the replications in each of
    `bins` equal-count bins of the parameter, with its 95% interval as a band."""
    frame = pd.DataFrame({"x": sweep.runs[parameter].astype(float), "v": values.astype(float)})
    means = frame.groupby("x")["v"].mean()
    ax.scatter(means.index, means.to_numpy(), s=9, color=colour, alpha=0.45, linewidths=0)
    frame["bin"] = pd.qcut(frame["x"], min(bins, means.size), labels=False, duplicates="drop")
    trend = np.array([(group["x"].mean(), *_mean_ci(group["v"], share)) for _, group in frame.groupby("bin")])
    ax.plot(trend[:, 0], trend[:, 1], color=colour, label=f"{sweep.name} (binned mean)")
    ax.fill_between(trend[:, 0], trend[:, 2], trend[:, 3], color=colour, alpha=0.2, linewidth=0)


def _numeric(levels: list) -> bool:
    try:
        [float(v) for v in levels]
        return True
    except (TypeError, ValueError):
        return False


def _positions(levels: list) -> np.ndarray:
    return np.array([float(v) for v in levels]) if _numeric(levels) else np.arange(len(levels), dtype=float)


def _as_sweep(data) -> Sweep | None:
    if isinstance(data, pd.DataFrame):  # a runs.csv read by the caller: dotted columns are swept
        return Sweep("sweep", data, [c for c in data.columns if "." in c])
    return data if data is None or isinstance(data, Sweep) else load_sweep(data)


def _required(sweep: Sweep | None) -> Sweep:
    if sweep is None:
        raise TypeError("a sweep folder, a Sweep or a runs.csv DataFrame is required")
    return sweep


def sweep_metrics(sweep: Sweep | str | Path, parameter: str, metrics: list[str] | None = None,
                  other: Sweep | str | Path | None = None) -> Figure:
    """Mean of each metric (95% interval, other parameters pooled) against one swept parameter."""
    sweeps = [s for s in (_as_sweep(sweep), _as_sweep(other)) if s is not None]
    if parameter not in sweeps[0].parameters:
        raise InputErrors(InputError(f"'{parameter}' is not a swept parameter of {sweeps[0].name}; "
                                     f"swept: {', '.join(sweeps[0].parameters)}"))
    metrics = metrics or sweeps[0].metrics
    cols = min(4, len(metrics))
    rows = int(np.ceil(len(metrics) / cols))
    fig = figure(3.6 * cols, 2.6 * rows + 0.8)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, metric in zip(axes, metrics):
        _panel(ax, [s for s in sweeps if metric in s.runs and parameter in s.runs], parameter, metric)
        ax.set_xlabel(parameter, fontsize=8)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    axes[0].legend(fontsize=8)
    pooled = [p for p in sweeps[0].parameters if p != parameter]
    how = ("each point's mean (dots); the mean of equal-count bins with its 95% interval (line, band)"
           if scattered(sweeps[0].runs, parameter) else "mean and 95% interval over replications")
    fig.suptitle(f"Metrics against {parameter}: {how}"
                 + (f"\n(pooled over {', '.join(pooled)})" if pooled else ""))
    return fig


def sweep_scatter(sweep: Sweep | str | Path, x: str, y: str, metric: str) -> Figure:
    """Each point of a sampled design at its two parameter values, coloured by the mean of ``metric``."""
    sweep = _required(_as_sweep(sweep))
    values, what = metric_values(sweep.runs, metric)
    means = pd.DataFrame({"x": sweep.runs[x], "y": sweep.runs[y], "v": values}).groupby(["x", "y"])["v"].mean()
    fig = figure(6.5, 5)
    ax = fig.subplots()
    dots = ax.scatter(means.index.get_level_values("x"), means.index.get_level_values("y"), c=means.to_numpy(),
                      cmap="viridis", s=36, edgecolors="none")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    fig.colorbar(dots, ax=ax, label=what.replace("\n", " "))
    ax.set_title(f"{sweep.name}: {what.splitlines()[0]},\nmean over the replications of each of {len(means)} points",
                 fontsize=10)
    return fig


def sweep_heatmap(sweep: Sweep | str | Path, x: str, y: str, metric: str) -> Figure:
    """Mean of ``metric`` over the grid of two swept parameters, each cell annotated (a sampled
    design, whose points fill no grid, is drawn by :func:`sweep_scatter`)."""
    sweep = _required(_as_sweep(sweep))
    if scattered(sweep.runs, x) or scattered(sweep.runs, y):
        return sweep_scatter(sweep, x, y, metric)
    values, what = metric_values(sweep.runs, metric)
    table = pd.DataFrame({"x": sweep.runs[x], "y": sweep.runs[y], "v": values})
    grid = table.groupby(["y", "x"])["v"].mean().unstack()
    grid = grid.reindex(index=_ordered(table["y"]), columns=_ordered(table["x"]))
    fig = figure(1.6 + 1.1 * grid.shape[1], 1.6 + 0.7 * grid.shape[0])
    ax = fig.subplots()
    image = ax.imshow(grid.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis")
    for (i, j), v in np.ndenumerate(grid.to_numpy(dtype=float)):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=8,
                    color="white" if v < np.nanmean(grid.to_numpy(dtype=float)) else "black")
    ax.set_xticks(range(grid.shape[1]), [str(v) for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [str(v) for v in grid.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    fig.colorbar(image, ax=ax, label=what.replace("\n", " "))
    sizes = table.groupby(["y", "x"]).size()
    per = f"{sizes.min()}" if sizes.min() == sizes.max() else f"{sizes.min()}-{sizes.max()}"
    ax.set_title(f"{sweep.name}: {what.splitlines()[0]},\nmean over {per} replications a cell", fontsize=10)
    return fig


def _heatmap_metrics(sweep: Sweep, most: int = 4) -> list[str]:
    wars = [m for m in sweep.metrics if m.startswith("war_")]
    return [m for m in (*HEATMAP_FIRST, *wars) if m in sweep.metrics][:most]


def save_sweep(folder: str | Path, out: str | Path, other: str | Path | None = None,
               progress: Callable[[int, int, Path], None] | None = None) -> list[Path]:
    """Write PNGs per swept parameter (summary metrics, watched metrics; those that never vary are
    left out) and a heatmap (or, for a sampled design, a scatter) per pair of parameters and key
    metric; `progress(done, total, file)` is called after each."""
    sweep, second = load_sweep(folder), (load_sweep(other) if other else None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[Path, Callable[[], Figure]]] = [
        (out / f"sweep_{parameter.replace('.', '_')}_{group}.png",
         functools.partial(sweep_metrics, sweep, parameter, metrics, other=second))
        for parameter, (group, metrics) in itertools.product(sweep.parameters, sweep.groups().items()) if metrics]
    jobs += [(out / (f"heatmap_{metric}_{x}_{y}".replace(".", "_") + ".png"),
              functools.partial(sweep_heatmap, sweep, x, y, metric))
             for x, y in itertools.combinations(sweep.parameters, 2) for metric in _heatmap_metrics(sweep)]
    written = []
    for file, draw in jobs:
        written.append(save(draw(), file))
        if progress is not None:
            progress(len(written), len(jobs), file)
    return written
