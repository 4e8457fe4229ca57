"""How much of a run's spread is model (parameter) uncertainty and how much is chance.

For a run made with `run --parameters-ensemble`, meta.json says which parameter set each
replication used. Per summary metric this module gives the law-of-total-variance split,
Var(Y) = E[Var(Y | set)] + Var(E[Y | set]) (within + between), and the one-way random-effects
estimate of the parameter component net of sampling noise, sigma2_param = (MSB - MSW) / n0
(Searle, Casella & McCulloch 1992, ch. 3), whose share of the total is the intraclass correlation.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.execution.results import read_table

__all__ = ["ensemble_sets", "variance_split", "render_split"]


def ensemble_sets(folder: str | Path) -> list[int] | None:
    """The parameter set of each replication of a run folder, or None if it used fixed parameters."""
    meta = Path(folder) / "meta.json" if Path(folder).is_dir() else Path(folder).parent / "meta.json"
    if not meta.is_file():
        return None
    doc = json.loads(meta.read_text())
    ensemble = doc.get("parameter_ensemble") if isinstance(doc, dict) else None
    return list(ensemble["set_of_replication"]) if ensemble else None


def _split(values: pd.Series, sets: pd.Series) -> dict:
    """One metric's decomposition (population variances for the law of total variance)."""
    groups = [g.to_numpy(float) for _, g in values.groupby(sets)]
    n, k, mean = len(values), len(groups), float(values.mean())
    within = sum(len(g) * g.var() for g in groups) / n
    between = sum(len(g) * (g.mean() - mean) ** 2 for g in groups) / n
    msw = sum(((g - g.mean()) ** 2).sum() for g in groups) / max(n - k, 1)
    msb = sum(len(g) * (g.mean() - mean) ** 2 for g in groups) / max(k - 1, 1)
    n0 = (n - sum(len(g) ** 2 for g in groups) / n) / max(k - 1, 1)
    sigma_param = max(0.0, (msb - msw) / n0) if n0 > 0 else float("nan")
    total_re = sigma_param + msw
    return {"sets": k, "mean": mean, "var_total": float(values.var(ddof=0)), "var_between_sets": float(between),
            "var_within_sets": float(within), "sigma2_parameters": sigma_param, "sigma2_noise": float(msw),
            "share_parameters": sigma_param / total_re if total_re > 0 else float("nan")}


def variance_split(folder: str | Path, metrics: list[str] | None = None) -> pd.DataFrame:
    """Per numeric summary metric of an ensemble run folder, the variance split (empty if fixed)."""
    sets = ensemble_sets(folder)
    if sets is None:
        return pd.DataFrame()
    path = Path(folder) / "summary.csv" if Path(folder).is_dir() else Path(folder)
    summary = read_table(path, "summary", required=("rep",))
    names = [m for m in (metrics or summary.columns) if m not in ("rep", "seed") and m in summary]
    group = pd.Series(sets, index=summary.index)
    rows = []
    for name in names:
        values = pd.to_numeric(summary[name], errors="coerce")
        keep = values.notna()
        if keep.sum() >= 2 and values[keep].var() > 0:
            rows.append({"metric": name, **_split(values[keep], group[keep])})
    return pd.DataFrame(rows)


def render_split(label: str, split: pd.DataFrame) -> str:
    """A plain-text table of the split, one metric a line."""
    if split.empty:
        return ""
    head = f"\nmodel uncertainty in {label} ({int(split['sets'].max())} parameter sets): variance between " \
           "sets vs within (law of total variance), and the random-effects parameter share net of noise\n"
    cols = ["metric", "mean", "var_total", "var_between_sets", "var_within_sets", "sigma2_parameters",
            "share_parameters"]
    lines = ["  ".join(f"{c:>18}" for c in cols)]
    for row in split[cols].itertuples(index=False):
        lines.append(f"{row[0]:>18}  " + "  ".join(f"{np.float64(v):18.4g}" for v in row[1:]))
    return head + "\n".join(lines) + "\n"
