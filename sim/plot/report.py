"""One self-contained HTML page that reads a run (and optionally its baseline): the scenario and its
timeline, tension bands of the watched states, where their tension comes from (``sources.csv``),
who answered whom across runs, entry and invocation tables with intervals, and the what-if's
effects against the baseline.

Charts are plotly figures, the page a jinja2 template (``sim/plot/templates/report.html.j2``);
plotly's JavaScript is inlined once and every datum is aggregated before it is embedded (quantile
bands on at most :data:`MAX_POINTS` days, means over replications), so the page stays small
whatever the number of replications and opens offline. Statistics come from
:mod:`sim.analysis.compare` and :mod:`sim.analysis.stats`; the cascade from :mod:`sim.analysis.cascade`.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import stats
from sim.analysis.cascade import answers, chains
from sim.analysis.compare import compare, plain_language
from sim.analysis.sources import summarise
from sim.plot.figure import COLOURS, Run, load_run
from sim.plot.network import chosen_links, interactive

__all__ = ["Panel", "build", "MAX_POINTS", "MAX_STATES"]

MAX_POINTS = 90
"""Days kept per tension or attribution curve: the bands are drawn on at most this many sampled days."""
MAX_STATES = 8
"""Watched states drawn (tension and attribution): the rest are named in a note."""
TOP_SOURCES = 6
MAX_FINDINGS = 12
MAX_CHAINS = 12
NAV = {"scenario": "Scenario", "tension": "Tension", "attribution": "Attribution", "cascade": "Cascade",
       "entry": "Entries", "invocations": "Pacts", "effects": "Effects"}
CONFIG = {"displaylogo": False, "responsive": True}
FILLS = {COLOURS[0]: "rgba(31, 119, 180, 0.2)", COLOURS[1]: "rgba(214, 39, 40, 0.15)"}
STYLE = dict(template="none", colorway=["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                                        "#7f7f7f", "#bcbd22", "#17becf"],
             paper_bgcolor="white", plot_bgcolor="white", margin=dict(l=50, r=20, t=50, b=40),
             font=dict(size=12, family="system-ui, Helvetica, Arial, sans-serif"))
"""The look of every chart, set on each: plotly's named templates would embed some 6 kB per chart."""


@dataclass
class Panel:
    """One section of the page: its anchor, title, lead text, figures (HTML from plotly) and tables."""

    id: str
    title: str
    lead: str = ""
    short: str = ""
    figures: list[str] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    grid: bool = False


def _figure_html(fig, div_id: str) -> str:
    import plotly.io as pio

    fig.update_layout(STYLE)
    fig.update_layout(title_x=0.01, title_xanchor="left", title_font_size=14)  # clear of the tool bar at the right
    fig.update_xaxes(gridcolor="#e8e8e8", zeroline=False, linecolor="#999")
    fig.update_yaxes(gridcolor="#e8e8e8", zeroline=False, linecolor="#999")
    return pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=div_id, config=CONFIG)


def _watched(run: Run) -> list[str]:
    watch = (run.meta.get("scenario") or {}).get("watch") or {}
    return list(watch.get("states") or [])


def _states_to_draw(run: Run, baseline: Run | None = None) -> tuple[list[str], list[str]]:
    """The watched states found in tension.csv (else the most tense), at most MAX_STATES; and those
    left out. Against a baseline, the states whose mean tension moved most come first."""
    tension = run.tension
    if tension is None:
        return [], []
    known = set(tension["state"])
    chosen = [s for s in _watched(run) if s in known]
    if not chosen:
        singles = tension[~tension["state"].str.contains("-", regex=False)]
        chosen = list(singles.groupby("state")["tension"].median().sort_values(ascending=False).index)
    if baseline is not None and baseline.tension is not None:
        mine = tension.groupby("state")["tension"].mean()
        theirs = baseline.tension.groupby("state")["tension"].mean()
        moved = (mine - theirs.reindex(mine.index)).abs().fillna(0.0)
        chosen = sorted(chosen, key=lambda s: -moved.get(s, 0.0))
    return chosen[:MAX_STATES], chosen[MAX_STATES:]


def _thin(days: np.ndarray) -> np.ndarray:
    """At most MAX_POINTS of the sampled days: every k-th, so that evenly sampled days stay evenly spaced."""
    days = np.unique(days)
    return days[::max(math.ceil(len(days) / MAX_POINTS), 1)]


def _days(days) -> dict:
    """The x of a curve: ``x0`` and ``dx`` when the days are evenly spaced (nothing to embed), else the days."""
    days = np.asarray(days, dtype=float)
    steps = np.diff(days)
    if len(days) > 2 and np.allclose(steps, steps[0]):
        return {"x0": round(float(days[0]), 3), "dx": round(float(steps[0]), 6)}
    return {"x": _round(days, 1)}


def _round(values, digits: int = 3) -> list:
    return [None if not math.isfinite(v) else round(float(v), digits) for v in values]


def _scenario_panel(run: Run) -> Panel:
    scenario = run.meta.get("scenario") or {}
    facts = [("scenario", str(scenario.get("name") or run.name)), ("replications", str(run.replications)),
             ("horizon", f"{run.meta.get('horizon_days', scenario.get('horizon_days', '?'))} days"),
             ("seed", str(run.meta.get("seed", "?"))), ("extends", str(scenario.get("extends") or "nothing")),
             ("world", str(scenario.get("world") or "world_2022"))]
    panel = Panel("scenario", "The scenario and its timeline", html.escape(str(scenario.get("description") or "")).strip(),
                  tables=[{"head": ["", ""], "rows": facts, "caption": ""}])
    if run.events is not None:
        scripted = run.events[run.events["kind"].str.startswith("scenario.")]
        per = scripted.groupby(["t", "kind", "actor", "target", "level", "detail"], dropna=False)["rep"].nunique()
        rows = [(t, f"{t:g}", kind.removeprefix("scenario."), actor, "" if pd.isna(target) else target,
                 "" if pd.isna(level) else f"{level:g}", "" if pd.isna(detail) else detail,
                 f"{100 * n / max(run.replications, 1):.0f}%")
                for (t, kind, actor, target, level, detail), n in per.items()]
        head = ["day", "act", "actor", "target", "level", "what", "runs"]
        later = [r[1:] for r in rows if r[0] > 0]
        panel.tables.append({"head": head, "rows": later or [("", "no scripted act after day 0", "", "", "", "", "")],
                             "caption": "the timeline: scripted acts after day 0, as events.csv records them"})
        panel.tables.append({"head": head, "rows": [r[1:] for r in rows if r[0] <= 0], "collapsed": True,
                             "caption": f"the starting postures on day 0 ({sum(r[0] <= 0 for r in rows)} acts)"})
    return panel


def _tension_panel(runs: list[Run], states: list[str], left: list[str]) -> Panel:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    panel = Panel("tension", "Tension of the watched states",
                  "Tension is the perceived threat, 0 none to 1 certain. Line: the median over replications; "
                  "band: 10% to 90% of them." + (" Blue: this run; red, dashed: the baseline." if len(runs) > 1 else ""))
    if not states:
        panel.notes.append("no tension.csv in the run folder: run with the tension table to see these bands")
        return panel
    cols = 2
    rows = math.ceil(len(states) / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=states, shared_xaxes=True, vertical_spacing=0.3 / rows)
    for k, state in enumerate(states):
        row, col = k // cols + 1, k % cols + 1
        for run, colour, dash in zip(runs, COLOURS, ("solid", "dash")):
            if run.tension is None:
                continue
            rows_ = run.tension[run.tension["state"] == state]
            band = rows_[rows_["t"].isin(_thin(rows_["t"].to_numpy()))].groupby("t")["tension"].quantile(
                [0.1, 0.5, 0.9]).unstack()
            x = _days(band.index)
            fig.add_trace(go.Scatter(**x, y=_round(band[0.1]), line=dict(width=0), hoverinfo="skip", showlegend=False,
                                     name=f"{run.name} 10%"), row=row, col=col)
            fig.add_trace(go.Scatter(**x, y=_round(band[0.9]), fill="tonexty", fillcolor=FILLS[colour], line=dict(width=0),
                                     hoverinfo="skip", showlegend=False, name=f"{run.name} 10-90%"), row=row, col=col)
            fig.add_trace(go.Scatter(**x, y=_round(band[0.5]), line=dict(color=colour, dash=dash, width=2),
                                     name=run.name, showlegend=k == 0), row=row, col=col)
    fig.update_yaxes(range=[0, 1])
    fig.update_xaxes(title_text="day", row=rows)
    fig.update_layout(height=240 * rows + 80, legend=dict(orientation="h", y=1.08))
    panel.figures.append(_figure_html(fig, "fig-tension"))
    if left:
        moved = ", those whose tension moved most against the baseline first" if len(runs) > 1 else ""
        panel.notes.append(f"{MAX_STATES} watched states drawn{moved}; not drawn: {', '.join(left)}")
    return panel


def _attribution_panel(run: Run, wanted: list[str]) -> Panel:
    import plotly.graph_objects as go

    panel = Panel("attribution", "Where the watched states' tension comes from",
                  "Each state's tension split by the state or bloc it comes from (stacked, mean over replications); "
                  "the components below are the same tension split by kind (capability within reach, perceived "
                  "intent, alliance offsets, standing acts).")
    if run.sources is None:
        panel.notes.append("This run folder has no sources.csv, so the page cannot split tension by source. Run the "
                           "scenario again with the attribution table (`alliance-sim run SCENARIO --tables "
                           "summary,events,tension,states,sources`), then make the report again.")
        return panel
    sources = summarise(run.sources, wanted or None)
    panel.grid = True
    present = set(sources.by_source.index.get_level_values(0))
    states = [s for s in wanted or [] if s in present] or \
        list(sources.by_source.groupby(level=0).sum().sort_values(ascending=False).index[:MAX_STATES])
    for k, state in enumerate(states):
        by_source = sources.by_source.loc[state].unstack(fill_value=0.0) / sources.replications
        by_source = by_source.loc[_thin(by_source.index.to_numpy())]
        top = list(by_source.abs().mean().sort_values(ascending=False).index[:TOP_SOURCES])
        fig = go.Figure()
        x = _days(by_source.index)
        for source in top:
            fig.add_trace(go.Scatter(**x, y=_round(by_source[source]), name=source, stackgroup="one", mode="lines"))
        if len(by_source.columns) > len(top):
            rest = by_source.drop(columns=top).sum(axis=1)
            fig.add_trace(go.Scatter(**x, y=_round(rest), name="all others", stackgroup="one", mode="lines",
                                     line=dict(color="#bbbbbb")))
        fig.update_layout(title=f"{state}: tension by source", height=300, xaxis_title="day",
                          yaxis_title="tension, stacked by source", legend=dict(font=dict(size=10)))
        panel.figures.append(_figure_html(fig, f"fig-attribution-{k}"))
    component = (sources.by_component.loc[states] / (sources.replications * sources.days)).unstack(fill_value=0.0)
    fig = go.Figure([go.Bar(y=list(component.index), x=_round(component[c]), name=c, orientation="h")
                     for c in component.columns])
    fig.update_layout(barmode="relative", height=120 + 32 * len(component),
                      xaxis_title="tension by component: mean over days and runs")
    panel.figures.append(_figure_html(fig, "fig-components"))
    return panel


def _cascade_panel(run: Run, folder: Path) -> Panel:
    panel = Panel("cascade", "Who answered whom, across every replication",
                  "An arrow runs from a state to the state that answered its act (the events' cause chains, "
                  "aggregated over replications: `alliance-sim cascade` writes the whole table). Width: share "
                  "of replications; colour: mechanism; dashed: the ally declined. Hover an arrow for its "
                  "numbers.")
    if run.events is None:
        panel.notes.append("no events.csv in the run folder: run with the events table to see the cascade")
        return panel
    found = answers(run.events, str(folder / "events.csv"))
    reps = max(run.replications, 1)
    chosen = chosen_links(found, reps)
    fig = interactive(run, chosen)
    panel.figures.append(_figure_html(fig, "fig-cascade"))
    rows = [(link.source, link.target, link.mechanism.replace("_", "-"), link.pacts, f"{100 * link.share_of_runs:.0f}%")
            for link in chosen.itertuples()]
    panel.tables.append({"head": ["source", "answered by", "mechanism", "pacts", "runs"], "rows": rows,
                         "caption": "the links drawn: wars first, then declined calls, peacetime answers and "
                                    "perceptions; de-escalations left out"})
    how = chains(run.events, reps, str(folder / "events.csv")).head(MAX_CHAINS)
    panel.tables.append({"head": ["how it came about (root act -> ... -> the event)", "runs", "median day"],
                         "rows": [(c.chain, f"{100 * c.share_of_runs:.0f}%", f"{c.median_day:.0f}")
                                  for c in how.itertuples()],
                         "caption": f"the {MAX_CHAINS} most frequent cause chains ending in an answer, a call, an honour, "
                                    "an entry or a declined call (perceptions, escalations and de-escalations are "
                                    "steps on the way); `alliance-sim cascade` writes them all to chains.csv"})
    return panel


def _share_ci(indicator: np.ndarray, key: str) -> str:
    """A share in percent with its 95% bootstrap interval (stats.bootstrap_ci on the 0/1 indicator)."""
    low, high = stats.bootstrap_ci((indicator.astype(float),), stats.generator(0, key))
    return f"{100 * indicator.mean():.0f}% [{100 * low:.0f}, {100 * high:.0f}]"


def _entry_panel(runs: list[Run]) -> Panel:
    panel = Panel("entry", "Who enters a war, how often and when",
                  "Share of replications in which the state entered a war, with a 95% bootstrap interval over "
                  "replications; the median day of entry among those that entered; how it entered most often.")
    run = runs[0]
    if run.states is None:
        panel.notes.append("no states.csv in the run folder: run with the states table to see entries")
        return panel
    reps = sorted(set(run.states["rep"]))
    entered = run.states.dropna(subset=["t_entry"])
    order = entered.groupby("state")["rep"].nunique().sort_values(ascending=False).index
    base = runs[1].states if len(runs) > 1 else None
    rows = []
    for state in order:
        mine = entered[entered["state"] == state]
        indicator = np.isin(reps, mine["rep"].unique())
        via = mine["entered_via"].value_counts()
        row = [state, _share_ci(indicator, f"entry:{state}"), f"{mine['t_entry'].median():.0f}",
               f"{via.index[0]} ({100 * via.iloc[0] / len(mine):.0f}%)" if len(via) else ""]
        if base is not None:
            theirs = base.dropna(subset=["t_entry"])
            base_reps = sorted(set(base["rep"]))
            row.append(_share_ci(np.isin(base_reps, theirs[theirs["state"] == state]["rep"].unique()),
                                 f"entry-base:{state}"))
        rows.append(row)
    head = ["state", "entered a war [95% CI]", "median day", "most often via"]
    head += [f"in the baseline ({runs[1].name})"] if base is not None else []
    panel.tables.append({"head": head, "rows": rows, "caption": ""})
    if not rows:
        panel.notes.append("no state entered a war in any replication")
    return panel


def _invocation_panel(run: Run) -> Panel:
    panel = Panel("invocations", "Pacts invoked, honoured and declined",
                  "Per pact: the share of replications in which a member invoked it, in which an ally honoured it "
                  "and in which an ally declined (abandoned) the call, with 95% bootstrap intervals.")
    if run.events is None:
        panel.notes.append("no events.csv in the run folder")
        return panel
    reps = sorted(set(run.events["rep"]) | (set(run.summary["rep"]) if run.summary is not None else set()))
    pacted = run.events[run.events["pact"].notna() & (run.events["pact"] != "")]
    rows = []
    for pact in pacted[pacted["kind"] == "invocation"]["pact"].value_counts().index:
        mine = pacted[pacted["pact"] == pact]
        cells = [pact]
        for kind in ("invocation", "honour", "abandon"):
            cells.append(_share_ci(np.isin(reps, mine[mine["kind"] == kind]["rep"].unique()), f"{kind}:{pact}"))
        first = mine[mine["kind"] == "invocation"].groupby("rep")["t"].min()
        cells.append(f"{first.median():.0f}")
        rows.append(cells)
    panel.tables.append({"head": ["pact", "invoked [95% CI]", "honoured", "declined", "median day of first invocation"],
                         "rows": rows, "caption": ""})
    if not rows:
        panel.notes.append("no pact was invoked in any replication")
    return panel


def _effects_panel(folder: Path, baseline: Path | None, runs: list[Run]) -> Panel:
    panel = Panel("effects", "The what-if against the baseline",
                  "Every metric's difference (this run minus the baseline) with its 95% bootstrap interval and "
                  "a test adjusted for the number of tests (as `alliance-sim compare BASELINE RUN`).")
    if baseline is None:
        panel.notes.append("no baseline given: make the report with `--baseline BASELINE_RUN` (e.g. a run of "
                           "baseline_2022 with the same seed) to see the what-if's effects")
        return panel
    if runs[0].summary is None or runs[1].summary is None:
        panel.notes.append("a summary.csv is missing on one side: no metric to compare")
        return panel
    report = compare(baseline, folder)
    panel.lead += f" {html.escape(report.pairing)}."
    significant = plain_language(report)
    panel.findings = significant[:MAX_FINDINGS]
    if len(significant) > MAX_FINDINGS:
        panel.findings.append(f"... and {len(significant) - MAX_FINDINGS} more in the table below")
    if not significant:
        panel.notes.append(f"no difference is significant after {report.adjust} adjustment")
    else:
        panel.lead += f" Significant at {report.alpha:g} after {report.adjust} adjustment:"
    rows = []
    for row in sorted(report.rows, key=lambda r: (not r.p_adj < report.alpha, r.metric)):
        r, binary = row.result, row.result.kind == "binary"
        scale, unit = (100, " pts") if binary else (1, "")
        fmt = (lambda v: f"{100 * v:.1f}%") if binary else (lambda v: f"{v:.4g}")
        rows.append([stats.label(row.metric), fmt(r.mean_a), fmt(r.mean_b), f"{scale * r.diff:+.4g}{unit}",
                     f"[{scale * r.ci_low:.4g}, {scale * r.ci_high:.4g}]",
                     "n/a" if math.isnan(row.p_adj) else f"{row.p_adj:.3g}"])
    panel.tables.append({"head": ["metric", f"baseline ({runs[1].name})", f"this run ({runs[0].name})",
                                  "difference", "95% CI", f"p ({report.adjust})"], "rows": rows,
                         "caption": "significant rows first"})
    return panel


def build(folder: str | Path, baseline: str | Path | None = None) -> str:
    """The report of the run in ``folder`` (against the run in ``baseline``) as one HTML page."""
    import jinja2
    from plotly.offline import get_plotlyjs

    folder = Path(folder)
    run = load_run(folder)
    runs = [run] + ([load_run(baseline, f"baseline: {Path(baseline).resolve().name}")] if baseline else [])
    base_path = Path(baseline) if baseline else None
    states, left = _states_to_draw(run, runs[1] if len(runs) > 1 else None)
    panels = [_scenario_panel(run), _tension_panel(runs, states, left), _attribution_panel(run, states),
              _cascade_panel(run, folder),
              _entry_panel(runs), _invocation_panel(run), _effects_panel(folder, base_path, runs)]
    for panel in panels:
        panel.short = NAV[panel.id]
    env = jinja2.Environment(loader=jinja2.PackageLoader("sim.plot", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    scenario = run.meta.get("scenario") or {}
    return env.get_template("report.html.j2").render(
        title=f"alliance-sim report: {scenario.get('name') or run.name}", run=run.name,
        baseline=runs[1].name if len(runs) > 1 else None, panels=panels, plotly_js=get_plotlyjs(),
        version=str((run.meta.get("versions") or {}).get("alliance-sim", "")))
