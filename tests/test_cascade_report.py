"""`alliance-sim cascade` and `alliance-sim report`: the cascade aggregated over replications from the
events' cause chains, its network figure, and the one-page HTML report (in a real browser too)."""

from __future__ import annotations

import csv
import itertools
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from browser import chromium, open_page
from clirun import cli
from plotly.offline import get_plotlyjs

import sim
from sim.analysis.cascade import CHAIN_COLUMNS, COLUMNS, aggregate, answers, chains, links
from sim.plot.figure import load_run
from sim.plot.network import LABEL_GID, network
from sim.plot.report import MAX_STATES, build
from sim.scenario.errors import InputErrors

pytestmark = pytest.mark.xdist_group(__name__)
"""Under xdist (`--dist loadgroup`, pyproject.toml) one worker runs this module: `real_runs` and the report made from
them are shared by its tests, made once."""

HEADER = ["rep", "t", "event_id", "cause_id", "kind", "actor", "target", "level", "pact", "detail"]


def _events(reps: int = 10) -> pd.DataFrame:
    """CHN attacks TWN; TWN defends itself; the USA invokes a pact; AUS honours (even reps, then
    enters 20 days after the invocation's day) or declines (odd reps); in every rep NATO names CHN,
    CHN perceives the USA, escalates toward it and answers it by counter-naming."""
    rows = []
    for rep in range(reps):
        delay = 2.0 + rep  # the honour's delay from the invocation: 2, 4, 6, ... on even reps
        rows += [[rep, 0, "1", "", "scenario.name_threat", "NATO", "CHN", 2, "", "names China"],
                 [rep, 1.5, "2", "1", "perceive", "CHN", "USA", "", "", ""],
                 [rep, 4, "3", "2", "escalate", "CHN", "USA", 3, "", ""],
                 [rep, 30, "9", "2", "answer", "CHN", "USA", "", "", "counter-naming"],
                 [rep, 10, "4", "", "scenario.attack", "CHN", "TWN", 6, "", ""],
                 [rep, 10, "5", "4", "self_defence", "TWN", "CHN", 6, "", ""],
                 [rep, 11, "6", "4", "invocation", "USA", "CHN", "", "ANZUS", "defence"]]
        if rep % 2 == 0:
            rows += [[rep, 11 + delay, "7", "6", "honour", "AUS", "CHN", 5, "ANZUS", ""],
                     [rep, 31, "8", "7", "entry", "AUS", "CHN", 6, "ANZUS", ""]]
        else:
            rows += [[rep, 12, "7", "6", "abandon", "AUS", "CHN", "", "ANZUS", ""]]
    return pd.DataFrame(rows, columns=HEADER).astype({"event_id": str, "cause_id": str})


def _edge(table: pd.DataFrame, source: str, target: str, mechanism: str) -> pd.Series:
    rows = table[(table["source"] == source) & (table["target"] == target) & (table["mechanism"] == mechanism)]
    assert len(rows) == 1, (source, target, mechanism, table)
    return rows.iloc[0]


def test_answers_walk_each_cause_chain_to_the_state_answered():
    found = answers(_events(2).replace({"cause_id": {"": None}}))
    got = set(zip(found["rep"], found["source"], found["target"], found["mechanism"]))
    assert (0, "NATO", "CHN", "perceive") in got
    assert (0, "NATO", "CHN", "escalate") in got  # CHN's own perception in between: it answers NATO
    assert (0, "USA", "AUS", "entry") in got  # entry <- AUS's own honour <- the USA's invocation
    assert (1, "USA", "AUS", "abandon") in got and (1, "USA", "AUS", "entry") not in got
    assert not any(s == t for _, s, t, _ in got)
    entry = found[(found["rep"] == 0) & (found["mechanism"] == "entry")].iloc[0]
    assert entry["delay"] == 31 - 11  # from the act answered (the invocation), not from the honour


def test_aggregate_shares_delays_and_counts():
    reps = 10
    table = aggregate(_events(reps), replications=reps)
    assert list(table.columns) == list(COLUMNS)
    defence = _edge(table, "CHN", "TWN", "self_defence")
    assert defence["share_of_runs"] == 1.0 and defence["n_events"] == reps and defence["median_delay"] == 0
    honour = _edge(table, "USA", "AUS", "honour")
    delays = [2.0 + r for r in range(0, reps, 2)]
    assert honour["pact"] == "ANZUS" and honour["share_of_runs"] == 0.5 and honour["n_runs"] == 5
    assert honour["median_delay"] == np.median(delays)
    assert honour["delay_p10"] == pytest.approx(np.quantile(delays, 0.1))
    assert honour["delay_p90"] == pytest.approx(np.quantile(delays, 0.9))
    assert _edge(table, "USA", "AUS", "abandon")["share_of_runs"] == 0.5
    # replications with no answer at all still count in the denominator
    assert aggregate(_events(reps), replications=2 * reps).pipe(_edge, "CHN", "TWN", "self_defence")["share_of_runs"] == 0.5
    families = links(answers(_events(reps)), reps)
    war = families[(families["source"] == "USA") & (families["target"] == "AUS") & (families["family"] == "war")]
    assert war["share_of_runs"].tolist() == [0.5] and war["pacts"].tolist() == ["ANZUS"]


def test_chains_read_from_the_root_act_to_the_answer():
    reps = 10
    how = chains(_events(reps), replications=reps)
    assert list(how.columns) == list(CHAIN_COLUMNS)
    shares = dict(zip(how["chain"], how["share_of_runs"]))
    assert shares["CHN attacks TWN -> TWN defends itself against CHN"] == 1.0
    assert shares["CHN attacks TWN -> USA invokes ANZUS against CHN -> AUS declines ANZUS against CHN"] == 0.5
    entry = ("CHN attacks TWN -> USA invokes ANZUS against CHN -> AUS honours ANZUS against CHN -> "
             "AUS enters the war against CHN (ANZUS)")
    assert shares[entry] == 0.5 and how.set_index("chain").loc[entry, "steps"] == 4
    assert not any("escalate" in c or c.endswith("perceives USA") for c in shares)  # steps on the way, never ends
    assert shares["NATO names CHN -> CHN perceives USA -> CHN answers USA (counter-naming)"] == 1.0
    short = chains(_events(reps), replications=reps, steps=2)
    assert "CHN attacks TWN -> ... -> AUS honours ANZUS against CHN -> AUS enters the war against CHN (ANZUS)" in set(
        short["chain"])


def _joining_events(reps: int = 4) -> pd.DataFrame:
    """The fitted joining route (parameters.joining.enabled, the default): CHN attacks TWN, the USA's
    pact is invoked, and AUS's answer is read from what it does: on even reps it joins the USA's side
    (honour at the join's instant, the join caused by it), on odd reps the war ends without it (abandon)."""
    rows = []
    for rep in range(reps):
        rows += [[rep, 10, "1", "", "scenario.attack", "CHN", "TWN", 6, "", ""],
                 [rep, 10, "2", "1", "self_defence", "TWN", "CHN", 6, "", ""],
                 [rep, 10, "3", "1", "invocation", "USA", "CHN", "", "ANZUS", "defence"]]
        if rep % 2 == 0:
            rows += [[rep, 40, "4", "3", "honour", "AUS", "CHN", 6, "ANZUS", "defence"],
                     [rep, 40, "5", "4", "join", "AUS", "CHN", 6, "ANZUS", ""]]
        else:
            rows += [[rep, 90, "4", "3", "abandon", "AUS", "CHN", "", "ANZUS", "defence"]]
    return pd.DataFrame(rows, columns=HEADER).astype({"event_id": str, "cause_id": str})


def test_the_joining_route_reads_as_call_answer_and_join():
    reps = 4
    found = answers(_joining_events(reps))
    join = found[found["mechanism"] == "join"]
    assert set(join["source"]) == {"USA"} and set(join["target"]) == {"AUS"}  # join <- AUS's honour <- the call
    assert join["delay"].tolist() == [30.0, 30.0] and set(join["pact"]) == {"ANZUS"}
    families = links(found, reps)
    war = families[(families["source"] == "USA") & (families["target"] == "AUS") & (families["family"] == "war")]
    assert war["share_of_runs"].tolist() == [0.5]  # a join carries the war, as an entry does
    declined = families[(families["target"] == "AUS") & (families["family"] == "declined")]
    assert declined["share_of_runs"].tolist() == [0.5]
    shares = dict(zip(*chains(_joining_events(reps), replications=reps)[["chain", "share_of_runs"]].T.values))
    assert shares["CHN attacks TWN -> USA invokes ANZUS against CHN -> AUS honours ANZUS against CHN -> "
                  "AUS joins the war against CHN (ANZUS)"] == 0.5
    assert shares["CHN attacks TWN -> USA invokes ANZUS against CHN -> AUS declines ANZUS against CHN"] == 0.5


@pytest.mark.parametrize("edit, message, line", [
    (lambda e: e.assign(cause_id=e["cause_id"].where(e.index != 4, "99")), "cause_id 99 names no event", 6),
    (lambda e: e.assign(actor=e["actor"].where(e.index != 2, None)), "no 'actor'", 4),
    (lambda e: e.assign(event_id=e["event_id"].where(e.index != 1, "1")), "appears twice", 3),
])
def test_a_broken_chain_is_bad_input_at_its_line(edit, message, line):
    with pytest.raises(InputErrors, match=message) as caught:
        aggregate(edit(_events(2)), file="events.csv")
    assert caught.value.errors[0].line == line and caught.value.errors[0].file == "events.csv"


# --- on real runs of the shipped scenarios -------------------------------------------------------

REPS = 12


@pytest.fixture(scope="module")
def real_runs(tmp_path_factory):
    """taiwan_strait_war and baseline_2022, same seed, REPS replications of 240 days (the war starts on day 92)."""
    folder = tmp_path_factory.mktemp("runs")
    out = {}
    for name in ("taiwan_strait_war", "baseline_2022"):
        result = sim.run(sim.load_scenario(f"scenarios/{name}.yaml"), replications=REPS, seed=2022, horizon=240)
        result.write(folder / name)
        out[name] = folder / name
    return out


def _cli(*args: str) -> subprocess.CompletedProcess:
    """The command in-process (tests/clirun.py): an exception escaping it fails the test, as a
    traceback would reach the user."""
    return cli(*args)


def test_cascade_command_writes_the_table_and_a_network_whose_labels_never_overlap(real_runs, tmp_path):
    out = tmp_path / "cascade"
    done = _cli("cascade", str(real_runs["taiwan_strait_war"]), "--out", str(out))
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out / "cascade.csv", keep_default_na=False)
    assert list(table.columns) == list(COLUMNS)
    assert _edge(table, "CHN", "TWN", "self_defence")["share_of_runs"] == 1.0  # the scripted invasion, every run
    assert (out / "cascade.png").read_bytes()[:4] == b"\x89PNG" and (out / "meta.json").is_file()
    how = pd.read_csv(out / "chains.csv")
    assert list(how.columns) == list(CHAIN_COLUMNS)
    assert "CHN attacks TWN -> TWN defends itself against CHN" in set(how["chain"])
    again = _cli("cascade", str(real_runs["taiwan_strait_war"]), "--out", str(out))
    assert again.returncode == 2 and "--force" in again.stderr
    run = load_run(real_runs["taiwan_strait_war"])
    fig = network(run, answers(run.events), min_share=0.0, most=40)  # crowded on purpose
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts if t.get_gid() == LABEL_GID]
    assert len(boxes) >= 5
    assert not [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]


def _sweep(folder: Path) -> Path:
    folder.mkdir()
    (folder / "runs.csv").write_text("point,rep,seed,max_level\n0,0,1,3\n")
    (folder / "manifest.json").write_text("{}")
    return folder


def _cut(real: Path, folder: Path) -> Path:
    folder.mkdir()
    for name in ("summary.csv", "states.csv", "meta.json"):
        (folder / name).write_bytes((real / name).read_bytes())
    data = (real / "events.csv").read_bytes()
    (folder / "events.csv").write_bytes(data[: len(data) // 2].rstrip(b"\n")[:-3])
    return folder


@pytest.mark.parametrize("command", ["cascade", "report"])
@pytest.mark.parametrize("case", ["missing", "sweep", "cut"])
def test_bad_run_folders_exit_2_with_where_and_leave_nothing(real_runs, tmp_path, command, case):
    folder = {"missing": lambda: tmp_path / "nope", "sweep": lambda: _sweep(tmp_path / "sweep"),
              "cut": lambda: _cut(real_runs["taiwan_strait_war"], tmp_path / "cut")}[case]()
    out = tmp_path / ("page.html" if command == "report" else "out")
    done = _cli(command, str(folder), "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and str(folder) in done.stderr
    if case == "cut":
        assert re.search(r"events\.csv:\d+: .*cut", done.stderr), done.stderr
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def _write_sources(folder: Path, states: list[str], sources: int = 10) -> pd.DataFrame:
    """A synthetic sources.csv: each (rep, t, state)'s tension from tension.csv split over sources and
    four components with fixed weights, so the parts add up to the tension as the issue asks."""
    tension = pd.read_csv(folder / "tension.csv")
    tension = tension[tension["state"].isin(states)]
    rng = np.random.default_rng(5)
    names = [f"S{k:02d}" for k in range(sources)]
    components = ["capability", "intent", "alliance", "standing"]
    weights = rng.dirichlet(np.ones(sources * len(components)))
    rows = [(rep, t, state, s, c, round(float(tau * w), 9))
            for rep, t, state, tau in tension.itertuples(index=False)
            for (s, c), w in zip(itertools.product(names, components), weights)]
    with open(folder / "sources.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["rep", "t", "state", "source", "component", "value"])
        writer.writerows(rows)
    return pd.DataFrame(rows, columns=["rep", "t", "state", "source", "component", "value"])


PANELS = ("scenario", "tension", "attribution", "cascade", "entry", "invocations", "effects")


@pytest.fixture(scope="module")
def with_sources(real_runs, tmp_path_factory):
    """The taiwan_strait_war run with a synthetic sources.csv for its watched states."""
    folder = tmp_path_factory.mktemp("sources") / "taiwan_strait_war"
    folder.mkdir()
    for file in real_runs["taiwan_strait_war"].iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    _write_sources(folder, load_run(folder).meta["scenario"]["watch"]["states"])
    return folder


@pytest.fixture(scope="module")
def reported(with_sources, real_runs, tmp_path_factory):
    """`alliance-sim report` of the run with sources.csv against the baseline, run once (compare
    bootstraps every metric): the command's arguments, its outcome and the page it wrote."""
    out = tmp_path_factory.mktemp("report") / "page.html"
    args = ("report", str(with_sources), "--baseline", str(real_runs["baseline_2022"]), "--out", str(out))
    done = _cli(*args)
    return args, done, out.read_text() if out.exists() else ""


@pytest.fixture(scope="module")
def sources_page(reported):
    """The page the command wrote (the browser test and the attribution panel's test read it)."""
    _, done, page = reported
    assert done.returncode == 0, done.stderr
    return page


def test_report_command_writes_one_self_contained_page_with_every_panel(reported, real_runs, tmp_path):
    args, done, page = reported
    assert done.returncode == 0, done.stderr
    assert page.startswith("<!DOCTYPE html>")
    assert re.findall(r'<section id="(\w+)"', page) == list(PANELS)
    assert page.count(get_plotlyjs()) == 1  # plotly's JavaScript inlined once
    rest = page.replace(get_plotlyjs(), "")
    assert "<script src" not in rest and "<link" not in rest and "http" not in rest  # nothing fetched
    # tension, cascade, the attribution's components and one figure per watched state drawn
    figures = page.count('class="plotly-graph-div"')
    assert page.count("Plotly.newPlot") == figures == 3 + len(re.findall(r'id="fig-attribution-\d+"', page))
    assert "invasion of Taiwan" in page and "US_JPN" in page  # the timeline; a pact invoked
    assert "CHN attacks TWN -&gt; TWN defends itself against CHN" in page  # a chain, escaped as text
    assert "states at war" in page  # an effect against the baseline
    again = _cli(*args)
    assert again.returncode == 2 and "--force" in again.stderr
    out = Path(args[-1])
    alone = _cli("report", str(real_runs["baseline_2022"]), "--out", str(out), "--force")
    assert alone.returncode == 0, alone.stderr
    page = out.read_text()
    assert "no baseline given" in page
    assert "no sources.csv" in page  # the attribution panel says how to get it
    assert page.count("Plotly.newPlot") == page.count('class="plotly-graph-div"') == 2  # tension, cascade


def test_the_attribution_panel_reads_sources_csv(with_sources, sources_page, tmp_path):
    page = sources_page
    watched = load_run(with_sources).meta["scenario"]["watch"]["states"]
    assert "no sources.csv" not in page
    drawn = re.findall(r'id="fig-attribution-(\d+)"', page)
    assert len(drawn) == min(len(watched), MAX_STATES) and 'id="fig-components"' in page
    assert "S00" in page and "intent" in page and "all others" in page  # top sources, components, the rest
    # the page embeds means over replications on at most MAX_POINTS days: it does not grow with the table
    assert len(page.encode()) - len(get_plotlyjs().encode()) < 180_000, len(page.encode())
    assert len(page.encode()) < 5_000_000
    bad = tmp_path / "bad"
    bad.mkdir()
    for file in with_sources.iterdir():
        if file.name != "sources.csv":
            (bad / file.name).write_bytes(file.read_bytes())
    (bad / "sources.csv").write_text("rep,t,state,source,component,value\n0,0,CHN,USA,intent,0.1\n0,0,CHN,USA,intent,x\n")
    with pytest.raises(InputErrors, match=r"value") as caught:
        build(bad)
    assert caught.value.errors[0].line == 3 and caught.value.errors[0].file.endswith("sources.csv")


def test_synthetic_sources_add_up_to_tension(with_sources):
    """The test table is what the issue specifies: per (rep, t, state) the parts add up to tension."""
    parts = pd.read_csv(with_sources / "sources.csv").groupby(["rep", "t", "state"])["value"].sum()
    tension = pd.read_csv(with_sources / "tension.csv").set_index(["rep", "t", "state"])["tension"]
    assert np.allclose(parts, tension.reindex(parts.index), atol=1e-6)


@pytest.mark.slow
def test_the_report_renders_in_a_real_browser_without_errors(sources_page, tmp_path):
    """Headless Chromium loads the page: no console error, every chart drew its SVG with its traces,
    every panel has content. CI installs Chromium (.ci/run): there a missing browser is a failure."""
    if chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("no chromium on PATH: .ci/run installs it with apt-get (`apt-get install chromium`)")
        pytest.skip("no chromium on PATH (`apt-get install chromium`); CI runs this test")
    out = tmp_path / "report.html"
    out.write_text(sources_page, encoding="utf-8")
    page = open_page(out)
    assert page.errors == []
    assert [s["id"] for s in page.sections] == list(PANELS)
    assert all(s["figures"] + s["rows"] + s["notes"] > 0 for s in page.sections), page.sections
    ids = {c["id"] for c in page.charts}
    assert {"fig-tension", "fig-cascade", "fig-components", "fig-attribution-0"} <= ids, ids
    assert all(c["svg"] and c["traces"] > 0 for c in page.charts), page.charts
