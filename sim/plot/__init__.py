"""Figures of runs and sweeps, as matplotlib figures (no pyplot state): tension over time, the
ladder, war entry, the cascade map, sweep curves and heatmaps; `save_run`/`save_sweep` write PNGs."""

from sim.plot.cascade import cascade
from sim.plot.figure import COLOURS, Run, as_run, load_run
from sim.plot.runs import (
           entry_table,
           ladder_distribution,
           save_run,
           tension_over_time,
           war_entry,
)
from sim.plot.sweep import Sweep, load_sweep, save_sweep, sweep_heatmap, sweep_metrics

__all__ = ["Run", "load_run", "as_run", "tension_over_time", "ladder_distribution", "war_entry", "entry_table", "cascade",
           "sweep_metrics", "sweep_heatmap", "save_run", "save_sweep", "Sweep", "load_sweep", "COLOURS"]
