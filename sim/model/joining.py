"""Who joins a war, on which side: the fitted joining equation.

A state `c` that is not a party to a war between a side led by `P_s` and one led by `P_o` joins
side `s` by the war's end with probability

    p_s = logistic(b0 + b . x(c, s)),

the covariates `x` (:data:`COVARIATES`) being opportunity (distance from c's capital to the
nearer of the two parties' capitals, major-power status and its reach: the two interacted) and
willingness (c's treaty obligation of defence or offence to P_s, to P_o and to both, a strategic
rivalry with either, being already at war with the other, and side s's share of the two parties'
capabilities, whose sign says whether states bandwagon or balance, the great powers on the
side, how much nearer c's regime is to P_s's than to P_o's, and how far c's regime has moved since
it took on its obligation to P_s: the honour of the treaty). Siverson & Starr (1991) for opportunity
and willingness; Joyce, Ghosn & Bayer (2013) for the covariates of joining; Signorino & Ritter
(1999) for S, which the equation no longer uses (:data:`COVARIATES`); Schweller (1994) for
bandwagoning; Siverson & Emmons (1991), Werner & Lemke (1997) and Lai & Reiter (2000) for
regime similarity; Leeds (2003) for honour. Each covariate is held to its range in the record (:meth:`Coefficients.linear`).

The coefficients are maximum-likelihood estimates on the COW inter-state wars other than the
held-out 106 and 139, shipped in `sim/data/joining/coefficients.csv` with their standard errors
and refitted by `python -m sim.history.joiningfit refit` (docs/model.md, "Joining"). This module
only reads them: it needs numpy, not statsmodels.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Callable
from importlib import resources

import numpy as np

from sim.model.alliances import casus_foederis, honour_calls
from sim.model.ladder import CLASH, WAR, Kind
from sim.model.replication import Process, ReplicationState
from sim.model.world import Pact, Place, World
from sim.scenario.pactkinds import kind
from sim.scenario.schema import Scenario
from sim.scenario.yearworld import (
    ATOP_LAST_YEAR,
    CONTIGUITY_LAST,
    FIRST_YEAR,
    armed_since,
    land_contiguous,
    land_contiguous_in,
    majors,
    read_table,
    rows_by,
)

__all__ = ["COVARIATES", "REGIME_YEAR", "democracy", "regime_scores",
           "owed_pact", "setting_now", "equation", "delay_law", "Coefficients", "coefficients", "probability",
           "any_side", "Entries", "MAJOR_SHARE",
           "RIVAL_INTENT", "Setting", "setting", "covariates", "owed", "process", "regime_change", "land_borders"]

COVARIATES = ("log_km", "major", "major_x_log_km", "owes_side", "owes_other", "owes_both",
              "rival_side", "rival_other", "war_other", "share_side", "major_side", "major_ally_side",
              "regime_diff", "nuclear_other", "owes_regime_change", "land_other", "war_third")
"""The joining equation's covariates, in the coefficient file's order (after `const`):

* `log_km`: ln(1 + km/100), km from the state's capital to the nearer of the two parties' capitals;
* `major`: 1 for a COW major power; `major_x_log_km` the two multiplied (a major power's reach);
* `owes_side`, `owes_other`: 1 when the state owes the side's (the other side's) party a defence
  or offence obligation (ATOP, directed: the casus foederis of the state's treaty);
* `owes_both`: the two multiplied, 1 when the state owes both parties. With it `owes_other` is
  the term of joining AGAINST a state one is bound to (and to nobody on the side joined: 5
  joiners of 566 such candidates in the record), `owes_side` that of a state bound to its side
  only;
* `rival_side`, `rival_other`: 1 for a Thompson & Dreyer strategic rivalry with the party;
* `war_other`: 1 when the state is already at war with the other side's party (another war; its
  twin `war_side` is left out: no state in the record joined the side of a party it was fighting,
  so its estimate runs to minus infinity);
* `share_side`: the side's party's share of the two parties' capabilities (CINC);
* `major_side`: 1 when the side's party is a major power; `major_ally_side`: 1 when a major
  power owes it defence or offence (a coalition a great power leads or backs);
* `regime_diff`: |d_c - d_O| - |d_c - d_S|, how much nearer the state's regime score is to the
  side's party's (S) than to the other's (O), d = Phi(aeuds) on 0..1 (:func:`democracy`): about
  +0.7 for a democracy choosing between a democracy and an autocracy, about -0.7 for an autocracy
  (states side with states of like regime: Siverson & Emmons 1991; Werner & Lemke 1997; Lai &
  Reiter 2000). Fitted as two terms, similarity with the side (-|d_c - d_S|: +0.45, s.e. 0.49)
  and with the other (-|d_c - d_O|: -1.62, s.e. 0.43), both signed as the theory says; the single
  difference scores better out of sample (docs/validation.md).
  A missing score is taken at the year's median (:func:`regime_scores`): in the record 46 of the
  15,354 rows, none a joiner (Austria-Hungary in 21 wars of 1867-1918, West Germany and North
  Yemen in 1990), so a
  missing-score indicator's estimate would run to minus infinity, as `war_side`'s would;
* `nuclear_other`: 1 when the other side's party had tested a nuclear weapon by the war's start
  year (a world's `nuclear` flag): nuclear arms deter third parties' entry against their holder
  (Jervis 1989; Horowitz 2009; Bell 2015; Sechser & Fuhrmann 2017). No state of the record joined
  against a nuclear party (0 of 1,621 candidate rows in 9 wars), so its estimate is the upper end
  of its profile-likelihood interval (:func:`sim.history.joiningfit.fit`). Its twin `nuclear_side`
  is left out: its 18 joiners are of 4 wars, all coalitions the USA led;
* `owes_regime_change`: `owes_side` times |d_c - d_c at signing|, how far the state's regime
  score has moved since it took on the obligation it owes the side's party (ATOP's unbroken run
  of years of that obligation, :func:`sim.scenario.yearworld.armed_since`; a scenario's pact: the
  year of its `signed`): a state whose policy-making has changed since it signed is less likely
  to honour the treaty (Leeds 2003). 0 without an obligation, or when the pact carries no
  signing date;
* `land_other`: 1 when the state borders the other side's party by land or river (COW Direct
  Contiguity v3.2, `conttype` 1, on the war's first day; Stinnett et al. 2002): the opportunity of
  a state next to a warring state (Siverson & Starr 1990, 1991: a "warring border nation"), here
  to fight its neighbour. Its twin `land_side` (bordering the side's party) is left out: +0.16
  (s.e. 0.29) beside it, not distinguishable from 0 (docs/model.md, "Joining"). A world reads it
  with :func:`land_borders`;
* `war_third`: 1 when the state is already at war with a state that is neither party ("busy
  elsewhere": its forces are committed; Siverson & Starr 1991 on opportunity, Joyce, Ghosn & Bayer
  2013). No such candidate of the record joined (0 of 282 rows), so, as `nuclear_other`'s, its
  estimate is the upper end of its profile-likelihood interval. It entered by a test registered
  before it was scored (docs/validation.md, "Candidate covariates"). In the simulator a state at
  war takes no joining decision at all, so the term reads 0 for every state that decides: it
  changes the other coefficients (fitted without mistaking a busy state's abstention for the
  effect of its other covariates), not who may decide.

The difference in alliance-portfolio similarity (Signorino & Ritter's S with each party) was a
covariate until it was found to carry a sign against its theory (states joined the side they were
LESS similar to, -1.25, s.e. 0.53, an estimate that beyond |0.6| rests on 4 joiners of two wars)
and to send NATO's members to Russia's side in the 2022 world, where S, normalised by the number
of states of a 55-state world, lies outside the record's range: docs/model.md, "Joining"."""

class Coefficients:
    """The fitted equation: `const` and one coefficient per covariate, with standard errors."""

    def __init__(self, rows: list[dict]):
        self.names = [r["term"] for r in rows]
        expected = ["const", *COVARIATES]
        if self.names != expected:
            raise ValueError(f"coefficient terms {self.names}, expected {expected}")
        self.values = np.array([float(r["coef"]) for r in rows])
        self.errors = np.array([float(r["std_err"]) for r in rows])
        bounded = all(r.get("x_min") not in (None, "") for r in rows)
        self.low = np.array([float(r["x_min"]) for r in rows[1:]]) if bounded else None
        self.high = np.array([float(r["x_max"]) for r in rows[1:]]) if bounded else None

    def support(self) -> tuple[np.ndarray, np.ndarray]:
        """The range of each covariate in the record the equation was fitted on (the shipped file's
        `x_min`, `x_max`; the same for every fold, refitted coefficients included)."""
        if self.low is not None and self.high is not None:
            return self.low, self.high
        shipped = coefficients()
        assert shipped.low is not None and shipped.high is not None, "the shipped coefficients carry their support"
        return shipped.low, shipped.high

    def linear(self, x: np.ndarray) -> np.ndarray:
        """b0 + b . x for rows `x` (n x len(COVARIATES)), each covariate first clipped to its range in
        the record (:meth:`support`): out of the fit's support the equation is held at its edge, never
        extrapolated (a world of fewer or nearer states than any in the record)."""
        low, high = self.support()
        return self.values[0] + np.clip(np.asarray(x, dtype=float), low, high) @ self.values[1:]


def given(values: list[float]) -> Coefficients:
    """Coefficients given as numbers (const first), without standard errors."""
    if len(values) != 1 + len(COVARIATES):
        raise ValueError(f"{len(values)} joining coefficients, expected {1 + len(COVARIATES)} (const, {', '.join(COVARIATES)})")
    return Coefficients([{"term": t, "coef": v, "std_err": "nan"} for t, v in zip(["const", *COVARIATES], values)])


def read_coefficients(text: str) -> Coefficients:
    """Coefficients from the CSV text `term,coef,std_err,...`."""
    return Coefficients(list(csv.DictReader(io.StringIO(text))))


@functools.cache
def coefficients() -> Coefficients:
    """The shipped coefficients (`sim/data/joining/coefficients.csv`)."""
    text = (resources.files("sim") / "data" / "joining" / "coefficients.csv").read_text(encoding="utf-8")
    return read_coefficients(text)


def probability(x: np.ndarray, coef: Coefficients | None = None) -> np.ndarray:
    """p_s: the chance that each row's state joins the row's side by the war's end."""
    eta = (coef or coefficients()).linear(x)
    return 1.0 / (1.0 + np.exp(-eta))


def any_side(p_a: np.ndarray, p_b: np.ndarray) -> np.ndarray:
    """The chance of joining either side, the two decisions taken independently."""
    return 1.0 - (1.0 - p_a) * (1.0 - p_b)


MAJOR_SHARE = 0.03
"""Outside a `cow_YYYY` world (whose COW majors are known), a state is a major power when its power
is at least this share of the world's: a stand-in for COW's list, whose members held 3% or more of
world capabilities (CINC) in nearly every year of their spells."""
RIVAL_INTENT = 0.3
"""A scenario relation of at least this baseline intent (either way) is a rivalry: the `cow_YYYY`
worlds write each Thompson & Dreyer rivalry as a relation of 0.3 (`sim.scenario.yearworld`)."""


REGIME_YEAR = 2022
"""A world without a year (the bundled 2022 world, a scenario's own world) reads the regime scores of
this year, the year the bundled world stands for (the democracy file runs to 2025)."""


@functools.lru_cache(maxsize=16)
def democracy(year: int) -> tuple[dict[int, float], float]:
    """COW code -> regime score d = Phi(aeuds) in `year` (the state-years of `cow_democracy.csv`
    with a score: Marquez's extended UDS, adjusted so that 0 is the average cut-point of the
    dichotomous measures, read through the normal distribution as the chance that the state is a
    democracy, 0..1), and the median of that year's scores, the value of a missing one."""
    scores = {int(r["ccode"]): 0.5 * (1.0 + math.erf(float(r["aeuds"]) / math.sqrt(2.0)))
              for r in rows_by("cow_democracy", "year").get(year, ()) if r["aeuds"]}
    return scores, float(np.median(list(scores.values()))) if scores else 0.5


@functools.cache
def _cow_codes() -> dict[str, int]:
    """COW abbreviation -> COW code (a state's last spell, as a 2022 world's states are)."""
    return {r["stateabb"]: int(r["ccode"]) for r in read_table("cow_states")}


def regime_scores(scenario, world: World, year: int | None = None) -> np.ndarray:
    """The regime score d of each state of a world in the world's year (a `cow_YYYY` world's YYYY;
    :data:`REGIME_YEAR` for a world without one), or in `year`, each state named by its COW
    abbreviation (its id, or its `cow_names` alias); the year's median for any other state (a
    scenario's own state, or a state-year without a score), as the fit takes a missing score."""
    year = year or scenario.world_record.year or REGIME_YEAR
    scores, median = democracy(max(year, FIRST_YEAR))
    names = [scenario.world_record.cow_names.get(s, s) for s in world.ids]
    return np.array([scores.get(_cow_codes().get(name, -1), median) for name in names])


def _signed(pact: Pact) -> int | None:
    """The year a pact was signed (its spec's `signed`, a date or a year), None if not given."""
    text = pact.spec.signed if pact.spec is not None else None
    return int(text[:4]) if text and text[:4].isdigit() else None


def regime_change(scenario, world: World, pacts: list[Pact], regime: np.ndarray) -> np.ndarray:
    """changed[c, p]: |d_c - d_c in the year c took on its obligation to p|, d the regime scores of
    :func:`regime_scores` (`regime`: those of the world's year). The year is measured as the fit
    measures it, where the record has it: the start of the unbroken run of years in which c has
    owed p defence or offence in ATOP (:func:`sim.scenario.yearworld.armed_since`, through the
    world's year or ATOP's last, 2018, whichever is earlier; so a member that acceded to a pact
    after its signing, as Poland to NATO in 1999, counts from its accession). Otherwise (a state
    without a COW name, an obligation ATOP does not hold) it is the year of the earliest signed
    of the pacts with an armed obligation by which c owes p (their `signed`). 0 where neither is
    known, and where c has no regime score in that year (a state without a COW name, or one that
    did not yet exist: North Macedonia, in NATO since 2020, after ATOP's last year, has no score
    in 1949, when NATO was signed, and its accession is not in the data)."""
    n = world.n
    last = min(scenario.world_record.year or ATOP_LAST_YEAR, ATOP_LAST_YEAR)
    names = [scenario.world_record.cow_names.get(s, s) for s in world.ids]
    codes = [_cow_codes().get(name) for name in names]
    since = np.full((n, n), np.inf)
    for pact in pacts:
        if not any(kind(c).fights for c in pact.obligations):
            continue
        signed = _signed(pact)
        for c in pact.members:
            for q in pact.members:
                if c != q and (pact.protects is None or q in pact.protects):
                    a, b = codes[c], codes[q]
                    year = armed_since(a, b, last) if a is not None and b is not None else None
                    year = signed if year is None else year
                    if year is not None:
                        since[c, q] = min(since[c, q], year)
    changed = np.zeros((n, n))
    for year in sorted({int(y) for y in since[np.isfinite(since)]}):
        scores, _ = democracy(max(year, FIRST_YEAR))
        then = np.array([scores.get(code, np.nan) if code is not None else np.nan for code in codes])
        rows, cols = np.nonzero(since == year)
        changed[rows, cols] = np.nan_to_num(np.abs(regime - then)[rows], nan=0.0)
    return changed


def land_borders(scenario, world: World) -> np.ndarray:
    """land[c, p]: 1 where states c and p are contiguous by land or river (COW Direct Contiguity v3.2,
    :func:`sim.scenario.yearworld.land_contiguous`), each state found by its COW abbreviation (its id,
    or its `cow_names` alias) as :func:`regime_scores` finds it: on the world's `date` where it has
    one (a validation's war world: the war's first day, the day the fit reads), else in a `cow_YYYY`
    world's year (:func:`sim.scenario.yearworld.land_contiguous_in`), else (the bundled 2022 world, a
    scenario's own) on the data's last day, 2016-12-01 (:data:`CONTIGUITY_LAST`: the borders of 2016
    stand for 2022's). A state without a COW name (a scenario's own) borders nobody: 0."""
    record = scenario.world_record
    pairs = (land_contiguous(record.date) if record.date else land_contiguous_in(record.year) if record.year
             else land_contiguous(CONTIGUITY_LAST))
    where: dict[int, list[int]] = {}  # COW code -> the states that bear it
    for k, s in enumerate(world.ids):
        code = _cow_codes().get(record.cow_names.get(s, s))
        if code is not None:
            where.setdefault(code, []).append(k)
    land = np.zeros((world.n, world.n))
    for a, b in pairs:
        for c in where.get(a, ()):
            land[c, where.get(b, [])] = 1.0
    return land


class Setting:
    """What the joining decision reads of a world and its pacts, computed once per structure. `regime`:
    each state's regime score (:func:`regime_scores`; by default all alike, 0.5); `land`: who borders
    whom by land (:func:`land_borders`; by default nobody)."""

    def __init__(self, world: World, pacts: list[Pact], major: np.ndarray, rival: np.ndarray,
                 regime: np.ndarray | None = None, changed: np.ndarray | None = None, land: np.ndarray | None = None):
        n = world.n
        self.n, self.major, self.rival = n, major, rival
        self.basis: tuple = (world, list(pacts), None, None)  # what it was read from (:meth:`holds_for`)
        self.regime = np.full(n, 0.5) if regime is None else np.asarray(regime, dtype=float)
        self.nuclear = np.asarray(world.nuclear, dtype=float)
        self.log_km = np.log1p(world.distance / 100.0)
        self.owes = np.zeros((n, n))  # owes[c, p]: c is bound to fight for p (defence, offence...)
        # changed[c, p]: how far c's regime score moved since it took on its obligation to p (:func:`regime_change`)
        self.changed = np.zeros((n, n)) if changed is None else np.asarray(changed, dtype=float)
        # land[c, p]: c borders p by land (:func:`land_borders`; by default nobody borders anybody)
        self.land = np.zeros((n, n)) if land is None else np.asarray(land, dtype=float)
        for pact in pacts:
            if not any(kind(c).fights for c in pact.obligations):
                continue
            for c in pact.members:
                for q in pact.members:
                    if c != q and (pact.protects is None or q in pact.protects):
                        self.owes[c, q] = 1.0

    def holds_for(self, world: World, pacts: list[Pact], scenario, power: np.ndarray) -> bool:
        """Whether :func:`setting` would read this same setting of `world`, `pacts`, `scenario` and
        `power` (a replication that starts as its scenario's set-up does: its Setting is computed once
        for all of them, not once per replication)."""
        w, p, sc, pw = self.basis
        return (w is world and sc is scenario and p == pacts
                and pw is not None and (pw.shape == power.shape and bool((pw == power).all())))


def setting(world: World, pacts: list[Pact], scenario, power: np.ndarray) -> Setting:
    """The joining setting of a replication: COW majors for a `cow_YYYY` world, else by power share;
    rivalries from the scenario's relations; regime scores of the world's year (:func:`regime_scores`);
    land borders of its day or year (:func:`land_borders`)."""
    year = scenario.world_record.year  # read by the loader with the world: a sweep point keeps it
    if year is not None:
        big = majors(year)
        major = np.array([float(s in big) for s in world.ids])
    else:
        total = float(power.sum()) or 1.0
        major = (power / total >= MAJOR_SHARE).astype(float)
    rival = np.zeros((world.n, world.n))
    for rel in scenario.relations:
        a, b = world.index.get(rel.from_), world.index.get(rel.to)
        if a is not None and b is not None and rel.intent >= RIVAL_INTENT:
            rival[a, b] = rival[b, a] = 1.0
    regime = regime_scores(scenario, world)
    st = Setting(world, pacts, major, rival, regime, regime_change(scenario, world, pacts, regime),
                 land_borders(scenario, world))
    st.basis = (world, list(pacts), scenario, np.array(power, dtype=float, copy=True))
    return st


def setting_now(sim: ReplicationState, scenario, prepared: Setting | None = None) -> Setting:
    """The joining setting of a replication as it stands: `prepared` (the scenario's, computed once)
    where it holds for the replication's world, pacts and powers, else computed anew."""
    power = sim.forces.power
    if prepared is not None and prepared.holds_for(sim.world, sim.pacts, scenario, power):
        return prepared
    return setting(sim.world, sim.pacts, scenario, power)


def equation(params) -> Coefficients:
    """The equation a run decides by: `parameters.joining.coefficients` when given, else the shipped fit."""
    return given(list(params.coefficients)) if params.coefficients else coefficients()


def delay_law(params) -> tuple[float, float]:
    """(k, s): the Weibull's shape and scale of the entries after a war's first day, s = m / Gamma(1 + 1/k)
    for the mean m (`parameters.joining.entry_delay_shape`, `entry_mean_days`)."""
    shape = float(params.entry_delay_shape)
    return shape, float(params.entry_mean_days) / math.gamma(1.0 + 1.0 / shape)


def owed(sim: ReplicationState, party: int, other: int, place: Place) -> np.ndarray:
    """1 for every state that owes `party` armed help in its war with `other` (the `owes_side`
    term of that side): a member of one of `party`'s pacts with a defence, offence, patron or
    guarantee obligation whose casus foederis the war's first attack meets as to where it fell
    and by whom (regions or soil, named adversaries, the states the pact protects; a co-member's
    attack obliges nobody: :func:`sim.model.alliances.casus_foederis`). Who struck first is not
    part of it: the fitted coefficient is estimated on every treaty owed to a side's party,
    initiator's or target's (in the record 22 of the 49 joiners of the initiator's side owed it
    a treaty, as 21 of the 58 of the target's)."""
    out = np.zeros(sim.world.n)
    for pact in _owing(sim, party, other, place):
        out[[m for m in pact.members if m != party]] = 1.0
    return out


def owed_pact(sim: ReplicationState, state: int, party: int, other: int, place: Place) -> str | None:
    """The first of `party`'s pacts by which `state` owes it armed help in its war with `other`
    (:func:`owed`), named in the `join` event as the commitment that carried the entry; None for
    a state that owes `party` nothing."""
    return next((pact.id for pact in _owing(sim, party, other, place) if state in pact.members), None)


def _owing(sim: ReplicationState, party: int, other: int, place: Place):
    """`party`'s pacts with an armed obligation whose casus foederis the war's first attack meets."""
    for pact in sim.ties.pacts_of(party):
        if any(kind(c).fights for c in pact.obligations) and casus_foederis(pact, party, other, place, False):
            yield pact


def covariates(st: Setting, party: int, other: int, power: np.ndarray, fighting: np.ndarray,
               owes: tuple[np.ndarray, np.ndarray] | None = None, third: np.ndarray | None = None) -> np.ndarray:
    """x for every state joining `party`'s side against `other` (rows in state order). `fighting`:
    who is at war with whom (n x n), or only its column `other` (who is at war with `other`, all
    the equation reads of it). `owes`: the obligations to `party` and to `other` in this war
    (:func:`owed`); by default every armed obligation to each, as the fit codes them. `third`: who
    is at war with a state other than `party` and `other` (`war_third`); by default read from
    `fighting` when it is the n x n matrix, else nobody."""
    log_km = np.minimum(st.log_km[:, party], st.log_km[:, other])
    total = power[party] + power[other]
    share = power[party] / total if total > 0 else 0.5
    owes_side, owes_other = owes if owes is not None else (st.owes[:, party], st.owes[:, other])
    backed = float((owes_side * st.major).any())
    war_other = fighting[:, other] if fighting.ndim == 2 else fighting
    if third is None:
        third = np.zeros(st.n, dtype=bool)
        if fighting.ndim == 2:
            either = fighting | fighting.T
            either[:, [party, other]] = False
            third = either.any(axis=1)
    d = st.regime
    return np.column_stack([log_km, st.major, st.major * log_km, owes_side, owes_other, owes_side * owes_other,
                            st.rival[:, party], st.rival[:, other],
                            war_other.astype(float), np.full(st.n, share), np.full(st.n, st.major[party]),
                            np.full(st.n, backed), np.abs(d - d[other]) - np.abs(d - d[party]),
                            np.full(st.n, st.nuclear[other]), owes_side * st.changed[:, party],
                            st.land[:, other], third.astype(float)])


Entries = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, float, float, float, float, np.ndarray,
                    np.ndarray, np.ndarray], list[int]]
"""One side's decision over one interval (the kernel's `join_entries`, `sim.kernel.reference.join_entries`
its twin): `(x, coef, low, high, since, interval, delay_scale, delay_shape, first_share, free, u, h)`
writes in h each state's hazard of joining the side in the interval, `since` days into the war, of
p = logistic(coef[0] + coef[1:] . clip(x, low, high)) (:func:`probability`) reached over the whole
war, a share `first_share` of entries on the war's first day (the decision at since and interval
0) and the rest delayed as a Weibull of that scale and shape (docs/model.md, "Joining", Timing),
and returns the states `free` to join whose uniform in u falls below their hazard."""


def process(sim: ReplicationState, scenario: Scenario, entries: Entries, prepared: Setting | None = None) -> Process:
    """Each state not at war takes, for each side of each war under way, joining decisions with the
    hazard of :data:`Entries` (the fitted p by the war's end, entries delayed as in the record: a
    share `parameters.joining.entry_first_day_share` on the war's first day, the rest a Weibull of
    shape `entry_delay_shape` and mean `entry_mean_days`; `entries`: the kernel's, which the engine passes), its draws from
    the replication's own joining stream. A war's first decision is taken on the day it is first
    seen, at once: the war's first day when its posture crosses the war rung (`Wars.begin` calls
    :attr:`~sim.model.termination.Wars.on_start`, which wakes this process), and it takes the first
    day's share (since and interval 0). After that a decision every `interval_days` (on the
    process's clock, days 30, 60, ... by default), each over the days since the war's previous one.
    A war set by a standing posture rather than an attack (a war under way when the scenario opens,
    as Russia's war on Ukraine in the 2022 world: `Wars.silent`) is past its first day: it has no
    first-day decision, and its later ones are conditioned on no entry on that day (g0 = G(0) = q).
    A war is a dyad at war whose two states were at war with no one else when it was first
    seen (the fit's unit is the war and its first two belligerents); its treaty terms are the
    obligations its first attack invokes (:func:`owed`, where the attack fell). A state that joins
    enters the war at the war rung against the other side's first belligerent (logged `join`), who
    answers in self-defence; its entry is part of the war it joined and ends with it
    (`sim.model.termination`). An entry that answers a call on the state (an invocation of its
    pact against the state it attacks, or for an ally that state is fighting:
    :func:`sim.model.alliances.honour_calls`) is preceded by the state's `honour`, which the `join`
    names as its cause, and names its pact. With this decision on it is the only way into a war under way other
    than being attacked: armed attacks invoke no defence or offence clause (the treaty is the
    equation's `owes_side` term, not a second draw), so an entry re-triggers no pact of either side
    (`sim.model.alliances`).

    `prepared`: the scenario's setting computed once (:func:`setting`), used when it holds for the
    replication (:meth:`Setting.holds_for`). What is computed each decision is kept small, with the
    same numbers and draws: the states at war are read from the few cells of `posture` at CLASH or
    above (no n x n matrix of who fights whom); a look with no war under way does nothing; a
    war side's covariates are recomputed only when what they read changes (:func:`_design`); and the
    numbers of each decision (p, the hazard, the comparison with the draws) are the kernel's. This
    function sets the process up (its setting) and returns it."""
    params = sim.params.joining
    coef = equation(params)
    low, high = coef.support()
    st = setting_now(sim, scenario, prepared)
    # (first striker, target, day first seen, owes, where it fell); last[w]: the day of war w's last decision
    wars: list[tuple[int, int, float, tuple[np.ndarray, np.ndarray], Place]] = []
    last: list[float] = []
    designs: dict[tuple[int, int], tuple[bytes, np.ndarray]] = {}  # (war, side) -> (what x read, x)
    seen: set[frozenset[int]] = set()
    belligerents: set[int] = set()
    rng, step, n = sim.streams.join, params.interval_days, st.n
    # the later delays' Weibull: shape k, scale s = m / Gamma(1 + 1/k) for the mean m
    shape, scale = delay_law(params)
    looking = [False]  # a first look is already on its way this instant

    def look() -> Process:
        """The first decision of the wars begun now, on their first day: at the end of the instant,
        after the other events scheduled for it (a timeline's second attack of the same day), so
        that wars begun at one instant are all seen as wars, each with its own treaty terms, as a
        periodic decision sees the wars begun since the last (China's strikes on Taiwan and on US
        forces in Okinawa on one day: two wars, the second calling the US-Japan treaty)."""
        yield sim.clock.timeout(0)
        looking[0] = False
        decide(periodic=False)

    def started(a: int, b: int) -> None:
        if not looking[0]:
            looking[0] = True
            sim.clock.spawn(look())

    def decide(periodic: bool) -> None:
        now = sim.clock.now
        hot = sim.posture >= CLASH  # i at war with j: posture[i, j] or posture[j, i] at CLASH or above
        cells = np.flatnonzero(hot)
        if not cells.size:
            return  # no war under way: no war to see, no decision to draw
        rows, cols = np.divmod(cells, n)
        at_war = np.zeros(n, dtype=bool)  # who is at war now (a row per state, changed in place)
        at_war[rows] = True
        at_war[cols] = True
        # the dyads at war (i <= j), in the order of the cells of the matrix's upper triangle
        for i, j in sorted(set(zip(np.minimum(rows, cols).tolist(), np.maximum(rows, cols).tolist()))):
            key = frozenset((int(i), int(j)))
            if key in seen:
                continue
            seen.add(key)
            if int(i) not in belligerents and int(j) not in belligerents:
                first = sim.memory.struck_first.get(key, int(i))
                target = int(j) if first == int(i) else int(i)
                place = sim.memory.places.get(key) or sim.world.place(target, None)
                owes = owed(sim, first, target, place), owed(sim, target, first, place)
                wars.append((first, target, now, owes, place))
                # a new war's first decision is now, on its first day; a war set by a standing posture
                # is past its first day: its first decision, at the next tick, is over the days since
                last.append(now if sim.conflict.wars.silent(first, target) else -1.0)
        belligerents.update(rows.tolist(), cols.tolist())
        for w, (a, b, start, (owes_a, owes_b), place) in enumerate(wars):
            if last[w] < 0.0:
                since, interval = 0.0, 0.0  # the war's first day: the first-day share (G(0-) = 0 to G(0) = q)
            elif periodic and now > last[w]:
                since, interval = last[w] - start, now - last[w]
            else:
                continue  # decided already now, or a look at new wars only
            last[w] = now  # (a pause in the war, not hot at a tick, passes without a decision)
            if not (hot[a, b] or hot[b, a]):
                continue
            free = ~at_war
            free[[a, b]] = False
            if not free.any():
                continue
            u = rng.random((2, n))
            sides = ((a, b, (owes_a, owes_b)), (b, a, (owes_b, owes_a)))
            hazards = [np.empty(n), np.empty(n)]
            joiners = [entries(_design(designs, (w, side), st, party, other, sim.forces.power, hot[:, other] | hot[other],
                                       owes, _third(rows, cols, party, other, n)), coef.values, low, high, since,
                               interval, scale, shape, params.entry_first_day_share, free, u[side], hazards[side])
                       for side, (party, other, owes) in enumerate(sides)]
            if sim.memory.hazards is not None:  # a validation's run: this decision's chances (sim.model.ledger)
                sim.memory.hazards.join_interval(a, b, now, free, hazards)
            for side, (party, other, owes) in enumerate(sides):
                for c in joiners[side]:
                    if at_war[c]:
                        continue
                    at_war[c] = True
                    answer = honour_calls(sim, c, other)  # the calls on c this entry answers: `honour`
                    cause, pact = answer if answer else (None, owed_pact(sim, c, party, other, place) if owes[0][c] else None)
                    sim.act(c, other, WAR, Kind.JOIN, cause=cause, pact=pact, location=place, collective=(party == b))
                    sim.conflict.wars.attach(c, other, frozenset((a, b)))

    def run() -> Process:
        # listening from the process's start: a war begun before it (a scripted attack on day 0) is
        # seen by the look that follows, on its first day. The ear is taken off when the clock closes
        # the process, so that the wars (which keep no reference to the replication) hold none.
        sim.conflict.wars.on_start.append(started)
        try:
            decide(periodic=False)  # the wars under way at the start are seen on day 0
            while True:
                yield sim.clock.timeout(step)
                decide(periodic=True)
        finally:
            sim.conflict.wars.on_start.remove(started)

    return run()


def _third(rows: np.ndarray, cols: np.ndarray, party: int, other: int, n: int) -> np.ndarray:
    """Who is at war with a state other than `party` and `other` (`war_third`), from the cells
    (`rows`, `cols`) of the dyads at war."""
    third = np.zeros(n, dtype=bool)
    third[rows[(cols != party) & (cols != other)]] = True
    third[cols[(rows != party) & (rows != other)]] = True
    return third


def _design(designs: dict[tuple[int, int], tuple[bytes, np.ndarray]], key: tuple[int, int], st: Setting,
            party: int, other: int, power: np.ndarray, war_other: np.ndarray,
            owes: tuple[np.ndarray, np.ndarray], third: np.ndarray) -> np.ndarray:
    """x for a war's side (:func:`covariates`), kept in `designs` under `key` and recomputed only
    when what it reads changed. Besides the setting and the war's treaty terms (fixed for a war),
    the covariates read only the two parties' powers (the side's share) and who is at war with
    `other` (`war_other`) and with a third state (`third`): the same of these, the same x, bit for
    bit. (A covariate that reads anything else that can change during a war must add it here.)"""
    reads = power[[party, other]].tobytes() + war_other.tobytes() + third.tobytes()
    kept = designs.get(key)
    if kept is not None and kept[0] == reads:
        return kept[1]
    x = np.ascontiguousarray(covariates(st, party, other, power, war_other, owes, third), dtype=float)
    designs[key] = (reads, x)
    return x
