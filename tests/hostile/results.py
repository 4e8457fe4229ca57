"""Hostile result folders for `compare` and `plot`: each case copies a valid run or sweep folder
to `res/` (and `res2/`) and breaks one file of it (see corpus.py)."""

from __future__ import annotations

from hostile.case import Case

__all__ = ["compare_cases", "one_value", "plot_cases"]

# --- result folders: compare and plot ------------------------------------------------------

_TABLE_BREAKS: dict[str, str | bytes | None] = {
    "truncated": "rep,seed,max_le",
    "binary": b"\x00\x01\x02\xff" * 64,
    "latin1": "rep,seed,max_level\n0,1,\xe9\n".encode("latin-1"),
    "empty": "",
    "header-only": "rep,seed,max_level,t_first_clash,n_belligerents\n",
    "short-row": "rep,seed,max_level\n0,1\n",
    "long-row": "rep,seed,max_level\n0,1,2,3,4\n",
    "unclosed-quote": 'rep,seed,max_level\n0,1,"5\n1,2,3\n',
    "text-cell": "rep,seed,max_level\n0,1,high\n1,2,3\n",
    "inf-cell": "rep,seed,max_level\n0,1,inf\n1,2,3\n",
    "nan-cell": "rep,seed,max_level\n0,1,nan\n1,2,nan\n",
    "nul": "rep,seed,max_level\n0,1,\x003\n",
    "missing": None,
}


def one_value(text: str) -> str:
    """A sweep's runs.csv with only the rows of its first war_cost value (nothing to compare with)."""
    lines = text.splitlines(keepends=True)
    column = lines[0].split(",").index("parameters.decision.war_cost")
    first = lines[1].split(",")[column]
    return "".join([lines[0]] + [line for line in lines[1:] if line.split(",")[column] == first])


def compare_cases() -> list[Case]:
    cases = [Case(f"compare-summary-{name}", ["compare", "res", "res2"], base="run", mutate={"summary.csv": text})
             for name, text in _TABLE_BREAKS.items()]
    cases += [Case(f"compare-meta-{name}", ["compare", "res", "res2"], base="run", mutate={"meta.json": text})
              for name, text in {"truncated": '{"horizon_days": ', "binary": b"\xff\x00" * 10,
                                 "list": "[1]", "horizon-text": '{"horizon_days": "x"}',
                                 "horizon-differs": '{"horizon_days": 5}'}.items()]
    cases += [Case(f"compare-runs-{name}", ["compare", "res", "--by", "parameters.decision.war_cost", "--ref", "1"],
                   base="sweep", mutate={"runs.csv": text}) for name, text in _TABLE_BREAKS.items()]
    cases += [
        Case("compare-by-unknown", ["compare", "res", "--by", "nope", "--ref", "1"], base="sweep"),
        Case("compare-by-ref-missing", ["compare", "res", "--by", "parameters.decision.war_cost", "--ref", "7"],
             base="sweep"),
        Case("compare-by-one-value", ["compare", "res", "--by", "parameters.decision.war_cost", "--ref", "1"],
             base="sweep", mutate={"runs.csv": one_value}),
        Case("compare-by-no-ref", ["compare", "res", "--by", "x"], base="sweep"),
        Case("compare-missing", ["compare", "nothere", "res"], base="run"),
        Case("compare-file-not-csv", ["compare", "res/meta.json", "res"], base="run"),
        Case("compare-unknown-metric", ["compare", "res", "res2", "--metrics", "max_levle"], base="run"),
        Case("compare-alpha", ["compare", "res", "res2", "--alpha", "2"], base="run"),
        Case("compare-alpha-nan", ["compare", "res", "res2", "--alpha", "nan"], base="run"),
        Case("compare-out-folder", ["compare", "res", "res2", "--out", "res"], base="run"),
        Case("compare-out-no-parent", ["compare", "res", "res2", "--out", "no/such/dir/r.txt"], base="run"),
        Case("compare-out-parent-file", ["compare", "res", "res2", "--out", "res/meta.json/r.txt"], base="run"),
        Case("compare-format", ["compare", "res", "res2", "--format", "xml"], base="run"),
        Case("compare-seed", ["compare", "res", "res2", "--seed", "-3"], base="run"),
    ]
    return cases


def plot_cases() -> list[Case]:
    cases = [Case(f"plot-run-{table}-{name}", ["plot", "res", "--out", "figs"], base="run", mutate={f"{table}.csv": text})
             for table in ("summary", "tension", "events", "states")
             for name, text in _TABLE_BREAKS.items() if name in ("truncated", "binary", "header-only", "short-row",
                                                                 "unclosed-quote", "latin1", "text-cell", "empty")]
    cases += [Case(f"plot-sweep-{name}", ["plot", "res", "--out", "figs"], base="sweep", mutate={"runs.csv": text})
              for name, text in _TABLE_BREAKS.items() if text is not None]
    cases += [
        Case("plot-missing", ["plot", "nothere"]),
        Case("plot-not-result", ["plot", "d"], {"d/thesis.tex": "x"}),
        Case("plot-file", ["plot", "f.txt"], {"f.txt": "x"}),
        Case("plot-rep-out-of-range", ["plot", "res", "--rep", "99", "--out", "figs"], base="run"),
        Case("plot-rep-negative", ["plot", "res", "--rep", "-1", "--out", "figs"], base="run"),
        Case("plot-out-file", ["plot", "res", "--out", "res/meta.json"], base="run"),
        Case("plot-compare-missing", ["plot", "res", "--compare", "nothere", "--out", "figs"], base="run"),
        Case("plot-compare-sweep", ["plot", "res", "--compare", "s", "--out", "figs"], base="run",
             files={"s/runs.csv": "point,rep\n"}),
    ]
    return cases
