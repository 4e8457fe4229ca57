"""The shipped history cases (scenarios/history/): each validates, each names a scenario whose
day-0 attack is the record's first attack, and the small ones replay end to end.

The cases and their scores are described in docs/backtest.md ("Historical cases").
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from clirun import cli

from sim.history.backtest import Replay, backtest

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "scenarios" / "history"
CASES = sorted(p for p in HISTORY.glob("*.yaml") if not p.stem.endswith("_scenario"))
SCENARIOS = sorted(HISTORY.glob("*_scenario.yaml"))
NEW_CASES = ("franco_prussian_1870", "six_day_war_1967", "falklands_1982", "russia_georgia_2008",
             "seven_weeks_war_1866", "gulf_war_1990", "russo_japanese_war_1904")


def _validate(path: Path) -> subprocess.CompletedProcess:
    return cli("validate", path.relative_to(ROOT))


def test_the_cases_are_shipped_in_pairs():
    """Every history file has its scenario beside it, and the hand-coded cases are there."""
    assert {p.stem for p in CASES} >= set(NEW_CASES)
    assert {p.stem + "_scenario" for p in CASES} == {p.stem for p in SCENARIOS}


@pytest.mark.parametrize("path", CASES + SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_history_file_validates(path):
    """`alliance-sim validate` accepts each history and scenario file (ids checked against the world)."""
    done = _validate(path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"ok scenarios/history/{path.name}")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_the_first_attack_is_the_scenarios_attack_on_day_0(path):
    """The record's first attack is scripted on day 0 of its scenario (the replay starts there),
    and the scenario's own horizon is the history's."""
    replay = Replay.read(path)
    attacks = [(a.actor, a.target) for a in replay.scenario.timeline if a.do == "attack" and a.at == 0]
    assert replay.reference in attacks
    assert replay.scenario.horizon_days == replay.history.horizon_days
    assert all(record.entered for s, record in replay.history.states.items() if s in replay.reference)


def _overall(bt) -> dict:
    return {metric: value for metric, value, _ in bt.scores.overall}


def test_russia_georgia_replays_end_to_end():
    """A few replications of the 2008 case: the two belligerents enter on day 0 in every one,
    and every scored state gets a row."""
    bt = backtest(HISTORY / "russia_georgia_2008.yaml", replications=3, seed=2008)
    rows = {r[0]: r for r in bt.scores.states}
    assert list(rows) == list(bt.history.states)
    header = bt.scores.tables["backtest_states"][0]
    p = header.index("p_entry")
    assert rows["RUS"][p] == 1 and rows["GRG"][p] == 1
    overall = _overall(bt)
    assert overall["replications"] == 3 and overall["n_states"] == 19
    assert 0 <= overall["brier"] <= 1


def quiet(replay: Replay) -> Replay:
    """The case with the world's background uses of force (the hazard fitted on the MID record)
    off: these tests read which pacts the scripted attack invokes, which a random clash elsewhere
    in the world of that year would confound; and with the route of draws (`joining.enabled`
    false), whose members enter by their pacts: a third state joining by the fitted decision makes
    an armed attack of its own, whose invocations would confound them too."""
    replay.scenario.parameters.decision.force_rate_scale = 0.0
    replay.scenario.parameters.joining.enabled = False
    return replay


def test_the_falklands_lie_outside_natos_article_6_area():
    """The attack on the Falkland Islands (a South Atlantic territory) invokes none of the United
    Kingdom's NATO dyads, whose scope the scenario codes as Europe and the Americas; with the
    scope removed they are invoked (the treaty scope, not chance, keeps them silent)."""
    replay = quiet(Replay.read(HISTORY / "falklands_1982.yaml"))
    nato = {pid for pid, pact in replay.scenario.alliances.items() if pact.regions}
    assert len(nato) == 15 and all("UKG" in pid for pid in nato)
    events = replay.run(replications=3, seed=1982).result.frame("events")
    assert not set(events.loc[events.kind == "invocation", "pact"]) & nato
    for pact in nato:
        replay.scenario.alliances[pact].regions = None
    events = replay.run(replications=3, seed=1982).result.frame("events")
    assert set(events.loc[events.kind == "invocation", "pact"]) & nato


def _p_entry(bt) -> dict[str, float]:
    header, rows = bt.scores.tables["backtest_states"]
    return {r[0]: r[header.index("p_entry")] for r in rows}


def _invocations(bt) -> set[tuple[str, str, str, str]]:
    events = bt.result.frame("events")
    found = events.loc[events.kind == "invocation", ["pact", "detail", "actor", "target"]]
    return set(found.itertuples(index=False, name=None))


def test_the_1866_confederation_is_called_and_italys_pact_names_austria():
    """The 1866 case end to end (a few replications): Saxony, Hanover and Hesse-Kassel invoke
    their Confederation dyads against Prussia on day 0 in every replication (no Prussian dyad with
    a federal member is left to silence them), Prussia's offence pact with Italy is never invoked
    against the three invaded states (it names Austria), and France and Britain, whose 1856
    treaty is scoped to the Ottoman Empire, never enter."""
    bt = quiet(Replay.read(HISTORY / "seven_weeks_war_1866.yaml")).run(replications=4, seed=1866)
    header, rows = bt.scores.tables["backtest_invocations"]
    share = {(r[0], r[2]): r[header.index("share")] for r in rows if r[header.index("recorded")] == 1}
    assert all(share[(pact, by)] == 1 for pact, by in share if by in ("SAX", "HAN", "HSE"))
    assert not {i for i in _invocations(bt) if i[0] == "GMY-ITA" and i[3] in ("SAX", "HAN", "HSE")}
    p = _p_entry(bt)
    assert p["GMY"] == p["SAX"] == 1 and p["FRN"] == p["UKG"] == 0
    assert all(pid not in bt.result.scenario.alliances for pid in ("GMY-SAX", "BAV-GMY", "GMY-MEC"))


def test_the_gulf_war_coalition_had_no_treaty_with_kuwait():
    """The 1990 case end to end (a few replications): the premise that the Western coalition had
    no pact with Kuwait or Saudi Arabia holds in the world, Iraq and Kuwait enter in every
    replication, and every scored state gets a row."""
    replay = Replay.read(HISTORY / "gulf_war_1990.yaml")
    west, gulf = {"USA", "UKG", "FRN", "ITA", "CAN"}, {"KUW", "SAU"}
    assert not [pid for pid, pact in replay.scenario.alliances.items()
                if set(pact.members) & west and set(pact.members) & gulf]
    bt = replay.run(replications=3, seed=1990)
    p = _p_entry(bt)
    assert p["IRQ"] == p["KUW"] == 1 and len(p) == 29
    assert all(replay.scenario.states[s].power == 0 for s in ("YAR", "YPR", "GMY"))


def test_britain_owes_japan_help_only_against_a_second_power():
    """The Anglo-Japanese alliance of 1902 as coded (Article 3: assistance once a second power
    joins against the ally): Russia alone fighting Japan invokes nothing in a few replications of
    the 1904 case; with a second attacker (France, scripted on day 0) Japan invokes it on day 0."""
    replay = quiet(Replay.read(HISTORY / "russo_japanese_war_1904.yaml"))
    alone = replay.run(replications=3, seed=1904)
    assert not {i for i in _invocations(alone) if i[0] == "UKG-JPN"}
    assert _p_entry(alone)["UKG"] == 0
    first = replay.scenario.timeline[0]
    replay.scenario.timeline.append(first.model_copy(update={"actor": "FRN", "target": "JPN"}))
    events = replay.run(replications=3, seed=1904).result.frame("events")
    called = events[(events.kind == "invocation") & (events.pact == "UKG-JPN") & (events.detail == "defence")]
    assert set(called.rep) == {0, 1, 2} and (called.t == 0).all() and set(called.actor) == {"JPN"}


def test_kuwait_invokes_its_arab_league_dyads():
    """Iraq's attack on Kuwait invokes Kuwait's defence dyads with the other Arab League members
    (Iraq is not in them): an attacker that is the victim's treaty partner does not make the
    victim's side the aggressor (sim.model.alliances.side_struck_first). The members bound to
    Iraq as well abstain."""
    bt = backtest(HISTORY / "gulf_war_1990.yaml", replications=1, seed=1990)
    assert ("SAU-KUW", "defence", "KUW", "IRQ") in _invocations(bt)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_the_first_war_is_held_for_its_recorded_duration(path):
    """Each case's scripted first attack carries `hold_days` (the days to the war's recorded end,
    at most the horizon): a backtest asks who joins the war that happened (docs/backtest.md)."""
    replay = Replay.read(path)
    held = [a.hold_days for a in replay.scenario.timeline if a.do == "attack" and a.at == 0]
    assert held and all(0 < days <= replay.history.horizon_days for days in held)


def test_allies_of_1870_join_the_held_war_and_not_an_ended_one():
    """1870 (40 replications): with the French attack held for its 193 days, Bavaria, Baden or
    Wuerttemberg enter in some replications; with the hold removed the war lasts as its two sides
    make it last, and no entry of theirs comes after the end of the war they would join (allies
    do not enter a war that has ended)."""
    replay = quiet(Replay.read(HISTORY / "franco_prussian_1870.yaml"))
    south = ("BAV", "BAD", "WRT")
    assert any(_p_entry(replay.run(replications=40, seed=1870))[s] > 0 for s in south)
    for action in replay.scenario.timeline:
        if action.do == "attack":
            action.hold_days = 0
    events = replay.run(replications=40, seed=1870).result.frame("events")
    pair = {"FRN", "GMY"}
    ends = events[events.kind.isin(["settlement", "capitulation", "ceasefire"])
                  & events.actor.isin(pair) & events.target.isin(pair)].groupby("rep").t.min()
    assert len(ends) > 0
    entries = events[(events.kind == "entry") & events.actor.isin(south)]
    late = [(rep, t) for rep, t in zip(entries.rep, entries.t) if rep in ends.index and t > ends[rep]]
    assert not late, late
    assert (events.kind == "honour").any()
