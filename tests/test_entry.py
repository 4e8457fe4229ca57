"""How honouring allies take the field: at the rung their partner fights at, never after its war
ended, never against a state they are bound to defend themselves; and `attack`'s `hold_days`,
which keeps a scripted war from ending by bargaining. A synthetic world with reliability 1, so
the tests read the rules, not chance."""

from __future__ import annotations

from sim.execution.runner import run
from sim.scenario.loading import load_scenario
from tests.test_commitments import FAST, attack, world

SLOW = {**FAST, "mobilisation_days": [20, 20]}  # entry on day 21, after the first weekly reckonings


def _events(scenario: dict, reps: int = 4):
    return run(load_scenario(scenario), replications=reps, seed=7).frame("events")


def _entries(events):
    return events[events.kind == "entry"]


def test_an_ally_enters_at_the_rung_its_partner_fights_at():
    """An attack at the war rung (6) brings GA in at 6; the same pact after an armed clash (5) at 5."""
    pacts = {"P": {"type": "defence", "members": ["NEU", "GA"]}}
    for level in (5, 6):
        scenario = world(pacts, [{**attack("AGG", "NEU"), "level": level}])
        entries = _entries(_events(scenario))
        assert len(entries) == 4 and set(entries.level) == {float(level)}, level


def test_nobody_enters_a_war_that_has_ended():
    """With a 20-day mobilisation the war (no claim, war_cost 50) ends at its first weekly
    reckoning: GA honours but does not take the field; held for 60 days, it enters on day 21."""
    pacts = {"P": {**SLOW, "type": "defence", "members": ["NEU", "GA"]}}
    events = _events(world(pacts, [attack("AGG", "NEU")], horizon=40))
    assert (events.kind == "honour").sum() == 4 and _entries(events).empty
    assert (events.kind == "settlement").sum() == 4
    held = _events(world(pacts, [{**attack("AGG", "NEU"), "hold_days": 60}], horizon=40))
    assert len(_entries(held)) == 4 and set(_entries(held).t) == {21.0}
    assert held.kind.isin(["settlement", "capitulation", "ceasefire"]).sum() == 0


def test_hold_days_only_delays_the_end():
    """The same war held for 10 days ends at the first reckoning from day 10 on (day 14), not on
    day 7; GA, due on day 31, then stays home."""
    pacts = {"P": {**FAST, "type": "defence", "members": ["NEU", "GA"], "mobilisation_days": [30, 30]}}
    events = _events(world(pacts, [{**attack("AGG", "NEU"), "hold_days": 10}], horizon=40))
    ends = events[events.kind == "settlement"]
    assert len(ends) == 4 and set(ends.t) == {14.0} and _entries(events).empty


def test_a_state_bound_to_both_belligerents_abstains():
    """GA defends NEU and AGG alike (two bilateral pacts, as ATOP dyads code a multilateral treaty):
    when AGG attacks NEU, GA abstains (event `abstain`, no honour drawn) and stays out; GB, bound
    to NEU only, enters."""
    pacts = {"NEU-GA": {"type": "defence", "members": ["NEU", "GA"]},
             "AGG-GA": {"type": "defence", "members": ["AGG", "GA"]},
             "NEU-GB": {"type": "defence", "members": ["NEU", "GB"]}}
    events = _events(world(pacts, [{**attack("AGG", "NEU"), "level": 6}]))
    abstained = events[events.kind == "abstain"]
    assert set(zip(abstained.actor, abstained.target, abstained.pact)) == {("GA", "AGG", "NEU-GA")}
    assert set(_entries(events).actor) == {"GB"}
    assert not ((events.actor == "GA") & (events.kind == "honour")).any()


def test_nobody_enters_when_the_truce_comes_during_the_consultation():
    """The casus foederis is read when the attack happens, not when the members decide: with a
    10-day consultation the war (no claim) ends on day 7, the members then decide on day 10 and
    honour, but the war they were called to is over and nobody enters."""
    pacts = {"P": {**FAST, "type": "defence", "members": ["NEU", "GA"], "consultation_days": [10, 10]}}
    events = _events(world(pacts, [attack("AGG", "NEU")], horizon=40))
    assert (events.kind == "settlement").sum() == 4 and set(events[events.kind == "settlement"].t) == {7.0}
    assert (events.kind == "honour").sum() == 4 and _entries(events).empty


def test_a_negative_hold_is_an_input_error_naming_file_line_and_field(tmp_path):
    """`hold_days: -5` in a scenario file: exit status 2, the file, its line and the field, no
    traceback, and no output folder."""
    import subprocess
    import sys

    path = tmp_path / "held.yaml"
    path.write_text("name: held\nworld: empty\nstates:\n  AAA: {lat: 0, lon: 0, power: 10}\n"
                    "  BBB: {lat: 0, lon: 10, power: 10}\ntimeline:\n"
                    "  - {at: 0, do: attack, actor: AAA, target: BBB, hold_days: -5}\n")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "sim", "run", str(path), "--reps", "1", "--out", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{path}:7" in result.stderr and "hold_days" in result.stderr
    assert not out.exists()
