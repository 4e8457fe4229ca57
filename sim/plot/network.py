"""The cascade of a whole run as one network: who answered whom, over the capitals' positions.

One arrow per (source, target) pair from :func:`sim.analysis.cascade.pair_shares`: its width is the
share of replications in which the target answered the source, its colour the mechanism seen in
most of them (dashed: the ally declined, `abandon`). Links that carry a war come first, then declined calls,
peacetime answers and perceptions, up to ``most`` arrows of at least ``min_share``. Labels (the pacts or the
mechanism, and the share) are placed where they overlap neither another label nor a state; a label
with no free place is left out and the title says how many (their numbers are in cascade.csv).
Nodes sit at the capitals (:func:`sim.plot.cascade.positions`, nudged apart by
:func:`sim.plot.cascade.layout`), shaded by the share of replications in which the state entered a war.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.transforms import Bbox

from sim.analysis.cascade import WAR_MECHANISMS, links
from sim.plot.cascade import CASCADE_KINDS, layout, positions
from sim.plot.figure import Run, figure

__all__ = ["network", "interactive", "MECHANISM_COLOURS", "chosen_links", "FAMILIES", "entry_shares"]

MECHANISM_COLOURS = {**{k: v for k, v in CASCADE_KINDS.items() if k != "scenario"},
                     "invocation": "#1f77b4", "abandon": "#7f7f7f", "escalate": "#e377c2",
                     "perceive": "#17becf", "deescalate": "#bcbd22", "answer": "#393b79"}
OTHER = "#8c564b"
LABEL_GID = "edge-label"


FAMILIES = {"war": 0.12, "declined": 0.26, "peacetime": 0.4, "perceived": 0.55}
"""Each family of mechanisms and the bend of its arrows: a pair's families never lie on each other."""


def chosen_links(found: pd.DataFrame, replications: int, min_share: float = 0.1, most: int = 24) -> pd.DataFrame:
    """The arrows the figure draws (:func:`sim.analysis.cascade.links`): wars first, then declined
    calls, then peacetime answers (a third of ``most`` at most; `answer` events before escalations),
    then perceptions (a sixth), each by share; at least ``min_share``, ``most`` in all."""
    table = links(found, replications)
    table = table[table["share_of_runs"] >= min_share].copy()
    table["order"] = table["family"].map(list(FAMILIES).index) + 0.5 * (table["mechanism"] != "answer")
    table = table.sort_values(["order", "share_of_runs", "source", "target"], ascending=[True, False, True, True])
    for family, share in (("peacetime", 3), ("perceived", 6)):  # a war's story first; peacetime as context
        mine = table["family"] == family
        table = table[~mine | (mine.cumsum() <= max(most // share, 1))]
    return table.head(most).drop(columns="order").reset_index(drop=True)


def entry_shares(run: Run) -> dict[str, float]:
    """State -> share of replications in which it entered a war (states.csv), {} without the table."""
    if run.states is None:
        return {}
    entered = run.states.dropna(subset=["t_entry"]).groupby("state")["rep"].nunique()
    return (entered / max(run.replications, 1)).to_dict()


def _colour(mechanism: str) -> str:
    return MECHANISM_COLOURS.get(mechanism, OTHER)


def _bezier(p0: np.ndarray, p2: np.ndarray, s: float, bend: float) -> np.ndarray:
    """A point of matplotlib's arc3 connection (a quadratic Bezier) in display units."""
    d = p2 - p0
    control = (p0 + p2) / 2 + bend * np.array([d[1], -d[0]])
    return (1 - s) ** 2 * p0 + 2 * (1 - s) * s * control + s ** 2 * p2


def _place(ax, renderer, text: str, colour: str, p0, p2, bend: float, taken: list[Bbox]) -> bool:
    """Put ``text`` on the arc from p0 to p2 (display units) where it overlaps nothing in ``taken``."""
    inverse = ax.transData.inverted()
    for s in (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78):
        x, y = inverse.transform(_bezier(np.asarray(p0), np.asarray(p2), s, bend))
        label = ax.text(x, y, text, fontsize=7, color=colour, ha="center", va="center", zorder=4, gid=LABEL_GID,
                        bbox=dict(fc="white", ec="none", alpha=0.85, pad=0.4))
        box = label.get_window_extent(renderer).expanded(1.04, 1.1)
        if not any(box.overlaps(other) for other in taken) and ax.bbox.contains(box.x0, box.y0) \
                and ax.bbox.contains(box.x1, box.y1):
            taken.append(box)
            return True
        label.remove()
    return False


def _label(link) -> str:
    pacts = link.pacts.split(", ") if link.pacts else []
    what = f"{link.mechanism.replace('_', '-')}" + (f" ({', '.join(pacts[:2])}{'+' * (len(pacts) > 2)})" if pacts else "")
    return f"{what} {100 * link.share_of_runs:.0f}%"


def _legend(fig: Figure, mechanisms: list[str]) -> None:
    handles = [Line2D([], [], color=_colour(m), lw=2.5, ls="--" if m == "abandon" else "-",
                      label=m.replace("_", "-")) for m in mechanisms]
    cmap = colormaps["YlOrRd"]
    handles += [Line2D([], [], marker="o", ls="", markersize=10, markerfacecolor=cmap(0.15 + 0.85 * s),
                       markeredgecolor="black", label=f"entered a war in {100 * s:.0f}% of runs") for s in (0, 0.5, 1)]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 5), fontsize=8,
               title="arrow: source -> the state that answered it; width: share of replications; "
                     "colour: the mechanism seen in most of them; label: mechanism (pacts) and share",
               title_fontsize=8)


def network(run: Run, found: pd.DataFrame, min_share: float = 0.1, most: int = 24) -> Figure:
    """The aggregated cascade of ``run`` from its answers (:func:`sim.analysis.cascade.answers`)."""
    reps = max(run.replications, 1)
    chosen = chosen_links(found, reps, min_share, most)
    known, entered = positions(run), entry_shares(run)
    states = sorted(set(chosen["source"]) | set(chosen["target"]))
    where = layout({s: known[s] for s in states if s in known})
    fig = figure(11, 8)
    canvas = FigureCanvasAgg(fig)
    ax = fig.subplots()
    cmap, small = colormaps["YlOrRd"], len(where) > 14
    size = 260 if small else 420
    for state, (x, y) in where.items():
        ax.scatter(x, y, s=size, color=cmap(0.15 + 0.85 * entered.get(state, 0.0)), edgecolor="black", zorder=3)
        dark = entered.get(state, 0.0) > 0.6  # white on the darkest reds
        ax.annotate(state, (x, y), ha="center", va="center", fontsize=6.5 if small else 7.5, weight="bold", zorder=5,
                    color="white" if dark else "black")
    drawn = [link for link in chosen.itertuples() if link.source in where and link.target in where]
    for link in drawn:
        ax.add_patch(FancyArrowPatch(where[link.source], where[link.target], arrowstyle="-|>", mutation_scale=12,
                                     lw=0.8 + 6 * link.share_of_runs, color=_colour(link.mechanism), alpha=0.7,
                                     ls="--" if link.family == "declined" else "-",
                                     connectionstyle=f"arc3,rad={FAMILIES[link.family]}", shrinkA=12, shrinkB=12,
                                     zorder=2))
    lon, lat = np.array(list(where.values())).T if where else (np.zeros(1), np.zeros(1))
    ax.update_datalim([(lon.min() - 12, lat.min() - 10), (lon.max() + 12, lat.max() + 10)])
    ax.set_aspect("equal", adjustable="datalim")
    ax.autoscale_view()
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("states at their capitals (crowded capitals nudged apart)", fontsize=8)
    _legend(fig, sorted({link.mechanism for link in drawn}, key=lambda m: (m not in WAR_MECHANISMS, m)))
    missing = sorted(set(states) - set(where))
    notes = [f"arrows of at least {100 * min_share:.0f}% of runs (at most {most}): wars, declined calls, then up to "
             f"{max(most // 3, 1)} peacetime answers and {max(most // 6, 1)} perceptions; de-escalations left out",
             "{labels}"]
    notes += [f"no map position for {', '.join(missing)}"] if missing else []
    title = ax.set_title("\n".join(notes), fontsize=8)
    fig.suptitle(f"Who answered whom in {run.name}: {len(drawn)} arrows over {reps} replications", fontsize=12)
    canvas.draw()  # fix the layout before placing labels in display units
    fig.set_layout_engine("none")
    renderer = canvas.get_renderer()
    node = np.sqrt(size) * fig.dpi / 72
    corners = [ax.transData.transform(xy) - node / 2 for xy in where.values()]
    taken = [Bbox.from_bounds(float(x), float(y), node, node) for x, y in corners]
    left = 0
    for link in drawn:
        p0, p2 = (ax.transData.transform(where[s]) for s in (link.source, link.target))
        left += not _place(ax, renderer, _label(link), _colour(link.mechanism), p0, p2, FAMILIES[link.family], taken)
    title.set_text(title.get_text().replace("{labels}", f"{left} labels left out where they would overlap "
                                            "(cascade.csv has every number)" if left else "every arrow labelled"))
    if not drawn:
        ax.text(0.5, 0.5, "no state answered another in this run", transform=ax.transAxes, ha="center")
    return fig


def _r(values) -> list[float]:
    return [round(float(v), 2) for v in values]


def interactive(run: Run, chosen: pd.DataFrame):
    """The same network as a plotly figure (for the HTML report): the links of :func:`chosen_links`
    as curves bent by family, their arrowheads as annotations, and a hover text on each curve and
    state instead of labels (so none can overlap)."""
    import plotly.graph_objects as go

    reps = max(run.replications, 1)
    where = layout({s: p for s, p in positions(run).items() if s in set(chosen["source"]) | set(chosen["target"])})
    entered = entry_shares(run)
    fig = go.Figure()
    arrows = []
    spread = np.array(list(where.values())) if where else np.zeros((1, 2))
    gap = 0.022 * max(float(np.ptp(spread[:, 0])), float(np.ptp(spread[:, 1])), 20.0)
    for link in chosen.itertuples():
        if link.source not in where or link.target not in where:
            continue
        p0, p2 = np.array(where[link.source]), np.array(where[link.target])
        d = p2 - p0
        control = (p0 + p2) / 2 + FAMILIES[link.family] * np.array([d[1], -d[0]])  # matplotlib's arc3
        s = np.linspace(0, 1, 60)[:, None]
        curve = (1 - s) ** 2 * p0 + 2 * (1 - s) * s * control + s ** 2 * p2
        clear = (np.hypot(*(curve - p0).T) > gap) & (np.hypot(*(curve - p2).T) > gap)  # off the circles
        curve = curve[clear][::2] if clear.sum() >= 6 else curve[[0, -1]]
        colour = MECHANISM_COLOURS.get(link.mechanism, OTHER)
        pacts = f" via {link.pacts}" if link.pacts else ""
        text = (f"{link.target} answered {link.source}: {link.mechanism.replace('_', '-')}{pacts}"
                f"<br>in {100 * link.share_of_runs:.0f}% of replications")
        width = 1 + 6 * link.share_of_runs
        fig.add_trace(go.Scatter(x=_r(curve[:, 0]), y=_r(curve[:, 1]), mode="lines",
                                 line=dict(color=colour, width=width, dash="dash" if link.family == "declined" else "solid"),
                                 opacity=0.75, hovertext=text, hoverinfo="text", showlegend=False))
        arrows.append(dict(x=round(float(curve[-1, 0]), 2), y=round(float(curve[-1, 1]), 2), ax=round(float(curve[-3, 0]), 2),
                           ay=round(float(curve[-3, 1]), 2), xref="x", yref="y", axref="x", ayref="y", text="",
                           showarrow=True, arrowhead=2, arrowsize=max(0.6, 1.6 / width ** 0.5), arrowwidth=width,
                           arrowcolor=colour, opacity=0.9))
    names = list(where)
    fig.add_trace(go.Scatter(x=[round(where[s][0], 2) for s in names], y=[round(where[s][1], 2) for s in names],
                             mode="markers+text", text=names, textposition="top center",
                             textfont=dict(size=12, color="#111"),
                             marker=dict(size=18, color=[round(entered.get(s, 0.0), 3) for s in names],
                                         colorscale="YlOrRd", cmin=0, cmax=1, line=dict(color="black", width=1),
                                         colorbar=dict(title="entered<br>a war<br>(share<br>of runs)", thickness=12)),
                             hovertext=[f"{s}: entered a war in {100 * entered.get(s, 0.0):.0f}% of runs" for s in names],
                             hoverinfo="text", showlegend=False))
    for mechanism in sorted({m for m in chosen["mechanism"]}):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=mechanism.replace("_", "-"),
                                 line=dict(color=MECHANISM_COLOURS.get(mechanism, OTHER), width=4)))
    fig.update_layout(annotations=arrows, height=600, xaxis=dict(visible=False), legend=dict(orientation="h"),
                      yaxis=dict(visible=False, scaleanchor="x"), title=f"{len(arrows)} links over {reps} replications")
    return fig
