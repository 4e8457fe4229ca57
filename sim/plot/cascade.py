"""The cascade of one replication drawn over the states' map positions.

Nodes sit at the capitals (lon/lat from meta.json's scenario states, else the bundled world);
arrows run from actor to target for the events that carry a war from state to state (attack,
self-defence, pact entry, a join by the fitted joining decision, honour, and scenario actions at
level 5 or above), each labelled with the pact or action and its first day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from sim.model.ladder import CLASH, NORMAL, NUCLEAR, SIGNALLING, TOP, WAR
from sim.model.ladder import LEVEL_NAMES as LEVELS
from sim.plot.figure import Run, as_run, figure
from sim.scenario.errors import InputError, InputErrors

__all__ = ["cascade", "typical_rep", "busiest_rep", "positions", "layout", "CASCADE_KINDS"]

CASCADE_KINDS = {"scenario": "#8c1515", "attack": "#d62728", "self_defence": "#ff7f0e",
                 "entry": "#6a3d9a", "join": "#9467bd", "honour": "#2ca02c"}
BEND = 0.2
LABEL_ALL = 12  # more links than this: label only the first link of each pact or action


def typical_rep(run: Run) -> tuple[int, str]:
    """A typical replication and why: the one at the (lower) median of the number of belligerents
    (lowest rep among equals), so that the default map shows what usually happens, not the worst."""
    if run.summary is not None and "n_belligerents" in run.summary:
        table = run.summary.sort_values(["n_belligerents", "rep"]).reset_index(drop=True)
        row = table.iloc[(len(table) - 1) // 2]
        return int(row["rep"]), f"typical: the median number of belligerents, {int(row['n_belligerents'])}"
    if run.events is None:
        raise ValueError(f"{run.name} has no events table")
    rep = int(run.events["rep"].min())
    return rep, "the first replication (no summary.csv to choose a typical one)"


def busiest_rep(run: Run) -> int:
    """The replication with the most belligerents (the lowest such rep on a tie)."""
    if run.summary is not None and "n_belligerents" in run.summary:
        table = run.summary.sort_values(["n_belligerents", "rep"], ascending=[False, True])
        return int(table["rep"].iloc[0])
    if run.states is not None:
        counts = run.states.dropna(subset=["t_entry"]).groupby("rep").size()
        return int(counts.idxmax()) if len(counts) else int(run.states["rep"].min())
    if run.events is None:
        raise ValueError(f"{run.name} has no summary, states or events table")
    return int(run.events["rep"].min())


def _world_positions(world: str | None) -> dict[str, tuple[float, float]]:
    from sim.scenario.worlddata import DEFAULT_WORLD, load_world

    try:
        states = load_world(world or DEFAULT_WORLD).states
    except InputErrors:
        return {}
    return {s: (v["lon"], v["lat"]) for s, v in states.items() if v.get("lat") is not None}


def positions(run: Run) -> dict[str, tuple[float, float]]:
    """State id -> (lon, lat): meta.json's scenario states first, the bundled world for the rest; a
    pact that acts as one (NATO naming China) at the centre of its members' capitals (the circular
    mean of their longitudes, the mean of their latitudes)."""
    scenario = run.meta.get("scenario") or {}
    found = {s: (v["lon"], v["lat"]) for s, v in (scenario.get("states") or {}).items()
             if isinstance(v, dict) and v.get("lat") is not None and v.get("lon") is not None}
    world = scenario.get("world") if isinstance(scenario.get("world"), str) else None
    where = {**_world_positions(world), **found}
    for pact, spec in (scenario.get("alliances") or {}).items():
        members = [where[m] for m in (spec or {}).get("members") or [] if m in where] if isinstance(spec, dict) else []
        if pact not in where and members:
            lon, lat = np.radians(np.array(members)).T
            where[pact] = (float(np.degrees(np.arctan2(np.sin(lon).mean(), np.cos(lon).mean()))),
                           float(np.degrees(lat.mean())))
    return where


def layout(where: dict[str, tuple[float, float]], gap: float = 0.14,
           steps: int = 200) -> dict[str, tuple[float, float]]:
    """Map positions made readable: the Pacific-centred longitudes (0..360) when they span less,
    then capitals closer than ``gap`` of the map's width pushed apart, a little at a time."""
    if not where:
        return {}
    names = list(where)
    xy = np.array([where[n] for n in names], dtype=float)
    shifted = np.where(xy[:, 0] < 0, xy[:, 0] + 360, xy[:, 0])
    if np.ptp(shifted) < np.ptp(xy[:, 0]):
        xy[:, 0] = shifted
    span = max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 20.0)
    gap = gap / np.sqrt(max(len(xy) / 6, 1))  # many states: smaller circles, closer together
    for _ in range(steps):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.hypot(delta[..., 0], delta[..., 1]) + np.eye(len(xy))
        push = np.clip(gap * span - dist, 0, None) / dist
        np.fill_diagonal(push, 0)
        if not push.any():
            break
        xy += 0.25 * (push[..., None] * delta).sum(axis=1)
    return {n: (float(x), float(y)) for n, (x, y) in zip(names, xy)}


def _edges(events: pd.DataFrame, rep: int) -> pd.DataFrame:
    """One row per (actor, target): first day, kinds in order of time, pacts, how many events."""
    scripted = events["kind"].str.startswith("scenario.") & (events["level"] >= CLASH)
    rows = events[(events["rep"] == rep) & (events["kind"].isin(CASCADE_KINDS) | scripted)]
    rows = rows.dropna(subset=["actor", "target"]).sort_values("t")
    return rows.groupby(["actor", "target"], as_index=False, sort=False).agg(
        t=("t", "min"), kinds=("kind", lambda k: list(dict.fromkeys(k))),
        pact=("pact", lambda p: ", ".join(dict.fromkeys(p.dropna()))), n=("t", "size"))


def _levels(run: Run, rep: int) -> dict[str, int]:
    if run.states is None:
        return {}
    rows = run.states[run.states["rep"] == rep]
    return dict(zip(rows["state"], rows["max_level"].fillna(0).astype(int)))


def _kind_name(kind: str) -> str:
    """``scenario.posture`` -> ``posture (scenario)``; ``self_defence`` -> ``self-defence``."""
    if kind.startswith("scenario"):
        return f"{kind.partition('.')[2] or 'war or attack'} (scenario)"
    return kind.replace("_", "-")


def _colour(kind: str) -> str:
    return CASCADE_KINDS["scenario" if kind.startswith("scenario.") else kind]


def _draw_edge(ax, start, end, edge, labelled: bool = True) -> None:
    """An arc from actor to target, coloured by the kind of its first event; the label sits on the arc
    (the axes keep an equal aspect, so the arc3 bend is the same in data and display units)."""
    colour = _colour(edge.kinds[0])
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, lw=1.6, color=colour,
                                 connectionstyle=f"arc3,rad={BEND}", shrinkA=11, shrinkB=11, zorder=2))
    kinds = ", ".join(_kind_name(k) for k in edge.kinds)
    what = f"{edge.pact} ({kinds})" if edge.pact else kinds
    dx, dy = end[0] - start[0], end[1] - start[1]
    mid = ((start[0] + end[0]) / 2 + BEND / 2 * dy, (start[1] + end[1]) / 2 - BEND / 2 * dx)
    normal = np.array([dy, -dx]) / max(np.hypot(dx, dy), 1e-9)  # away from the chord, in points
    if labelled:
        ax.annotate(f"{what}, day {edge.t:.0f}", mid, xytext=tuple(10 * normal), textcoords="offset points",
                    fontsize=7, ha="center", va="center", zorder=4, color=colour,
                    bbox=dict(fc="white", ec="none", alpha=0.75, pad=0.5))


def _draw_nodes(ax, where: dict, levels: dict[str, int]) -> None:
    cmap, small = colormaps["YlOrRd"], len(where) > 12
    for state, (lon, lat) in where.items():
        level = levels.get(state, 0)
        ax.scatter(lon, lat, s=230 if small else 380, color=cmap(level / TOP), edgecolor="black", zorder=3)
        ax.annotate(state, (lon, lat), ha="center", va="center", fontsize=6 if small else 7,
                    weight="bold", zorder=5)


def _frame(ax, where: dict) -> None:
    lon, lat = np.array(list(where.values())).T if where else (np.zeros(1), np.zeros(1))
    pad = 10
    ax.update_datalim([(lon.min() - pad, lat.min() - pad), (lon.max() + pad, lat.max() + pad)])
    ax.set_aspect("equal", adjustable="datalim")  # one degree is as long across as up
    ax.autoscale_view()
    east = " (0-360)" if lon.max() > 180 else ""
    ax.set_xlabel(f"longitude{east} of the capital, degrees east (crowded capitals nudged apart)")
    ax.set_ylabel("latitude, degrees north")
    ax.grid(alpha=0.3)


def _panel(ax, run: Run, rep: int, why: str = "") -> None:
    events = run.events
    if events is None:
        raise ValueError(f"{run.name} has no events table")
    if rep not in set(events["rep"]):
        raise InputErrors(InputError(f"no replication {rep} in {run.name}; reps run "
                                     f"{events['rep'].min()}..{events['rep'].max()}", path="--rep"))
    edges, levels, known = _edges(events, rep), _levels(run, rep), positions(run)
    involved = set(edges["actor"]) | set(edges["target"]) | {s for s, lv in levels.items() if lv >= CLASH}
    where = layout({s: known[s] for s in sorted(involved) if s in known})
    crowded, seen = len(edges) > LABEL_ALL, set()
    for edge in (e for e in edges.itertuples() if e.actor in where and e.target in where):
        what = edge.pact or edge.kinds[0]
        _draw_edge(ax, where[edge.actor], where[edge.target], edge, not crowded or what not in seen)
        seen.add(what)
    _draw_nodes(ax, where, levels)
    _frame(ax, where)
    missing = sorted(involved - set(where))
    notes = [why] if why else []
    notes += ["labels: the first link of each pact or action"] if crowded else []
    notes += [f"no map position for {', '.join(missing)}"] if missing else []
    ax.set_title(f"{run.name}, replication {rep}: {len(edges)} links, {_at_war(run, rep, levels)} "
                 "states entered a war" + "".join(f"\n({n})" for n in notes), fontsize=10)
    if edges.empty:
        ax.text(0.5, 0.5, "no attack, self-defence, entry, join or honour in this replication",
                transform=ax.transAxes, ha="center")


def _at_war(run: Run, rep: int, levels: dict[str, int]) -> int:
    if run.states is None:
        return sum(level >= WAR for level in levels.values())
    rows = run.states[run.states["rep"] == rep]
    return int(rows["t_entry"].notna().sum())


def _legend(fig, columns: int) -> None:
    handles = [Line2D([], [], color=c, lw=2, label=_kind_name(k)) for k, c in CASCADE_KINDS.items()]
    cmap = colormaps["YlOrRd"]
    handles += [Line2D([], [], marker="o", ls="", markersize=9, markerfacecolor=cmap(k / TOP),
                       markeredgecolor="black", label=f"{k} {LEVELS[k]}") for k in (NORMAL, SIGNALLING, CLASH, WAR, NUCLEAR)]
    fig.legend(handles=handles, loc="outside lower center", ncol=columns, fontsize=8,
               title="arrows: actor -> target, labelled with the pact or action and its day;  "
                     "circles: highest ladder level the state reached", title_fontsize=8)


def cascade(run: Run | str, rep: int | None = None, other: Run | str | None = None) -> Figure:
    """One replication's cascade as a graph over the map (``rep`` default: a typical one, see
    :func:`typical_rep`, named in the title); with ``other``, B's cascade (same ``rep`` if given,
    else its own typical one) beside A's."""
    runs = [r for r in (as_run(run, "A"), as_run(other, "B")) if r is not None]
    if any(r.events is None for r in runs):
        raise InputErrors(InputError("no events.csv: cannot draw a cascade", path="events"))
    fig = figure(8.5 * len(runs), 6.2) if len(runs) > 1 else figure(10, 7.5)
    axes = np.atleast_1d(fig.subplots(1, len(runs)))
    for ax, run_ in zip(axes, runs):
        _panel(ax, run_, *(typical_rep(run_) if rep is None else (rep, "")))
    fig.suptitle("How the war spread: the cascade of one replication over the capitals' positions")
    _legend(fig, 10 if len(runs) > 1 else 5)
    return fig

