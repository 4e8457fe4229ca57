"""CSV text survives pandas (issue 11, items 13 and 15): any text in any cell of any table reads
back as written, and the API's DataFrames have the dtypes (and values) of the written files."""

from __future__ import annotations

import io
import os
import stat

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.engine.tables import TABLES, format_row, headers
from sim.scenario.loading import load_scenario
from tests.factories import tiny


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(TABLES), st.data())
def test_any_text_in_any_cell_reads_back_with_pandas(table, data):
    """Commas, quotes, `\\r`, `\\n` and anything else, in every column of every table."""
    watch = load_scenario(tiny()).watch
    header = headers(watch)[table]
    rows = data.draw(st.lists(st.lists(st.text(), min_size=len(header), max_size=len(header)), min_size=1, max_size=4))
    text = format_row(header) + "".join(map(format_row, rows))
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(frame.columns) == header
    assert frame.values.tolist() == rows


def test_a_note_with_a_carriage_return_reads_back_from_events_csv(tmp_path):
    note = "one\rtwo"  # no comma or quote: only the \r asks for quotes
    scenario = load_scenario(tiny(timeline=[{"at": 1, "do": "name_threat", "actor": "AAA", "target": "BBB",
                                             "note": note}]))
    folder = sim.run(scenario, replications=2, seed=1).write(tmp_path / "out")
    events = pd.read_csv(folder / "events.csv")
    assert events[events.kind == "scenario.name_threat"].detail.tolist() == [note, note]


def test_the_api_frames_have_the_dtypes_of_the_written_csv(tmp_path):
    """A time that never came is NaN in a float column, in result.summary as in summary.csv read
    back by sim.read_run (the typed reader); the values are those pandas reads from the file."""
    result = sim.run(load_scenario(tiny()), replications=6, seed=3)
    folder = result.write(tmp_path / "out")
    for table in TABLES:
        pd.testing.assert_frame_equal(result.frame(table), sim.read_run(folder)[table])
        pd.testing.assert_frame_equal(result.frame(table), pd.read_csv(folder / f"{table}.csv"), check_dtype=False)
    assert result.summary["t_first_clash"].dtype == float


def test_output_folders_respect_the_umask(tmp_path):
    """mkdtemp's 0700 is not the user's choice: a run folder gets the mode the umask allows (item 14)."""
    previous = os.umask(0o022)
    try:
        folder = sim.run(load_scenario(tiny()), replications=1, seed=1).write(tmp_path / "out")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
