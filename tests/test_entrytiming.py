"""When real joiners enter, in the model against the record (`sim.history.entrytiming`)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.history.entrytiming import MIN_RUNS, _first_days, entry_scores, entry_table, record_entry_days
from sim.history.validation import HELD_OUT, read_wars


@pytest.fixture(scope="module")
def wars():
    return {w.warnum: w for w in read_wars()}


def test_the_recorded_delay_is_the_joiners_first_day_after_the_wars(wars):
    """War 108 (the Latvian war of independence, 1918-20): Estonia entered on day 30, Germany on
    day 5 beside Latvia and on day 135 beside Russia; its first day counts. The first two parties
    are not joiners, and the held-out wars are never read."""
    days = record_entry_days(wars[108])
    assert days == {"GMY": 5.0, "EST": 30.0}
    assert not {w for w, _ in _first_days()} & set(HELD_OUT)


def test_a_joiner_is_covered_when_its_recorded_day_lies_in_the_simulated_band(wars):
    war = wars[108]
    runs = {"EST": [0.0, 30.0, 30.0, 60.0, 90.0], "GMY": [300.0] * 6, "LIT": [10.0] * 9}
    result = {"warnum": 108, "entry_days": runs}
    table = entry_table([war], [result]).set_index("state")
    assert table.loc["EST", "covered"] == 1 and table.loc["EST", "sim_median_day"] == 30.0
    assert table.loc["GMY", "covered"] == 0  # entered, but far later than the record's day 5
    assert "LIT" not in table.index  # not a joiner in the record: not scored here
    scores = entry_scores([war], [result]).set_index(["era", "metric"])["value"]
    assert scores[("all", "entry_joiners_scored")] == 2 and scores[("all", "entry_coverage_10_90")] == 0.5
    assert scores[("all", "entry_median_days")] == np.median(runs["EST"] + runs["GMY"])
    assert scores[("all", "record_entry_median_days")] == 17.5


def test_a_joiner_that_entered_in_too_few_runs_has_no_band(wars):
    result = {"warnum": 108, "entry_days": {"EST": [30.0] * (MIN_RUNS - 1)}}
    table = entry_table([wars[108]], [result]).set_index("state")
    assert table.loc["EST", "covered"] == -1 and np.isnan(table.loc["EST", "sim_median_day"])
    scores = entry_scores([wars[108]], [result]).set_index(["era", "metric"])["value"]
    assert scores[("all", "entry_joiners_scored")] == 0 and ("all", "entry_coverage_10_90") not in scores.index
