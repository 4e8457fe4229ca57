"""Figures of a run: tension over time, the highest ladder level, entry into war, and the cascade.

Every function takes DataFrames (or a run folder) and returns a :class:`matplotlib.figure.Figure`
without touching pyplot's global state, so they work in notebooks and headless (Agg) alike.
Pass ``other=`` (a second run) to overlay B on A. Sweeps: :mod:`sim.plot.sweep`; the cascade
graph: :mod:`sim.plot.cascade`; writing PNGs: :func:`save_run`, :func:`save_sweep`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.model.ladder import LEVEL_NAMES as LEVELS
from sim.plot.cascade import cascade
from sim.plot.figure import COLOURS, Run, as_run, figure, load_run, save
from sim.scenario.errors import InputError, InputErrors, suggest

__all__ = ["tension_over_time", "ladder_distribution", "war_entry", "save_run"]

def _runs(run, other) -> list[Run]:
    return [r for r in (as_run(run, "A"), as_run(other, "B")) if r is not None]


def _watched_states(run: Run) -> list[str]:
    watch = (run.meta.get("scenario") or {}).get("watch") or {}
    return list(watch.get("states") or [])


def _pick_states(runs: list[Run], most: int) -> list[str]:
    """Watched states first, then the states with the highest median tension, ``most`` in all."""
    chosen = [s for r in runs for s in _watched_states(r)]
    table = pd.concat([r.tension for r in runs if r.tension is not None])
    states = table[~table["state"].str.contains("-", regex=False)]
    ranking = states.groupby("state")["tension"].median().sort_values(ascending=False).index
    return list(dict.fromkeys(chosen + list(ranking)))[:most]


def _bands(tension: pd.DataFrame, state: str) -> pd.DataFrame:
    rows = tension[tension["state"] == state]
    return rows.groupby("t")["tension"].quantile([0.1, 0.5, 0.9]).unstack()


def _tension_panel(ax, runs: list[Run], state: str) -> None:
    for run_, colour, style in zip(runs, COLOURS, ("-", "--")):
        band = _bands(run_.tension, state)
        ax.fill_between(band.index, band[0.1], band[0.9], color=colour, alpha=0.2, lw=0)
        ax.plot(band.index, band[0.5], color=colour, ls=style, lw=1.8, label=f"{run_.name}: median")
    ax.set_title(state + ("  (watched)" if state in _watched_states(runs[0]) else ""))
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)


def tension_over_time(run: Run | pd.DataFrame | str | Path,
                      other: Run | pd.DataFrame | str | Path | None = None,
                      states: list[str] | None = None, most: int = 6) -> Figure:
    """Median tension per day with its 10-90% band across replications, one panel per state.

    The watched states come first, then the most tense (highest median tension) up to ``most``.
    """
    runs = [r for r in _runs(run, other) if r.tension is not None]
    if not runs:
        raise InputErrors(InputError("no tension.csv to plot", path="tension"))
    states = states or _pick_states(runs, most)
    cols = min(3, len(states))
    rows = int(np.ceil(len(states) / cols))
    fig = figure(4.2 * cols, 2.9 * rows + 0.5)
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)).ravel()
    for ax, state in zip(axes, states):
        _tension_panel(ax, runs, state)
    for ax in axes[len(states):]:
        ax.set_visible(False)
    for ax in axes[::cols]:
        ax.set_ylabel("tension (0 to 1)")
    for ax in axes[-cols:]:
        ax.set_xlabel("day of the simulation")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2, fontsize=8,
               title="tension = perceived threat, 0 none to 1 certain; line: median over replications; "
                     "shaded: 10% to 90% of them", title_fontsize=8)
    fig.suptitle("Tension over time: median and 10-90% band across replications "
                 f"({', '.join(f'{r.name}: {r.replications}' for r in runs)})")
    return fig


def _level_shares(summary: pd.DataFrame) -> np.ndarray:
    counts = summary["max_level"].round().astype(int).value_counts()
    return np.array([counts.get(level, 0) for level in range(len(LEVELS))]) / len(summary)


def ladder_distribution(run: Run | pd.DataFrame | str | Path,
                        other: Run | pd.DataFrame | str | Path | None = None) -> Figure:
    """Share of replications by the highest escalation level reached (0 normal ... 7 nuclear)."""
    runs = [r for r in _runs(run, other) if r.summary is not None]
    if not runs:
        raise InputErrors(InputError("no summary.csv to plot", path="max_level"))
    fig = figure(9, 4.5)
    ax = fig.subplots()
    width = 0.8 / len(runs)
    x = np.arange(len(LEVELS))
    for i, (run_, colour) in enumerate(zip(runs, COLOURS)):
        summary = run_.summary
        if summary is None:
            raise ValueError(f"{run_.name} has no summary table")
        shares = 100 * _level_shares(summary)
        bars = ax.bar(x + (i - (len(runs) - 1) / 2) * width, shares, width, color=colour,
                      label=f"{run_.name} ({len(summary)} replications)")
        ax.bar_label(bars, [f"{v:.0f}%" if v > 0 else "" for v in shares], fontsize=7, padding=1)
    ax.set_xticks(x, [f"{k}\n{name}" for k, name in enumerate(LEVELS)])
    ax.set_xlabel("highest level of the escalation ladder reached in the replication")
    ax.set_ylabel("share of replications (%)")
    ax.set_title("How far up the escalation ladder each replication went")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    return fig


def entry_table(states: pd.DataFrame, replications: int) -> pd.DataFrame:
    """Per state: probability of entering a war (share of replications) and median entry day."""
    entered = states.dropna(subset=["t_entry"])
    table = entered.groupby("state")["t_entry"].agg(["count", "median"])
    table["probability"] = table["count"] / max(replications, 1)
    return table.sort_values("probability", ascending=False)


def war_entry(run: Run | pd.DataFrame | str | Path, other: Run | pd.DataFrame | str | Path | None = None,
              most: int = 20) -> Figure:
    """Each state's probability of entering a war, labelled with its median entry day."""
    runs = [r for r in _runs(run, other) if r.states is not None]
    if not runs:
        raise InputErrors(InputError("no states.csv to plot", path="t_entry"))
    tables = [entry_table(r.states, r.replications) for r in runs]
    order = list(dict.fromkeys(s for t in tables for s in t.index))[:most]
    fig = figure(9, 1.2 + 0.38 * max(len(order), 3))
    ax = fig.subplots()
    height = 0.8 / len(runs)
    for i, (run_, table, colour) in enumerate(zip(runs, tables, COLOURS)):
        y = np.arange(len(order)) + (i - (len(runs) - 1) / 2) * height
        table = table.reindex(order)
        ax.barh(y, 100 * table["probability"].fillna(0), height, color=colour,
                label=f"{run_.name} ({run_.replications} replications)")
        for yy, p, day in zip(y, table["probability"], table["median"]):
            if p > 0:
                ax.text(100 * p + 0.5, yy, f"median day {day:.0f}", va="center", fontsize=7)
    ax.set_yticks(np.arange(len(order)), order)
    ax.invert_yaxis()
    ax.set_xlim(0, 115)
    ax.set_xlabel("probability of entering a war (% of replications); label: median entry day")
    ax.set_title("Which states enter a war, how often and when")
    if not order:
        ax.text(57, 0.5, "no state entered a war in any replication", ha="center")
    fig.legend(loc="outside lower center", ncol=2)
    ax.grid(axis="x", alpha=0.3)
    return fig


def save_run(folder: str | Path, out: str | Path, rep: int | None = None,
             other: str | Path | None = None, states: list[str] | None = None) -> list[Path]:
    """Write the run's PNGs (with ``other`` overlaid) into ``out``; returns the files written.
    ``states``: the states whose tension to draw (default: the watched, then the most tense)."""
    run, second = load_run(folder), (load_run(other) if other else None)
    if states and run.tension is not None:
        _check_states(states, run.tension)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    figures = {"tension.png": (lambda a, b: tension_over_time(a, b, states=states or None), run.tension),
               "ladder.png": (ladder_distribution, run.summary), "entry.png": (war_entry, run.states)}
    written = [save(make(run, second), out / name) for name, (make, table) in figures.items()
               if table is not None]
    if run.events is not None:
        written.append(save(cascade(run, rep=rep, other=second), out / "cascade.png"))
    return written



def _check_states(states: list[str], tension: pd.DataFrame) -> None:
    """Every state asked for must be in tension.csv."""
    known = sorted(set(tension["state"]))
    errors = [InputError(f"no state '{s}' in tension.csv{suggest(s, known)}", path="--states")
              for s in states if s not in known]
    if errors:
        raise InputErrors(errors)
