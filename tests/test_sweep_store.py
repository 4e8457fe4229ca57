"""The sweep journal: a kill at any byte leaves only complete runs trusted; runs.csv comes out sorted."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.sweeps.manifest import rep_ranges
from sim.sweeps.store import Journal, recover_journal, write_sorted_runs

SHAPE = (3, 4)
HEADER = "point,rep,seed,x,metric"


def line(point: int, rep: int) -> str:
    return f"{point},{rep},{1000 + rep},0.5,{point * 10 + rep}\n"


@settings(max_examples=60, deadline=None)
@given(order=st.permutations([(p, r) for p in range(SHAPE[0]) for r in range(SHAPE[1])]),
       cut=st.floats(0, 1))
def test_a_journal_cut_at_any_byte_keeps_exactly_its_complete_lines(tmp_path_factory, order, cut):
    folder = tmp_path_factory.mktemp("journal")
    journal = Journal(folder / "runs.partial.csv", HEADER)
    journal.append([line(p, r) for p, r in order])
    journal.close()
    data = (folder / "runs.partial.csv").read_bytes()
    end = int(cut * len(data))
    (folder / "runs.partial.csv").write_bytes(data[:end])
    header, done = recover_journal(folder / "runs.partial.csv", SHAPE)
    kept = data[:end].count(b"\n") - 1  # complete lines after the header
    assert done.sum() == max(kept, 0)
    assert header == (HEADER if kept >= 0 else None)
    assert (folder / "runs.partial.csv").read_bytes() == data[:data[:end].rfind(b"\n") + 1]
    for p, r in order[:max(kept, 0)]:
        assert done[p, r]


def test_runs_csv_is_sorted_by_point_then_rep_whatever_the_journal_order(tmp_path):
    journal = Journal(tmp_path / "runs.partial.csv", HEADER)
    journal.append([line(2, 1), line(0, 3), line(0, 0), line(2, 1), line(1, 2)])  # a duplicate too
    journal.close()
    rows = write_sorted_runs(tmp_path / "runs.partial.csv", tmp_path / "runs.csv", SHAPE)
    assert rows == 4
    assert (tmp_path / "runs.csv").read_text() == HEADER + "\n" + line(0, 0) + line(0, 3) + line(1, 2) + line(2, 1)


@given(st.lists(st.booleans(), max_size=30))
def test_rep_ranges_name_exactly_the_done_replications(flags):
    text = rep_ranges(np.array(flags, dtype=bool))
    named = set()
    for part in filter(None, text.split(",")):
        low, _, high = part.partition("-")
        named.update(range(int(low), int(high or low) + 1))
    assert named == {k for k, flag in enumerate(flags) if flag}
