"""The figure of `alliance-sim sensitivity`: Sobol' first-order and total indices with their
bootstrap intervals, one panel per summary metric."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.plot.figure import figure

__all__ = ["sobol_figure"]


def _panel(ax, rows: pd.DataFrame, metric: str) -> None:
    """Paired bars (first order, total) per parameter, with 95% intervals."""
    y = np.arange(len(rows))
    for offset, (name, colour) in zip((-0.2, 0.2), (("first", "tab:blue"), ("total", "tab:orange"))):
        value = rows["first_order" if name == "first" else "total"].to_numpy(float)
        low, high = rows[f"{name}_low"].to_numpy(float), rows[f"{name}_high"].to_numpy(float)
        err = np.nan_to_num(np.vstack([value - low, high - value]).clip(min=0))
        ax.barh(y + offset, value, height=0.38, color=colour, xerr=err, capsize=2,
                label="first order" if name == "first" else "total")
    ax.set_yticks(y, [p.removeprefix("parameters.") for p in rows["parameter"]], fontsize=7)
    ax.set_xlim(-0.1, 1.1)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_title(metric, fontsize=9)
    if rows[["first_low", "total_low"]].isna().all().all():
        ax.text(0.5, 0.5, "the same in every run:\nnothing to attribute", transform=ax.transAxes, ha="center",
                fontsize=8, color="grey")


def sobol_figure(table: pd.DataFrame, title: str) -> Figure:
    """One panel per metric of the sensitivity table (first order and total, 95% bootstrap bars)."""
    metrics = list(dict.fromkeys(table["metric"]))
    fig = figure(10, 2.0 + 1.6 * ((len(metrics) + 1) // 2))
    axes = fig.subplots((len(metrics) + 1) // 2, 2, squeeze=False).ravel()
    for ax, metric in zip(axes, metrics):
        _panel(ax, table[table["metric"] == metric], metric)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7, loc="lower right")
    fig.suptitle(title, fontsize=10)
    return fig
