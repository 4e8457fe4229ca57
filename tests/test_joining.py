"""The joining decision in the simulator (model v3, `sim.model.joining`): every state not at war
takes, for each side of each war under way, a decision with the fitted hazard. Small worlds where
each covariate's direction is known; counts over many replications, with tolerances from their
binomial sampling error."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.execution.runner import run
from sim.kernel import join_entries
from sim.model.joining import COVARIATES
from sim.scenario.loading import load_scenario

pytestmark = pytest.mark.xdist_group(__name__)
"""Under xdist (`--dist loadgroup`, pyproject.toml) one worker runs this module: `joins` is shared by three tests, run
once."""

REPS = 800
STATES = {"AGG": (50.0, 10.0, 40.0), "NEU": (50.0, 14.0, 10.0),
          "ALLY": (50.5, 16.0, 5.0), "TWIN": (49.5, 16.0, 5.0),  # the same state, allied or not, 150 km away
          "FAR": (-35.0, 150.0, 5.0),  # a minor power 16,000 km away
          "GPA": (40.0, -100.0, 300.0), "GPB": (35.0, 105.0, 300.0)}  # two great powers: the others are minor


def _world(enabled: bool = True, reliability: float = 0.0) -> dict:
    """AGG attacks NEU on day 0 and the war is held for a year. ALLY owes NEU defence (a pact
    whose honour route is shut, reliability 0, so only the joining decision can bring it in);
    TWIN is ALLY's unallied twin."""
    states = {s: {"lat": lat, "lon": lon, "power": p} for s, (lat, lon, p) in STATES.items()}
    return {"name": "joining", "world": "empty", "states": states, "horizon_days": 365,
            "alliances": {"P": {"type": "defence", "members": ["NEU", "ALLY"], "reliability": reliability}},
            "parameters": {"decision": {"war_cost": 50.0}, "joining": {"enabled": enabled}},
            "timeline": [{"at": 0, "do": "attack", "actor": "AGG", "target": "NEU", "level": 6, "hold_days": 365}]}


@pytest.fixture(scope="module")
def joins():
    events = run(load_scenario(_world()), replications=REPS, seed=11).frame("events")
    return events[events.kind == "join"]


def _share(joins, state: str) -> float:
    return joins.loc[joins.actor == state, "rep"].nunique() / REPS


def test_an_allied_state_joins_more_often_than_its_unallied_twin(joins):
    """The treaty is one term of the decision: ALLY (owes NEU defence) joins more often than
    TWIN, its unallied twin at the same distance: by more than three binomial standard errors."""
    ally, twin = _share(joins, "ALLY"), _share(joins, "TWIN")
    se = np.sqrt(ally * (1 - ally) / REPS + twin * (1 - twin) / REPS)
    assert ally - twin > 3 * se


def test_the_treaty_draws_the_ally_to_the_side_it_is_bound_to(joins):
    """ALLY joins NEU's side (against AGG) more often than its unallied twin does, by more than
    three binomial standard errors: the treaty term (+2.46) acts on the side owed. (Which side
    ALLY takes more often is the whole equation's answer: in this seven-state world the fitted
    portfolio term, S with the side less S with the other, and AGG's standing as the world's third
    power pull toward the aggressor about as much as the treaty pulls toward NEU.)"""
    def share(state: str) -> float:
        return joins.loc[(joins.actor == state) & (joins.target == "AGG"), "rep"].nunique() / REPS

    ally, twin = share("ALLY"), share("TWIN")
    se = np.sqrt(ally * (1 - ally) / REPS + twin * (1 - twin) / REPS)
    assert ally - twin > 3 * se


def test_a_distant_minor_power_does_not_join(joins):
    """FAR, a minor power 16,000 km away, joins in (almost) no run: its fitted chance is under 0.2%."""
    assert _share(joins, "FAR") <= 0.01


def test_no_joining_decision_when_disabled():
    """With `parameters.joining.enabled: false` (the route of draws) no state joins by this route."""
    events = run(load_scenario(_world(enabled=False)), replications=20, seed=11).frame("events")
    assert (events.kind == "join").sum() == 0


def entry_hazard(p: float, since: float, interval: float, scale: float, first_share: float = 0.0,
                 shape: float = 1.0) -> float:
    """The hazard the decision draws with (the kernel's `join_entries`) when the fitted chance is p:
    an equation of no covariates whose constant is logit(p)."""
    h = np.empty(1)
    join_entries(np.empty((1, 0)), np.array([np.log(p / (1.0 - p))]), np.empty(0), np.empty(0), since, interval,
                 scale, shape, first_share, np.ones(1, dtype=bool), np.ones(1), h)
    return h[0]


@pytest.mark.parametrize("p", [0.05, 0.3, 0.9])
@pytest.mark.parametrize("q", [0.0, 0.44, 1.0])
@pytest.mark.parametrize("k", [1.0, 0.74])
def test_entry_hazard_adds_up_to_the_fitted_chance(p, q, k):
    """Over a war of any length the chances of the first-day decision (since and interval 0: the
    share q) and of the decisions after it make p; by the scale s after the first day, p (q + (1 -
    q)(1 - 1/e)), whatever the shape k; and the first-day decision alone, p q."""
    assert entry_hazard(p, 0.0, 0.0, 142.54, q, k) == pytest.approx(p * q, rel=1e-12, abs=1e-300)
    survive = 1.0 - entry_hazard(p, 0.0, 0.0, 142.54, q, k)
    for j in range(4000):
        survive *= 1.0 - entry_hazard(p, 30.0 * j, 30.0, 142.54, q, k)
    assert 1.0 - survive == pytest.approx(p, rel=1e-9)
    survive = 1.0 - entry_hazard(p, 0.0, 0.0, 100.0, q, k)
    for j in range(10):
        survive *= 1.0 - entry_hazard(p, 10.0 * j, 10.0, 100.0, q, k)
    assert 1.0 - survive == pytest.approx(p * (q + (1.0 - q) * (1 - np.exp(-1.0))), rel=1e-9)


TIMING_REPS = 300
TIMING_P = 0.12
NEUTRALS = {f"N{k}": (45.0 + 0.4 * k, 12.0, 1.0) for k in range(8)}


def test_entries_on_the_first_day_and_later_come_as_the_record_says():
    """Eight minor powers, each with the same fitted chance p of joining each side (an equation of
    a constant only), over a war of 10 years begun by an attack on day 100 (not a decision day of
    the process's 30-day clock): the share of entries on the war's first day and the mean delay of
    the later ones are those of the shipped q and Weibull of shape k and mean m (`parameters.joining`),
    within four standard errors. Expected values exact for this design: a state joins side A or B, each decision with
    the hazard of G, so it has entered by t with chance 1 - (1 - p G(t))^2, its later entries fall
    on the decision days 120, 150, ... (day 0 + 30 k of the clock), and the horizon truncates."""
    from sim.scenario.schema import JoiningParams

    params = JoiningParams()
    q, k, m = params.entry_first_day_share, params.entry_delay_shape, params.entry_mean_days
    scale = m / math.gamma(1.0 + 1.0 / k)
    horizon, start, step = 3700, 100.0, 30.0
    states = {s: {"lat": lat, "lon": lon, "power": pw} for s, (lat, lon, pw) in NEUTRALS.items()}
    states |= {"A": {"lat": 46.0, "lon": 10.0, "power": 20.0}, "B": {"lat": 46.0, "lon": 14.0, "power": 20.0}}
    constant = [float(np.log(TIMING_P / (1.0 - TIMING_P)))] + [0.0] * len(COVARIATES)
    scenario = {"name": "timing", "world": "empty", "states": states, "horizon_days": horizon,
                "parameters": {"decision": {"war_cost": 50.0}, "joining": {"enabled": True, "coefficients": constant}},
                "timeline": [{"at": start, "do": "attack", "actor": "A", "target": "B", "level": 6,
                              "hold_days": horizon}]}
    events = run(load_scenario(scenario), replications=TIMING_REPS, seed=7).frame("events")
    ended = events[events.kind.isin(["settlement", "capitulation", "ceasefire"]) & events.actor.isin(["A", "B"])
                   & events.target.isin(["A", "B"])]
    assert ended.empty  # the war of A and B runs to the horizon
    # each neutral's first entry into the war of A and B (a joiner that capitulates may enter again; a
    # war it starts later, being no longer at war with anyone, is another war, with its own first day)
    joins = events[(events.kind == "join") & events.actor.isin(list(NEUTRALS)) & events.target.isin(["A", "B"])]
    delay = joins.groupby(["rep", "actor"])["t"].min().to_numpy() - start
    assert len(delay) > 300

    def entered(t):  # chance a neutral has entered by t days into the war (t >= 0)
        g = q + (1.0 - q) * -np.expm1(-((np.asarray(t, dtype=float) / scale) ** k))
        return 1.0 - (1.0 - TIMING_P * g) ** 2

    days = np.arange(step - start % step, horizon - start + 1e-9, step)  # the decision days after the first
    chance = np.diff(entered(np.concatenate([[0.0], days])))  # of an entry on each (none before)
    share = entered(0.0) / (entered(0.0) + chance.sum())
    later = float((days * chance).sum() / chance.sum())
    n = len(delay)
    on_first_day = float(np.mean(delay == 0.0))
    assert abs(on_first_day - share) < 4 * np.sqrt(share * (1 - share) / n), (on_first_day, share)
    positive = delay[delay > 0]
    assert set(np.unique(positive)) <= set(days.tolist())
    assert abs(positive.mean() - later) < 4 * positive.std(ddof=1) / np.sqrt(len(positive)), (positive.mean(), later)
    assert 0.3 < on_first_day < 0.6 and later > 120.0  # the design has both kinds in bulk


def test_given_coefficients_replace_the_shipped_ones():
    """`parameters.joining.coefficients` (the validation's leave-one-out refits) drive the
    decision: a constant of -30 shuts every door; the schema's length is the equation's."""
    from sim.model.joining import COVARIATES, coefficients
    from sim.scenario.schema import JOINING_TERMS

    assert JOINING_TERMS == 1 + len(COVARIATES)
    closed = [-30.0, *coefficients().values[1:].tolist()]
    scenario = _world()
    scenario["parameters"]["joining"]["coefficients"] = closed
    events = run(load_scenario(scenario), replications=40, seed=11).frame("events")
    assert (events.kind == "join").sum() == 0
    with pytest.raises(Exception, match=f"at least {JOINING_TERMS}|at most {JOINING_TERMS}|{JOINING_TERMS} items"):
        load_scenario({**_world(), "parameters": {"joining": {"enabled": True, "coefficients": [0.0] * 3}}})


BANDWAGON_REPS = 300
SMALL = {f"M{k}": (45.0 + 0.3 * k, 12.0, 1.0) for k in range(8)}  # eight minor powers between the two parties


def _two_unequal_powers(share_coefficient: float) -> dict:
    """STRONG (power 40) attacks WEAK (power 10), the war held a year; eight minor powers (power 1,
    under 3% of the world's) stand about as far from each, with no pact, rivalry or war of their
    own, so the two sides differ only in their capability share (0.8 against 0.2). The equation is
    the shipped one with the capability-share coefficient set to `share_coefficient`."""
    states = {s: {"lat": lat, "lon": lon, "power": p} for s, (lat, lon, p) in SMALL.items()}
    states |= {"STRONG": {"lat": 46.0, "lon": 10.0, "power": 40.0}, "WEAK": {"lat": 46.0, "lon": 14.0, "power": 10.0}}
    from sim.model.joining import COVARIATES, coefficients

    values = coefficients().values.copy()
    values[1 + COVARIATES.index("share_side")] = share_coefficient
    return {"name": "bandwagon", "world": "empty", "states": states, "horizon_days": 365,
            "parameters": {"decision": {"war_cost": 50.0},
                           "joining": {"enabled": True, "coefficients": values.tolist()}},
            "timeline": [{"at": 0, "do": "attack", "actor": "STRONG", "target": "WEAK", "level": 6, "hold_days": 365}]}


def _sides(share_coefficient: float) -> tuple[int, int]:
    """(joinings of STRONG's side, joinings of WEAK's side) over the replications."""
    events = run(load_scenario(_two_unequal_powers(share_coefficient)), replications=BANDWAGON_REPS,
                 seed=5).frame("events")
    joins = events[events.kind == "join"]
    return int((joins.target == "WEAK").sum()), int((joins.target == "STRONG").sum())


def test_with_bandwagoning_on_states_join_the_side_far_more_likely_to_win():
    """Bandwagoning (Schweller 1994) switched on, a capability-share coefficient of +4: the minor
    powers join the stronger side (share 0.8) several times as often as the weaker (0.2), by far
    more than the sampling error; with balancing (-4) the weaker side draws more. The two sides
    differ in nothing else, so the covariate alone moves the choice."""
    strong, weak = _sides(4.0)
    assert strong > 4 * weak and strong - weak > 4 * np.sqrt(strong + weak)
    strong_b, weak_b = _sides(-4.0)
    assert weak_b > strong_b and strong > 4 * strong_b


def _against(nuclear: bool) -> tuple[int, int]:
    """(joinings against AGG, against NEU) over 400 replications of :func:`_world`, AGG nuclear or not."""
    world = _world()
    world["states"]["AGG"]["nuclear"] = nuclear
    joins = run(load_scenario(world), replications=400, seed=11).frame("events")
    joins = joins[joins.kind == "join"]
    return int((joins.target == "AGG").sum()), int((joins.target == "NEU").sum())


def test_a_state_joins_a_war_against_a_nuclear_party_less_often():
    """Nuclear deterrence of third parties (`nuclear_other`: no state of the record joined a war
    against a party that had tested a nuclear weapon): the same war, AGG nuclear or not, draws far
    fewer states against AGG (91 against 27 in 400 runs when measured), by far more than the
    sampling error, while the joinings of AGG's side (against the non-nuclear NEU) stay as they
    were (62 and 63): the term reads the other side's party only."""
    against, side = _against(False)
    against_nuclear, side_nuclear = _against(True)
    assert against_nuclear < 0.5 * against and against - against_nuclear > 4 * np.sqrt(against + against_nuclear)
    assert abs(side - side_nuclear) < 3 * np.sqrt(side + side_nuclear)


def _entry_world(enabled: bool) -> dict:
    """AGG attacks NEU (held a year). NEU and ALLY, AGG and MATE are bound by defence pacts that
    fire whoever struck first (`defensive_only: false`) and are always honoured (reliability 1):
    any invocation of either would bring its member in by the honour route."""
    world = _world(enabled)
    world["alliances"] = {"P": {"type": "defence", "members": ["NEU", "ALLY"], "reliability": 1.0,
                                "defensive_only": False},
                          "Q": {"type": "defence", "members": ["AGG", "TWIN"], "reliability": 1.0,
                                "defensive_only": False}}
    return world


def test_the_treaty_is_one_term_and_its_invocation_a_record():
    """With the joining decision on, nobody enters the war by a pact's draw (no `entry`), although
    both pacts fire at any armed attack and are always honoured in the route of draws: the treaty is
    the equation's `owes_side` term, not a second draw. The first attack's invocation is logged as in
    that route (P for NEU against AGG, at once, in every run; a joiner's attack on NEU, or AGG's
    answer to ALLY's, invokes P again, since it fires whoever struck first), and ALLY's answer is
    read from what it does: exactly one `honour` or `abandon` per run (one answer per member per
    war). Joiners there are, the two allies among them.
    Off, the same world's first attack invokes NEU's pact and ALLY enters by it in every run."""
    reps = 200
    events = run(load_scenario(_entry_world(True)), replications=reps, seed=3).frame("events")
    assert not events.kind.isin(["entry"]).any()
    calls = events[(events.kind == "invocation") & (events.pact == "P")]
    first = calls.groupby("rep").first()
    assert len(first) == reps and (first.t == 0).all() and set(zip(first.actor, first.target)) == {("NEU", "AGG")}
    answers = events[events.kind.isin(["honour", "abandon"]) & (events.actor == "ALLY") & (events.pact == "P")]
    assert answers.groupby("rep").size().to_dict() == dict.fromkeys(range(reps), 1)
    joins = events[events.kind == "join"]
    assert len(joins) > 20
    assert {"ALLY", "TWIN"} <= set(joins.actor)
    off = run(load_scenario(_entry_world(False)), replications=20, seed=3).frame("events")
    entries = off[off.kind == "entry"]
    assert entries.loc[entries.actor == "ALLY", "rep"].nunique() == 20


def test_a_member_honours_by_joining_the_invoked_side_and_abandons_otherwise():
    """The answers of the joining route, event by event: every `honour` is caused by an invocation
    of its pact naming the member's ally, and is followed at the same instant by the member's `join`
    against the invocation's enemy, caused by the honour and naming its pact; ALLY honours in exactly
    the runs in which it joins NEU's side, and abandons in the others, on the day NEU's war with AGG
    ends (a war held 60 days in a 2-year run), or at the horizon (a war held to it). The same seed
    gives the same events."""
    reps = 200
    world = _entry_world(True)
    world["horizon_days"], world["timeline"][0]["hold_days"] = 730, 60  # a war that ends before the horizon
    events = run(load_scenario(world), replications=reps, seed=5).frame("events")
    by_id = events.set_index(["rep", "event_id"])
    for kind in ("honour", "abandon"):
        answers = events[events.kind == kind]
        called = by_id.loc[list(zip(answers.rep, answers.cause_id.astype(int)))]
        assert (called.kind == "invocation").all() and (called.pact.to_numpy() == answers.pact.to_numpy()).all()
    honours = events[events.kind == "honour"]
    joins = events[events.kind == "join"].set_index(["rep", "cause_id"])
    followed = joins.loc[list(zip(honours.rep, honours.event_id.astype(float)))]
    assert (followed.actor.to_numpy() == honours.actor.to_numpy()).all()
    assert (followed.t.to_numpy() == honours.t.to_numpy()).all() and (followed.pact.to_numpy() == honours.pact.to_numpy()).all()
    ally = events[events.actor == "ALLY"]
    joined = set(ally[(ally.kind == "join") & (ally.target == "AGG")].rep)
    honoured = set(ally[(ally.kind == "honour") & (ally.pact == "P")].rep)
    abandoned = ally[(ally.kind == "abandon") & (ally.pact == "P")]
    assert honoured == joined and 0 < len(joined) < reps
    assert set(abandoned.rep) == set(range(reps)) - joined
    ends = events[events.kind.isin(["settlement", "capitulation", "ceasefire"]) & (events.actor == "AGG")
                  & (events.target == "NEU")].groupby("rep").t.min()
    assert (abandoned.t.to_numpy() == ends.reindex(abandoned.rep, fill_value=730.0).to_numpy()).all()
    horizon = run(load_scenario(_entry_world(True)), replications=20, seed=5).frame("events")  # held to the horizon
    late = horizon[(horizon.kind == "abandon") & (horizon.actor == "ALLY")]
    assert len(late) > 10 and (late.t == 365.0).all()
    again = run(load_scenario(world), replications=reps, seed=5).frame("events")
    assert again.equals(events)


def test_the_treaty_term_is_the_casus_foederis_of_where_the_attack_fell():
    """`owes_side` in a war is read where its first attack fell: North Korea's attack on the US
    homeland makes NATO's members (Article 6 area) and Australia owe the USA; the same attack on
    Hawaii makes only the Pacific treaties' members owe it (ANZUS, South Korea, the Philippines:
    NATO's area ends at the Tropic of Cancer); China's strike on US forces on Okinawa makes Japan
    owe the USA (the US-Japan treaty covers Japanese soil), an attack on the US homeland does not."""
    from sim.engine.simulation import Setup, Simulation
    from sim.model.joining import owed

    sim = Simulation(Setup(load_scenario("scenarios/hawaii_strike.yaml")), 1, horizon=1)
    world = sim.world
    usa, prk, chn = (world.index[s] for s in ("USA", "PRK", "CHN"))

    def owing(attacker: int, location: str | None) -> set[str]:
        return {world.ids[k] for k in np.flatnonzero(owed(sim, usa, attacker, world.place(usa, location)))}

    home, hawaii, okinawa = owing(prk, None), owing(prk, "Hawaii"), owing(chn, "Okinawa")
    assert {"GBR", "FRA", "DEU", "AUS"} <= home and "JPN" not in home
    assert hawaii == {"AUS", "KOR", "PHL"}
    assert "JPN" in okinawa and "GBR" not in okinawa


def test_wars_begun_at_one_instant_are_each_a_war_with_its_own_treaty_terms(monkeypatch):
    """China invades Taiwan and strikes US forces on Okinawa on day 92 (`taiwan_strait_war`): the
    first-day decision is taken at the end of that instant, so it sees both wars, and the second
    (China-USA, where it fell: Okinawa) carries the US-Japan treaty's terms. Taken between the two
    attacks, it saw only China-Taiwan, Japan owed nobody, and Japan joined as often with its soil
    struck as without (4 and 4 of 1,000)."""
    import sim.model.joining as joining
    from sim.engine.simulation import Setup, Simulation

    seen: list[tuple[float, str, str, str | None]] = []
    real = joining.owed

    def owed(sim, party, other, place):
        seen.append((sim.clock.now, sim.world.ids[party], sim.world.ids[other], place.name))
        return real(sim, party, other, place)

    monkeypatch.setattr(joining, "owed", owed)
    sim = Simulation(Setup(load_scenario("scenarios/taiwan_strait_war.yaml")), 1, horizon=93)
    sim.run()
    day = {(party, other, where) for t, party, other, where in seen if t == 92.0}
    assert ("USA", "CHN", "Okinawa") in day and ("TWN", "CHN", "TWN") in day
    japan = joining.owed(sim, sim.world.index["USA"], sim.world.index["CHN"],
                         sim.world.place(sim.world.index["USA"], "Okinawa"))
    assert japan[sim.world.index["JPN"]] == 1.0


def test_in_2022_the_allies_of_estonia_lean_to_its_side():
    """Russia attacks Estonia in the 2022 world: for every state bound to defend Estonia (NATO) but
    Turkey and Hungary, the equation's chance of joining Estonia's side exceeds that of joining
    Russia's, by at least 1.5 times for each whose regime score is nearer Estonia's than Russia's;
    for Belarus, bound to Russia, the other way round. Turkey (0.29, nearer Russia's 0.16 than
    Estonia's 0.94) leans to Russia's side: `regime_diff` and `nuclear_other` (joining against a
    nuclear Russia) outweigh its treaty. So does Hungary (0.59): its regime score moved by 0.28
    since it took on its obligation to Estonia (ATOP, 2003), and `owes_regime_change` (Leeds 2003)
    takes most of its treaty's weight away; Turkey's moved by 0.36. The USA's moved least (0.001),
    and its chance on Estonia's side is the largest of the allies that do not border Russia by land
    (Latvia, Lithuania and Norway, which do, lie above it: `land_other`, the opportunity of a
    neighbour of the enemy), and above the allies' median. (With the dropped portfolio
    term, whose values in this 55-state world lay beyond the record's, the allies leaned to
    Russia: Latvia 0.19 on Russia's side against 0.09 on Estonia's.)"""
    from sim.engine.simulation import Setup, Simulation
    from sim.model.joining import covariates, probability, setting

    scenario = load_scenario("scenarios/russia_attacks_estonia.yaml")
    sim = Simulation(Setup(scenario), 1, horizon=1)
    world, power = sim.world, sim.forces.power
    st = setting(world, sim.pacts, scenario, power)
    rus, est = world.index["RUS"], world.index["EST"]
    calm = np.zeros((world.n, world.n), dtype=bool)
    on_russia = probability(covariates(st, rus, est, power, calm))
    on_estonia = probability(covariates(st, est, rus, power, calm))
    allies = [k for k in np.flatnonzero(st.owes[:, est]) if k != rus]
    assert len(allies) >= 25 and world.index["USA"] in allies
    like = [k for k in allies if abs(st.regime[k] - st.regime[est]) < abs(st.regime[k] - st.regime[rus])]
    assert set(allies) - set(like) == {world.index["TUR"]}
    hun = world.index["HUN"]
    moved = [k for k in allies if st.changed[k, est] > 0.2]
    assert set(moved) == {world.index["TUR"], hun}
    steady = [k for k in like if k not in moved]
    assert (on_estonia[steady] > 1.5 * on_russia[steady]).all()
    for k in moved:
        assert on_russia[k] > on_estonia[k], world.ids[k]
    far = [k for k in allies if not st.land[k, rus]]
    assert {world.ids[k] for k in allies if st.land[k, rus]} == {"LVA", "LTU", "NOR", "POL"}
    assert on_estonia[world.index["USA"]] == on_estonia[far].max() > np.median(on_estonia[allies])
    blr = world.index["BLR"]
    assert on_russia[blr] > 2 * on_estonia[blr]


def test_an_entry_ends_with_the_war_it_joined():
    """A joiner's war with the side it attacks is part of the war it joined: it ends by a side's
    capitulation or exhaustion (or both standing down, which logs no end), or else with the war it
    joined (an end event naming that war, on the same day), never after it, as an ally's entry
    does. Every state is made to join (a constant of +5) in a war held 60 days over a 2-year run."""
    from sim.model.joining import coefficients

    world = _world()
    world["horizon_days"] = 730
    world["timeline"][0]["hold_days"] = 60
    world["parameters"]["joining"]["coefficients"] = [5.0, *coefficients().values[1:].tolist()]
    events = run(load_scenario(world), replications=20, seed=4).frame("events")
    endings = events[events.kind.isin(["settlement", "capitulation", "ceasefire"])]
    parent = endings[endings.actor.eq("AGG") & endings.target.eq("NEU")].groupby("rep").t.min()
    joins = events[(events.kind == "join") & events.rep.isin(parent.index)]
    ended = joins.merge(endings, on=["rep", "actor", "target"], suffixes=("", "_end")).groupby(
        ["rep", "actor", "target"]).agg(t=("t_end", "min"), detail=("detail_end", "first")).reset_index()
    assert len(joins) > 20 and len(parent) > 10 and len(ended) >= 0.9 * len(joins)
    assert (ended.t.to_numpy() <= parent.loc[ended.rep].to_numpy()).all()
    with_it = ended[ended.detail.str.startswith("the war it joined")]
    assert len(with_it) > len(ended) / 2
    assert (with_it.t.to_numpy() == parent.loc[with_it.rep].to_numpy()).all()


def test_a_join_names_the_pact_that_carried_it():
    """With joining on, the `join` event names the commitment the state owed its side in that war
    (the `owes_side` term's pact: NATO for the USA against Russia when Estonia is attacked), and
    only a pact the joiner belongs to with the side it joins; entries owed to no one name none.
    60 runs: the USA enters in about one run in ten (docs/scenarios.md), so 20 would miss it one
    time in eight, 60 one time in 500."""
    from sim.execution.runner import run

    result = run(load_scenario("scenarios/russia_attacks_estonia.yaml", {"parameters.joining.enabled": True}),
                 replications=60, seed=2022)
    joins = [e for r in result.replications for e in r.events if e.kind == "join"]
    carried = [e for e in joins if e.pact]
    assert any(e.actor == "USA" and e.target == "RUS" and e.pact == "NATO" for e in carried)
    members = {p: set(spec.members) for p, spec in result.scenario.alliances.items()}
    assert carried and all(e.actor in members[e.pact] for e in carried)
    assert any(not e.pact for e in joins)  # joiners that owed no one (Finland, on its own stake)


REGIME_REPS = 1000


def _regimes() -> dict:
    """PRK (an autocracy, regime score about 0.05 in 2022) attacks NOR (a democracy, about 1.0),
    the war held a year, in an otherwise empty world. SWD (a democracy, 0.98) and BLR (an
    autocracy, 0.13) are the same state as far as every other covariate goes: the same place, the
    same power (minor), no pact or rivalry; their states are named by COW abbreviations, so they
    read the 2022 regime scores (`sim.model.joining.regime_scores`)."""
    spots = {"PRK": (50.0, 10.0, 10.0), "NOR": (50.0, 14.0, 10.0), "SWD": (50.5, 12.0, 2.0), "BLR": (50.5, 12.0, 2.0),
             "USA": (40.0, -100.0, 300.0), "CHN": (35.0, 105.0, 300.0)}
    states = {s: {"lat": lat, "lon": lon, "power": p} for s, (lat, lon, p) in spots.items()}
    return {"name": "regimes", "world": "empty", "states": states, "horizon_days": 365,
            "parameters": {"decision": {"war_cost": 50.0}, "joining": {"enabled": True}},
            "timeline": [{"at": 0, "do": "attack", "actor": "PRK", "target": "NOR", "level": 6, "hold_days": 365}]}


def test_a_state_joins_the_side_of_like_regime_more_often():
    """Regime similarity (`regime_diff`, +1.15): the democracy SWD joins the democracy NOR's side
    (fights PRK) more often than its autocratic twin BLR does, and BLR joins PRK's side (fights
    NOR) more often than SWD does; each by more than three binomial standard errors. The two
    differ in their regime score only."""
    from sim.engine.simulation import Setup, Simulation
    from sim.model.joining import setting

    scenario = load_scenario(_regimes())
    sim = Simulation(Setup(scenario), 1, horizon=1)
    st = setting(sim.world, sim.pacts, scenario, sim.forces.power)
    d = dict(zip(sim.world.ids, st.regime))
    assert d["NOR"] > 0.95 and d["SWD"] > 0.95 and d["PRK"] < 0.1 and d["BLR"] < 0.2
    events = run(scenario, replications=REGIME_REPS, seed=7).frame("events")
    joins = events[events.kind == "join"]

    def share(state: str, against: str) -> float:
        return joins.loc[(joins.actor == state) & (joins.target == against), "rep"].nunique() / REGIME_REPS

    for state, twin, against in (("SWD", "BLR", "PRK"), ("BLR", "SWD", "NOR")):
        like, unlike = share(state, against), share(twin, against)
        se = np.sqrt(like * (1 - like) / REGIME_REPS + unlike * (1 - unlike) / REGIME_REPS)
        assert like - unlike > 3 * se, (state, like, twin, unlike)


def test_regime_scores_of_the_2022_world_and_of_a_state_without_one():
    """The 2022 world reads each state's score of 2022 by its COW abbreviation (France's alias FRN):
    France about 0.90, Russia 0.16; a scenario's own state (no COW name) takes 2022's median and so
    does a COW state-year without a score (Austria-Hungary in 1900, by the year's median)."""
    from sim.engine.simulation import Setup, Simulation
    from sim.model.joining import democracy, regime_scores

    scenario = load_scenario("scenarios/russia_attacks_estonia.yaml")
    sim = Simulation(Setup(scenario), 1, horizon=1)
    d = dict(zip(sim.world.ids, regime_scores(scenario, sim.world)))
    assert 0.85 < d["FRA"] < 0.95 and 0.1 < d["RUS"] < 0.2 and d["EST"] > d["UKR"] > d["RUS"]
    scores, median = democracy(2022)
    own = load_scenario(_world())
    assert (regime_scores(own, Simulation(Setup(own), 1, horizon=1).world) == median).all()
    scores_1900, _ = democracy(1900)
    assert 300 not in scores_1900 and 200 in scores_1900


def test_a_year_world_reads_its_years_scores_as_the_fit_does():
    """In `cow_1900` each state's regime score is its 1900 score, the one the fit reads for a war of
    1900 (`sim.model.joining.democracy`, by COW code); Austria-Hungary, blank in the source for
    1867-1918, takes the year's median, as in the fit."""
    from sim.engine.simulation import Setup, Simulation
    from sim.model.joining import democracy, regime_scores
    from sim.scenario.yearworld import read_table

    scenario = load_scenario({"name": "y1900", "world": "cow_1900", "horizon_days": 30})
    world = Simulation(Setup(scenario), 1, horizon=1).world
    d = dict(zip(world.ids, regime_scores(scenario, world)))
    scores, median = democracy(1900)
    code = {r["stateabb"]: int(r["ccode"]) for r in read_table("cow_state_years") if r["year"] == "1900"}
    assert set(d) == set(code) and len(d) > 40
    assert d["AUH"] == median
    assert all(d[s] == scores[code[s]] for s in d if s != "AUH")


def test_a_member_attacked_itself_gives_no_answer_to_the_call():
    """AGG attacks NEU (P invoked, ALLY owed an answer), then ALLY the same day, before the joining
    decision's first look at the war (which could bring ALLY in on NEU's side on the war's first
    day, an `honour`): ALLY fights AGG in self-defence, not in answer to the call, so neither
    `honour` nor `abandon` is logged for it (as in the route of draws, where a member already
    fighting the enemy is not asked)."""
    world = _entry_world(True)
    world["timeline"].append({"at": 0, "do": "attack", "actor": "AGG", "target": "ALLY", "level": 6})
    events = run(load_scenario(world), replications=20, seed=5).frame("events")
    calls = events[(events.kind == "invocation") & (events.pact == "P") & (events.actor == "NEU")]
    assert calls.rep.nunique() == 20
    assert events[events.kind.isin(["honour", "abandon"]) & (events.actor == "ALLY") & (events.target == "AGG")].empty


def test_a_member_already_fighting_on_the_invoked_side_owes_no_answer_against_a_later_joiner():
    """AGG attacks NEU (P invoked), then ALLY (day 1): ALLY fights AGG, so it is on NEU's side. When
    TWIN then attacks NEU too (day 2, P invoked against TWIN), ALLY is not owed an answer against
    TWIN: it already fights in NEU's war, against one of NEU's enemies, so no `abandon` may be logged
    for it (the 2022 world's USA, at war with China after the strike on Kadena, was logged as
    abandoning Taiwan against North Korea when North Korea joined China's side). (A call against a
    state that joins later, once ALLY's own war has ended, is owed: in one run ALLY settles with AGG
    on day 15 and GPA joins against NEU on day 120, and ALLY's `abandon` of that call is right.)"""
    world = _entry_world(True)
    world["timeline"] += [{"at": 1, "do": "attack", "actor": "AGG", "target": "ALLY", "level": 6},
                          {"at": 2, "do": "attack", "actor": "TWIN", "target": "NEU", "level": 6}]
    events = run(load_scenario(world), replications=20, seed=5).frame("events")
    calls = events[(events.kind == "invocation") & (events.pact == "P") & (events.actor == "NEU") & (events.target == "TWIN")]
    assert calls.rep.nunique() == 20
    assert events[events.kind.isin(["honour", "abandon"]) & (events.actor == "ALLY") & (events.target == "TWIN")].empty


def test_a_joiners_blow_falls_where_the_war_it_joins_is_fought():
    """AGG (tagged `west`) attacks NEU (tagged `east`). AGG's pact R with TWIN covers only an attack
    in the west, whoever struck first. A state that joins NEU's side strikes AGG where the war is
    fought, on NEU's soil in the east, not on AGG's homeland, so R is never invoked against a
    joiner (as a joiner's blow against US forces in a war over Taiwan does not fall in NATO's area).
    Joiners against AGG there are, in many runs; NEU's answer in self-defence falls on AGG's homeland
    and invokes R against NEU in every run (R works where its terms are met)."""
    world = _world()
    world["states"]["AGG"]["regions"] = ["west"]
    world["states"]["NEU"]["regions"] = ["east"]
    world["alliances"]["R"] = {"type": "defence", "members": ["AGG", "TWIN"], "regions": ["west"],
                               "defensive_only": False}
    events = run(load_scenario(world), replications=200, seed=7).frame("events")
    joins = events[(events.kind == "join") & (events.target == "AGG")]
    assert joins.rep.nunique() > 20
    invoked = events[(events.kind == "invocation") & (events.pact == "R")]
    assert set(invoked.target) == {"NEU"} and invoked.rep.nunique() == 200


def test_a_wars_place_is_where_the_first_blow_fell_not_the_answer():
    """AGG's attack on NEU is answered at once by NEU in self-defence, on AGG's homeland; the war's
    place (what the joining decision reads to know which pacts are owed to a side) is NEU's homeland,
    where the first blow fell. (It was the answer's place, AGG's homeland: a pact covering only the
    victim's region was then not owed to it.)"""
    from sim.engine.simulation import Setup, Simulation

    sim = Simulation(Setup(load_scenario(_world())), 1, horizon=1)
    sim.run()
    places = {tuple(sorted(sim.world.ids[i] for i in pair)): place.name for pair, place in sim.memory.places.items()}
    assert places == {("AGG", "NEU"): "NEU"}


def test_a_standing_war_set_by_a_posture_has_the_postures_actor_as_its_aggressor():
    """A war under way set by a scenario's `posture` (no attack replayed, as the 2022 baseline's
    Russia-Ukraine war) is AGG's: its first striker is the posture's actor whatever the states'
    order (NEU comes first here, so a default to the dyad's lower index would make NEU the
    aggressor), and a state that joins NEU's side strikes AGG in collective defence. In the 2022
    baseline Russia, after Ukraine in the world's order, is the war's aggressor."""
    from sim.engine.simulation import Setup, Simulation

    world = _world()
    world["states"] = {"NEU": world["states"]["NEU"], **world["states"]}
    world["timeline"] = [{"at": 0, "do": "posture", "actor": "AGG", "target": "NEU", "level": 6, "mutual": True},
                         {"at": 0, "do": "attack", "actor": "AGG", "target": "NEU", "level": 6, "hold_days": 365}]
    joined = 0
    for seed in range(40):
        sim = Simulation(Setup(load_scenario(world)), seed)
        sim.run()
        agg, neu = sim.world.index["AGG"], sim.world.index["NEU"]
        assert neu < agg and sim.memory.struck_first[frozenset((agg, neu))] == agg
        against = [pair for pair, first in sim.strikes.first.items() if agg in pair and neu not in pair and first != agg]
        assert all(pair in sim.strikes.answering for pair in against)
        joined += len(against)
    assert joined >= 3
    sim = Simulation(Setup(load_scenario("scenarios/baseline_2022.yaml")), 1, horizon=1)
    sim.run()
    rus, ukr = sim.world.index["RUS"], sim.world.index["UKR"]
    assert ukr < rus and sim.memory.struck_first[frozenset((rus, ukr))] == rus


CHANGE_REPS = 400


def _signed_world(signed: str) -> dict:
    """AGG attacks NEU (held a year); POL (Poland, named by its COW abbreviation so that it reads
    its regime scores) owes NEU defence by a pact signed in `signed`, in the place of ALLY."""
    world = _world()
    world["states"]["POL"] = world["states"].pop("ALLY")
    world["alliances"] = {"P": {"type": "defence", "members": ["NEU", "POL"], "reliability": 0.0, "signed": signed}}
    return world


def test_a_member_whose_regime_changed_since_signing_honours_less_often():
    """`owes_regime_change` (Leeds 2003: a state whose policy-making changed since it took on an
    obligation is less likely to honour it): Poland's regime score was 0.13 in 1950 and is 0.74 in
    2022, 0.72 in 2021. The same pact signed in 1950 draws Poland to NEU's side (against AGG) less
    often than signed in 2021, by more than three binomial standard errors; the setting measures
    the change from the signing year's score."""
    from sim.engine.simulation import Setup, Simulation
    from sim.model.joining import setting

    shares = {}
    for signed in ("1950-05-01", "2021"):
        scenario = load_scenario(_signed_world(signed))
        sim = Simulation(Setup(scenario), 1, horizon=1)
        st = setting(sim.world, sim.pacts, scenario, sim.forces.power)
        pol, neu = sim.world.index["POL"], sim.world.index["NEU"]
        change = st.changed[pol, neu]
        assert (change > 0.5) if signed.startswith("1950") else (change < 0.05), (signed, change)
        events = run(scenario, replications=CHANGE_REPS, seed=5).frame("events")
        joins = events[(events.kind == "join") & (events.actor == "POL") & (events.target == "AGG")]
        shares[signed[:4]] = joins["rep"].nunique() / CHANGE_REPS
    old, new = shares["1950"], shares["2021"]
    se = np.sqrt(old * (1 - old) / CHANGE_REPS + new * (1 - new) / CHANGE_REPS)
    assert new - old > 3 * se, shares


def test_land_borders_of_the_2022_world_and_of_a_state_without_a_cow_name():
    """The 2022 world reads COW Direct Contiguity's last spells (2016) by each state's COW name:
    Ukraine borders Poland, Hungary, Romania, Slovakia, Russia and Belarus by land, Estonia Latvia
    and Russia; the USA (Alaska is 2.5 miles of water from Russia, not land) borders only Canada;
    Japan and Taiwan nobody. A scenario's own states (no COW name) border nobody. The term
    `land_other` of a state joining Russia's side against Ukraine is 1 for Ukraine's neighbours only."""
    from sim.engine.simulation import Setup, Simulation
    from sim.model.joining import COVARIATES, covariates, land_borders, setting

    scenario = load_scenario("scenarios/russia_attacks_estonia.yaml")
    sim = Simulation(Setup(scenario), 1, horizon=1)
    world = sim.world
    land = land_borders(scenario, world)
    of = lambda s: {world.ids[j] for j in np.flatnonzero(land[world.index[s]])}  # noqa: E731
    assert of("UKR") == {"POL", "HUN", "ROU", "SVK", "RUS", "BLR"}
    assert of("EST") == {"LVA", "RUS"} and of("USA") == {"CAN"} and of("JPN") == of("TWN") == set()
    assert (land == land.T).all()
    st = setting(world, sim.pacts, scenario, sim.forces.power)
    rus, ukr = world.index["RUS"], world.index["UKR"]
    x = covariates(st, rus, ukr, sim.forces.power, np.zeros(world.n, dtype=bool))
    bordering = {world.ids[c] for c in np.flatnonzero(x[:, COVARIATES.index("land_other")])}
    assert bordering == of("UKR")  # Russia itself, the party, takes no decision on its own side
    own = load_scenario(_world())
    assert not land_borders(own, Simulation(Setup(own), 1, horizon=1).world).any()
