"""Compare two result sets metric by metric: read the tables, pair the replications, test, report.

A side is a run folder, its ``summary.csv``, or one value of a swept parameter in a sweep's
``runs.csv`` (:func:`compare_by`). Tests live in :mod:`sim.analysis.stats`; reports render as text, CSV,
Markdown or JSON."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, dataclass, field, replace
from dataclasses import fields as dataclass_fields
from pathlib import Path

import numpy as np

import sim.analysis.stats as stats
from sim.analysis.stats import label
from sim.execution.results import read_table as read_result_table
from sim.scenario.errors import InputError, InputErrors, suggest

__all__ = ["Table", "Row", "Report", "read_table", "compare", "compare_by", "brief", "changed", "label",
           "plain_language", "render", "FORMATS"]

FORMATS = ("table", "csv", "markdown", "json")
KEYS = ("rep", "seed", "point")


@dataclass
class Table:
    """One side's replications: raw text columns, seeds, and the horizon with where it came from."""

    path: str
    columns: dict[str, list[str]]
    horizon: float | None = None
    horizon_source: str = ""
    parameters: list[str] = field(default_factory=list)

    def metrics(self) -> list[str]:
        """Metric columns: all but the keys and the swept parameters (dotted names)."""
        return [c for c in self.columns if c not in KEYS and c not in self.parameters and "." not in c]

    def numeric(self, name: str) -> np.ndarray:
        """A column as floats, NaN for an empty cell; InputErrors naming the first bad cell."""
        values = np.full(len(self.columns[name]), math.nan)
        for i, text in enumerate(self.columns[name]):
            if text.strip():
                try:
                    values[i] = float(text)
                except ValueError:
                    raise InputErrors(InputError(f"column '{name}' is not numeric: {text!r}",
                                                 self.path, i + 2)) from None
                if not math.isfinite(values[i]):
                    raise InputErrors(InputError(f"column '{name}' holds {text!r}: a result of this program "
                                                 "never holds inf or nan (an edited or corrupt file?)",
                                                 self.path, i + 2))
        return values

    def subset(self, mask: np.ndarray, path: str) -> Table:
        """The rows where ``mask`` holds, as a table of their own."""
        return replace(self, path=path, columns={k: [v for v, keep in zip(col, mask) if keep]
                                                 for k, col in self.columns.items()})


@dataclass
class Row:
    """One metric's comparison; ``group`` is the swept value compared against the reference."""

    metric: str
    result: stats.TestResult
    p_adj: float = math.nan
    group: str | None = None


@dataclass
class Report:
    """All rows of one comparison and what a reader needs to judge them."""

    a: str
    b: str
    rows: list[Row]
    pairing: str
    horizon: str
    adjust: str
    alpha: float
    seed: int
    by: str | None = None
    notes: list[str] = field(default_factory=list)


def _csv_path(path: Path) -> Path:
    if path.is_dir():
        found = [path / n for n in ("summary.csv", "summary.parquet", "runs.csv") if (path / n).is_file()]
        if found:
            return found[0]
    if not path.is_file():
        raise InputErrors(InputError("no summary.csv (or .parquet) or runs.csv in this folder" if path.is_dir()
                                     else "no such file or folder", str(path)))
    return path


def _find_horizon(doc: object) -> float | None:
    """The first ``horizon_days`` in a meta.json or manifest.json, searched depth-first."""
    if not isinstance(doc, dict):
        return None
    if isinstance(doc.get("horizon_days"), (int, float)):
        return float(doc["horizon_days"])
    return next((h for h in map(_find_horizon, doc.values()) if h is not None), None)


def _read_sidecar(folder: Path) -> tuple[float | None, str, list[str]]:
    for name in ("meta.json", "manifest.json"):
        file = folder / name
        if file.is_file():
            try:
                doc = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InputErrors(InputError(f"unreadable JSON: {exc}", str(file))) from None
            if not isinstance(doc, dict):
                raise InputErrors(InputError("corrupt: not a JSON object", str(file)))
            parameters = list(doc.get("parameters") or [])
            horizon = _find_horizon(doc)
            if "horizon_days" in doc and (horizon is None or not math.isfinite(horizon) or horizon <= 0):
                raise InputErrors(InputError(f"horizon_days {doc['horizon_days']!r} is not a number of days",
                                             str(file)))
            return horizon, (f"horizon_days in {file}" if horizon is not None else ""), parameters
    return None, "", []


def read_table(path: str | Path) -> Table:
    """Read a run folder, a summary.csv or a sweep's runs.csv (with meta.json/manifest.json beside),
    through the one reader of result tables (:func:`sim.execution.results.read_table`)."""
    file = _csv_path(Path(path))
    frame = read_result_table(file, "runs" if file.stem == "runs" else "summary", required=("rep",))
    columns = {str(c): [_text(v) for v in frame[c].tolist()] for c in frame.columns}
    horizon, source, parameters = _read_sidecar(file.parent)
    return Table(str(file), columns, horizon, source, parameters)


def _text(value: object) -> str:
    """A typed cell back as the text Table keeps: '' for missing, floats exactly (repr)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _pairing(a: Table, b: Table) -> tuple[tuple[np.ndarray, np.ndarray] | None, str]:
    """Row indices of A and of B with the same seed, when every seed of one side (distinct) is
    among the other's: runs of 100 and 200 replications from one root seed pair on the first 100."""
    if "seed" not in a.columns or "seed" not in b.columns:
        return None, "unpaired: no seed column on both sides"
    sa, sb = a.columns["seed"], b.columns["seed"]
    shared = set(sa) & set(sb)
    if len(set(sa)) != len(sa) or len(set(sb)) != len(sb) or len(shared) < min(len(sa), len(sb)):
        return None, "unpaired: the two sides do not share their replication seeds"
    where = {s: i for i, s in enumerate(sb)}
    ia = np.array([i for i, s in enumerate(sa) if s in shared])
    alone = len(sa) + len(sb) - 2 * len(shared)
    left = f"; {alone} replications without a partner left out" if alone else ""
    return (ia, np.array([where[sa[i]] for i in ia])), (
        f"paired: both sides share {len(shared)} replication seeds (common random numbers); "
        f"paired tests on the differences{left}")


def _horizon(a: Table, b: Table, times: list[str]) -> tuple[float, str]:
    """The shared horizon; InputErrors when the two sides' meta.json disagree."""
    if a.horizon is not None and b.horizon is not None and a.horizon != b.horizon:
        raise InputErrors(InputError(
            f"different horizons: {a.horizon:g} days in {a.path} but {b.horizon:g} in {b.path}; "
            "times to an event cannot be compared across horizons (re-run with the same horizon_days)"))
    known = a.horizon if a.horizon is not None else b.horizon
    if known is not None:
        side = a if a.horizon is not None else b
        return known, f"{known:g} days ({side.horizon_source})"
    observed = [np.nanmax(np.r_[t.numeric(c), -np.inf]) for t in (a, b) for c in times]
    h = float(max(observed, default=0.0))
    return h, f"no meta.json: the largest observed time ({h:g} days) taken as the horizon"


def _select(a: Table, b: Table, metrics: list[str] | None) -> list[str]:
    shared = [m for m in a.metrics() if m in set(b.metrics())]
    if not shared:
        raise InputErrors(InputError(
            f"no shared metrics: {a.path} has {', '.join(a.metrics()) or 'none'}; "
            f"{b.path} has {', '.join(b.metrics()) or 'none'}"))
    bad = [InputError(f"unknown metric '{m}'{suggest(m, shared)}", path="--metrics")
           for m in metrics or [] if m not in shared]
    if bad:
        raise InputErrors(bad)
    return list(metrics) if metrics else shared


def _numeric_all(table: Table, names: list[str]) -> dict[str, np.ndarray]:
    """Every chosen column as floats, all non-numeric columns reported at once."""
    out, errors = {}, []
    for name in names:
        try:
            out[name] = table.numeric(name)
        except InputErrors as exc:
            errors += exc.errors
    if errors:
        raise InputErrors(errors)
    return out


def _test(name: str, a: np.ndarray, b: np.ndarray, horizon: float, order, seed, group):
    kind, rng = stats.metric_kind(name, np.r_[a, b]), stats.generator(seed, f"{group}:{name}")
    if kind == "time":
        return stats.time_to_event(a, b, horizon, rng, paired=order is not None)
    keep = np.isfinite(a) & np.isfinite(b) if order is not None else None
    a, b = (a[keep], b[keep]) if keep is not None else (a[np.isfinite(a)], b[np.isfinite(b)])
    test = stats.binary if kind == "binary" else stats.continuous
    return test(a, b, rng, paired=order is not None)


def _rows(a: Table, b: Table, metrics, seed: int, group=None) -> tuple[list[Row], str, str]:
    names = _select(a, b, metrics)
    order, pairing = _pairing(a, b)
    horizon, source = _horizon(a, b, [m for m in names if m.startswith("t_")])
    va, vb = _numeric_all(a, names), _numeric_all(b, names)
    rows = []
    for name in names:
        x, y = (va[name][order[0]], vb[name][order[1]]) if order is not None else (va[name], vb[name])
        rows.append(Row(name, _test(name, x, y, horizon, order, seed, group), group=group))
    return rows, pairing, source


def _finish(report: Report) -> Report:
    adjusted = stats.adjust(np.array([r.result.p for r in report.rows]), report.adjust)
    for row, p in zip(report.rows, adjusted):
        row.p_adj = float(p)
    report.notes.append(f"p adjusted by {stats.ADJUSTMENTS[report.adjust]} over "
                        f"{int(np.isfinite(adjusted).sum())} tests; metrics with p n/a are not counted")
    return report


def _check(adjust: str, alpha: float) -> None:
    errors = [] if adjust in stats.ADJUSTMENTS else [
        InputError(f"unknown adjustment '{adjust}'; choose holm or bh", path="--adjust")]
    errors += [] if 0 < alpha < 1 else [
        InputError(f"alpha must lie between 0 and 1, not {alpha}", path="--alpha")]
    if errors:
        raise InputErrors(errors)


def compare(a: str | Path | Table, b: str | Path | Table, metrics: list[str] | None = None,
            alpha: float = 0.05, adjust: str = "holm", seed: int = 0) -> Report:
    """Compare every metric the two result sets share (B - A), adjusted for their number."""
    _check(adjust, alpha)
    a, b = (t if isinstance(t, Table) else read_table(t) for t in (a, b))
    _no_pooled_sweep(a, b)
    rows, pairing, horizon = _rows(a, b, metrics, seed)
    return _finish(Report(a.path, b.path, rows, pairing, horizon, adjust, alpha, seed))


def _no_pooled_sweep(a: Table, b: Table) -> None:
    """A sweep's runs.csv on either side would pool every point into one sample: refuse it."""
    for side, table in (("A", a), ("B", b)):
        if Path(table.path).name == "runs.csv":
            points = len(set(table.columns.get("point", [])))
            raise InputErrors(InputError(
                f"{side} is a sweep ({points} points): comparing it as one result set would pool every point "
                "into one sample. Compare the sweep's points with each other: `alliance-sim compare SWEEP --by "
                "PARAM --ref VALUE`; or compare two runs (e.g. `run` the scenario at the value you want)",
                table.path))


SMALL_EFFECT = {"rank-biserial r": 0.1, "Cohen's h": 0.2, "Cohen's d": 0.2, "hazard ratio B/A": math.log(1.25)}
"""The smallest effect `--brief` shows when the difference is not significant after adjustment: Cohen's (1988)
"small" (r 0.1, d and h 0.2) and a hazard ratio beyond 1.25 either way."""


def changed(row: Row, alpha: float) -> bool:
    """A difference worth a line in a brief report: significant after adjustment, or significant
    before it (p < alpha) with at least a small effect (:data:`SMALL_EFFECT`)."""
    r = row.result
    if row.p_adj < alpha:
        return True
    if not r.p < alpha or not math.isfinite(r.effect):
        return False
    size = abs(math.log(r.effect)) if r.effect_name.startswith("hazard") and r.effect > 0 else abs(r.effect)
    return size >= SMALL_EFFECT.get(r.effect_name, math.inf)


def brief(report: Report) -> Report:
    """The report with only the rows that changed (:func:`changed`), and one note counting the rest."""
    kept = [r for r in report.rows if changed(r, report.alpha)]
    rest = len(report.rows) - len(kept)
    untested = sum(1 for r in report.rows if math.isnan(r.result.p))
    note = (f"--brief: {len(kept)} of {len(report.rows)} comparisons shown; {rest} others without a significant "
            f"or non-trivial difference ({untested} of them with nothing to test: no difference or no "
            "variation); all of them without --brief")
    return replace(report, rows=kept, notes=[*report.notes, note])


def _same(text: str, ref: str) -> bool:
    try:
        return float(text) == float(ref)
    except ValueError:
        return text.strip() == ref.strip()


def _grouped(table: Table, by: str, ref: str) -> tuple[Table, list[str]]:
    """The sweep with ``by`` as a parameter and, when other parameters are pooled, a seed column
    that pairs replication k only with k at the same pooled values; and those parameters."""
    if by not in table.columns:
        known = [c for c in table.columns if c not in KEYS]
        raise InputErrors(InputError(f"no column '{by}'{suggest(by, known)}", table.path, path="--by"))
    values = list(dict.fromkeys(table.columns[by]))
    if not any(_same(v, ref) for v in values):
        raise InputErrors(InputError(f"no replication has {by} = {ref}; values: {', '.join(values)}",
                                     table.path, path="--ref"))
    table = replace(table, parameters=[*table.parameters, by])
    other = [c for c in table.columns if c != by and (c in table.parameters or "." in c)]
    if "seed" in table.columns and other:
        keys = zip(table.columns["seed"], *(table.columns[p] for p in other))
        table = replace(table, columns={**table.columns, "seed": ["|".join(k) for k in keys]})
    return table, other


def compare_by(runs: str | Path | Table, by: str, ref: str, metrics: list[str] | None = None,
               alpha: float = 0.05, adjust: str = "holm", seed: int = 0) -> Report:
    """Compare each value of the swept parameter ``by`` against ``ref`` in a sweep's runs.csv.

    Other swept parameters are pooled. The adjustment counts every test of every value.
    """
    _check(adjust, alpha)
    table, other = _grouped(runs if isinstance(runs, Table) else read_table(runs), by, ref)
    column = table.columns[by]
    base = table.subset(np.array([_same(v, ref) for v in column]), f"{by}={ref}")
    if all(_same(v, ref) for v in column):
        raise InputErrors(InputError(f"every run has {by}={ref}: no other value to compare with", table.path,
                                     path="--by"))
    rows, pairings = [], set()
    for value in (v for v in dict.fromkeys(column) if not _same(v, ref)):
        side = table.subset(np.array([c == value for c in column]), f"{by}={value}")
        got, pairing, horizon = _rows(base, side, metrics, seed, group=value)
        rows += got
        pairings.add(pairing.split(":")[0])
    pairing = "; ".join(sorted(pairings))
    pairing += f": replications matched on seed{''.join(', ' + p for p in other)}" * (pairing == "paired")
    notes = [f"pooled over the other swept parameters: {', '.join(other)}"] if other else []
    return _finish(Report(f"{table.path} at {by}={ref}", f"each other value of {by}", rows,
                          pairing, horizon, adjust, alpha, seed, by, notes))


def _num(x: float, kind: str = "continuous", diff: bool = False) -> str:
    if not math.isfinite(x):
        return "n/a" if math.isnan(x) else "not reached"
    if kind == "binary":
        return f"{100 * x:+.1f} pts" if diff else f"{100 * x:.1f}%"
    return (f"{x:+.3g}" if diff else f"{x:.3g}") + (" d" if kind == "time" else "")


def _p(p: float, bare: bool = False) -> str:
    text = "n/a" if math.isnan(p) else ("p < 0.001" if p < 0.001 else f"p = {p:.3f}")
    return text.removeprefix("p = ").removeprefix("p ") if bare else text


def _interval(r: stats.TestResult) -> str:
    scale, spec = (100, ".1f") if r.kind == "binary" else (1, ".3g")
    return f"[{scale * r.ci_low:{spec}}, {scale * r.ci_high:{spec}}]"


def _change(r: stats.TestResult) -> str:
    if r.kind == "binary":
        return f"{r.mean_a:.1%} -> {r.mean_b:.1%}, {100 * r.diff:+.1f} points"
    if r.kind == "time":
        return (f"median day {_num(r.median_a)} -> {_num(r.median_b)}, restricted mean "
                f"{r.mean_a:.0f} -> {r.mean_b:.0f} days, {r.diff:+.0f} days")
    digits = next((d for d in range(3, 9) if f"{r.mean_a:.{d}g}" != f"{r.mean_b:.{d}g}"), 3)
    return f"{r.mean_a:.{digits}g} -> {r.mean_b:.{digits}g}, {r.diff:+.3g}"


def plain_language(report: Report) -> list[str]:
    """One sentence per difference significant after adjustment, e.g.
    ``war CHN-USA: 12.5% -> 31.0%, +18.5 points [12.1, 24.9], p < 0.001``."""
    return [(f"[{report.by}={row.group}] " if row.group is not None else "")
            + f"{label(row.metric)}: {_change(row.result)} {_interval(row.result)}, {_p(row.p_adj)}"
            for row in report.rows if row.p_adj < report.alpha]


def _record(row: Row) -> dict:
    """A report row as a record: the result's fields, with `p_adj` right after `p`; `diff_b_minus_a`
    says the direction in the column's own name."""
    record: dict = {"group": row.group, "metric": row.metric, "label": label(row.metric)}
    for name, value in asdict(row.result).items():
        record["diff_b_minus_a" if name == "diff" else name] = value
        if name == "p":
            record["p_adj"] = row.p_adj
    return record


def _header(report: Report) -> list[str]:
    return [f"A (reference): {report.a}", f"B (compared with A): {report.b}", report.pairing,
            f"horizon: {report.horizon or 'no time metrics'}",
            f"difference = B - A (positive: higher in B); 95% bootstrap CI (Efron, BCa), seed {report.seed}", *report.notes]


def _cells(row: Row) -> list[str]:
    r = row.result
    effect = f"{r.effect_name} {_num(r.effect)}" if r.effect_name != "n/a" else "n/a"
    cells = [label(row.metric), r.test, f"{r.n_a}/{r.n_b}", _num(r.mean_a, r.kind), _num(r.mean_b, r.kind),
             _num(r.diff, r.kind, diff=True), _interval(r), _p(r.p, True), _p(row.p_adj, True), effect]
    return ([row.group] if row.group is not None else []) + cells


def _footer(report: Report) -> list[str]:
    notes = [f"{label(r.metric)}: " + (f"Kaplan-Meier median day {_num(r.result.median_a)} -> "
             f"{_num(r.result.median_b)} (A, B: restricted means to the horizon); "
             if r.result.kind == "time" else "") + r.result.note
             for r in report.rows if r.result.note or r.result.kind == "time"]
    title = f"significant at alpha {report.alpha:g} after {report.adjust} adjustment:"
    return [title, *(plain_language(report) or ["none"]), "notes:", *notes]


def _text_table(header: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(x) for x in col) for col in zip(header, *body)]
    return ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip()
            for line in [header, ["-" * w for w in widths], *body]]


def render(report: Report, fmt: str = "table") -> str:
    """The report as ``table`` (text), ``csv``, ``markdown`` or ``json``."""
    if fmt == "json":
        doc = {"difference": "B - A", **{k: v for k, v in asdict(report).items() if k != "rows"},
               "rows": [_record(r) for r in report.rows], "significant": plain_language(report)}
        return json.dumps(_jsonable(doc), indent=2) + "\n"
    if fmt == "csv":
        return _csv([_record(r) for r in report.rows])
    head = ([report.by] if report.by else []) + ["metric", "test", "n A/B", "A", "B", "B - A",
                                                 "95% CI", "p", f"p {report.adjust}", "effect"]
    body = [_cells(r) for r in report.rows]
    if fmt == "markdown":
        table = [f"| {' | '.join(line)} |" for line in [head, ["---"] * len(head), *body]]
        footer = _footer(report)
        return "\n".join([f"- {h}" for h in _header(report)] + ["", *table, "", f"**{footer[0]}**"]
                         + [f"- {f}" if f != "notes:" else "\n**notes:**" for f in footer[1:]]) + "\n"
    return "\n".join(_header(report) + [""] + _text_table(head, body) + [""] + _footer(report)) + "\n"


def _jsonable(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else "not reached"
    return ({k: _jsonable(v) for k, v in value.items()} if isinstance(value, dict) else
            [_jsonable(v) for v in value] if isinstance(value, list) else value)


def _csv(records: list[dict]) -> str:
    out = io.StringIO()
    fields = list(records[0]) if records else ["group", "metric", "label", *(
        "diff_b_minus_a" if f.name == "diff" else f.name for f in dataclass_fields(stats.TestResult))]
    if not records:
        fields.insert(fields.index("p") + 1, "p_adj")
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if isinstance(v, float) and math.isnan(v) else v for k, v in rec.items()}
                     for rec in records)
    return out.getvalue()
