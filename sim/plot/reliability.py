"""The reliability diagram of the war-joining forecasts (Murphy & Winkler 1977; Wilks, Statistical
Methods in the Atmospheric Sciences, ch. 9): observed frequency of joining against the forecast,
per forecast bin, with the number of (war, candidate) pairs in each bin."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from sim.history.validation_scores import reliability
from sim.plot.figure import COLOURS, figure

__all__ = ["reliability_diagram"]


def reliability_diagram(frames: dict[str, pd.DataFrame], title: str = "") -> Figure:
    """One panel per pairs table (e.g. per join level): model and climatology against the diagonal."""
    fig = figure(5.0 * len(frames), 4.6)
    axes = fig.subplots(1, len(frames), squeeze=False)[0]
    for ax, (name, frame) in zip(axes, frames.items()):
        _panel(ax, frame, name)
    if title:
        fig.suptitle(title)
    return fig


def _panel(ax, frame: pd.DataFrame, name: str) -> None:
    """Reliability of the model's forecasts and of climatology on one axes."""
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--", label="perfect reliability")
    for column, colour, label in (("p_model", COLOURS[0], "model"), ("p_climatology", COLOURS[1], "climatology")):
        table = reliability(frame, column)
        ax.plot(table["mean_forecast"], table["observed"], "o-", color=colour, label=label)
        if column == "p_model":
            for x, y, n in zip(table["mean_forecast"], table["observed"], table["pairs"]):
                ax.annotate(f"{n}", (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7, color=colour)
    base = frame["joined"].mean()
    ax.axhline(base, color=COLOURS[1], lw=0.6, alpha=0.5)
    ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), xlabel="forecast probability of joining",
           ylabel="observed frequency of joining", title=name)
    ax.legend(loc="upper left", fontsize=8)
