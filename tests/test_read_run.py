"""One typed reader of result folders (sim.read_run, sim.read_table): the dtypes of the CSV
contract, whatever the cells hold (an all-empty text column stays text), the same frames from
CSV and from Parquet (`run --format parquet`), and the one reader behind compare, plot and the API."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pandas as pd
import pytest
from clirun import cli

import sim
from sim.engine.tables import DTYPES, TABLES, dtypes
from sim.execution import results
from sim.scenario.errors import InputErrors
from tests.test_cli_input import ROOT

HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None


@pytest.fixture(scope="module")
def result():
    return sim.run(sim.load_scenario(ROOT / "scenarios" / "taiwan_strait_war.yaml"), replications=3, seed=4,
                   horizon=40)


@pytest.fixture(scope="module")
def folder(result, tmp_path_factory):
    return result.write(tmp_path_factory.mktemp("run") / "r")


def test_every_table_comes_back_in_the_contracts_dtypes(folder):
    run = sim.read_run(folder)
    for table in ("events", "tension", "states"):
        assert run[table].dtypes.astype(str).to_dict() == DTYPES[table], table
    summary = run.summary.dtypes.astype(str).to_dict()
    assert summary == dtypes("summary", run.summary.columns)
    assert summary["seed"] == "uint64" and summary["rep"] == "int64" and summary["max_level"] == "float64"
    assert summary["war_CHN_TWN"] == "int64" and summary["t_war_CHN_TWN"] == "float64"
    assert run.replications == 3 and run.meta["replications"] == 3


def test_an_all_empty_text_column_is_text_not_float(tmp_path, folder):
    """events.csv's `pact` (or `detail`) may be empty in every row: still text, missing cells NA."""
    text = (folder / "events.csv").read_text().splitlines()
    (tmp_path / "events.csv").write_text("\n".join([text[0], *(",".join(line.split(",")[:8] + ["", ""])
                                                               for line in text[1:] if '"' not in line)]) + "\n")
    events = sim.read_table(tmp_path / "events.csv")
    assert str(events["pact"].dtype) == "str" and str(events["detail"].dtype) == "str"
    assert events["pact"].isna().all() and str(pd.read_csv(tmp_path / "events.csv")["pact"].dtype) == "float64"


def test_the_apis_frames_are_the_readers(result, folder):
    for table in TABLES:
        pd.testing.assert_frame_equal(result.frame(table), sim.read_run(folder)[table])


def test_bad_cells_are_input_errors_with_file_and_line(tmp_path):
    (tmp_path / "tension.csv").write_text("rep,t,state,tension\n0,0,USA,0.1\n0,7,USA,high\n")
    with pytest.raises(InputErrors, match=r"tension.csv:3: column 'tension' is not numeric: 'high'"):
        sim.read_table(tmp_path / "tension.csv")
    (tmp_path / "summary.csv").write_text("rep,seed,max_level\n0,1,3\n1,2\n")
    with pytest.raises(InputErrors, match="2 cells where the header has 3"):
        sim.read_table(tmp_path / "summary.csv")


def test_compare_plot_and_sweeps_read_through_the_one_reader():
    from sim.analysis import compare
    from sim.plot import tables

    assert tables.read_table is results.read_table and compare.read_result_table is results.read_table
    for path in [*ROOT.joinpath("sim", "analysis").glob("*.py"), *ROOT.joinpath("sim", "plot").glob("*.py")]:
        assert "pd.read_csv(" not in path.read_text() or path.name == "calibration_report.py", path


@pytest.mark.skipif(not HAS_PYARROW, reason="pyarrow (the parquet extra) is not installed")
def test_parquet_run_reads_back_to_the_same_frames(tmp_path):
    out = {}
    for form in ("csv", "parquet"):
        done = cli("run", "taiwan_strait_war", "--reps", "2", "--horizon", "30", "--seed", "3", "--format", form,
                   "--out", tmp_path / form, "--quiet")  # in-process (tests/clirun.py)
        assert done.returncode == 0, done.stderr
        out[form] = sim.read_run(tmp_path / form)
    assert sorted(p.name for p in (tmp_path / "parquet").iterdir()) == [
        "events.parquet", "meta.json", "states.parquet", "summary.parquet", "tension.parquet"]
    assert out["parquet"].meta["table_format"] == "parquet"
    for table in TABLES:
        pd.testing.assert_frame_equal(out["parquet"][table], out["csv"][table])


def test_parquet_without_pyarrow_is_a_clear_exit_2(tmp_path):
    block = "import sys; sys.modules['pyarrow'] = None; sys.modules['pyarrow.parquet'] = None; "
    code = block + (f"from sim.cli.main import main; sys.exit(main(['run', 'taiwan_strait_war', '--reps', '1', "
                    f"'--format', 'parquet', '--out', {str(tmp_path / 'p')!r}, '--quiet']))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "pyarrow" in done.stderr and 'pip install "alliance-sim[parquet]"' in done.stderr
    assert not (tmp_path / "p").exists()
