"""Who uses force against whom: a hazard fitted on the record (docs/model.md, "Use of force").

A state i uses force against j (takes the armed-clash rung, 5) at a rate per year
lambda[i, j] = -log(1 - h[i, j]) with h[i, j] = logistic(x[i, j] . beta), the probability per
directed dyad-year that i originates a militarised dispute against j that reaches the use of force
(GML MID 2.2.1 onsets by originators, hostility level 4 or 5; Gibler, Miller & Little 2016).
The coefficients beta are fitted by maximum likelihood on the system's directed dyad-years
1816-2010 outside the held-out years (:mod:`sim.history.forcefit`) and shipped with their
standard errors in `sim/data/force/coefficients.csv`; the simulator only reads them.

The covariates :data:`TERMS` of a directed dyad are what the dangerous-dyads literature names
(Bremer 1992, Journal of Conflict Resolution 36(2)): the capability ratio as log(power_i /
power_j) and its square, so that the rate may peak near parity (Reed 2003, Journal of Politics
65(2); bargaining failure under private information is likeliest where the balance is least
clear, Fearon 1995), the fall and the rise of i's share of the dyad's capabilities over ten
years (rapid power shifts, a commitment problem: Powell 2006, International Organization 60(1)),
a claim (a stake either way: the spatial rivalries of a world of any year; Vasquez 1993; Hensel
2001), another rivalry (Thompson & Dreyer 2012), each side's latent territorial threat (Miller
2022), the capitals' distance and nearness (< 1,000 km; contiguity is not in the bundled data),
a shared defence pact and any other shared pact (ATOP), the target's allies (the capabilities of
j's defence-pact partners other than i over i's own, log(1 + sum_k power_k / power_i): alliances
deter by the help the target can call on, Leeds 2003, AJPS 47(3); Bremer 1992), each side's major-power status, the
target's and the dyad's nuclear arms, and the dyad's militarised disputes begun in the ten years
before (log(1 + count); temporal dependence, Beck, Katz & Tucker 1998, AJPS 42(4): rivalry as a
history of disputes, Diehl & Goertz 2000), both sides major powers (great-power pairs originate
fewer disputes than the two majors' own terms imply; Bremer 1992) and the era of the world's year:
after 1945 and after 1989 (Gaddis 1986; Goldstein 2011; a world without a year is after both).

The decision: each time state i decides, it uses force against someone with probability
1 - exp(-sum_j lambda[i, j] dt), dt the years since its previous draw (the discretisation of the
competing hazards whatever the interval between decisions), against j with probability
lambda[i, j] / sum_j lambda[i, j] (:class:`ForceDraws`). Only some uses of force are armed
attacks: one is with probability a[i, j] = logistic(z[i, j] . gamma), the severity logit fitted
on the record's uses of force that reached war (MID hostility level 5; Jones, Bremer & Singer
1996), on :data:`SEVERITY_TERMS` (`sim/data/force/severity_coefficients.csv`); the others are
incidents below war, coercion that invokes no pact (:func:`armed_share`). Every other way of
crossing rung 5 unprovoked is closed to the posture choice (:func:`coercion_cap`): a claim is
pressed by coercion, rungs 1-4, not by war; self-defence, collective defence and scripted attacks
are unaffected.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from importlib import resources

import numpy as np

from sim.model.ladder import CLASH, MOBILISATION
from sim.scenario.yearworld import LAST_YEAR, majors, read_table, rows_by

__all__ = ["TERMS", "NEAR_KM", "SHIFT_YEARS", "Coefficients", "coefficients", "SEVERITY_TERMS", "SEVERITY_CANDIDATES",
           "LONG_PEACE", "COLD_WAR_END", "severity_coefficients", "severity_covariates",
           "armed_share", "covariates", "rates", "hazard",
           "ForceDraws",
           "coercion_cap"]

TERMS = ("const", "log_ratio", "log_ratio_sq", "decline", "rise", "claim", "rivalry_other", "terrthreat_i",
         "terrthreat_j", "log_distance", "near", "defence_pact", "other_pact", "target_allies", "major_i", "major_j", "nuclear_j",
         "nuclear_dyad", "past_disputes", "major_dyad", "post_1945", "post_1989")
"""The covariates of a directed dyad i -> j, in the order of the shipped coefficients."""
SEVERITY_TERMS = ("const", "post_1945", "major_i", "log_ratio_sq", "terrthreat_i", "terrthreat_j")
"""The covariates of the severity logit: which uses of force reach war (see :func:`armed_share`),
chosen by held-out score among :data:`SEVERITY_CANDIDATES` (:func:`sim.history.forcefit.select_severity`)."""
SEVERITY_CANDIDATES = ("claim", "target_allies", "major_i", "major_j", "major_dyad", "nuclear_j", "nuclear_dyad",
                       "post_1945", "post_1989", "parity", "log_ratio", "log_ratio_sq", "past_disputes", "log_distance", "near",
                       "decline", "rise", "terrthreat_i", "terrthreat_j", "defence_pact", "other_pact", "rivalry_other")
"""The terms the severity logit may take: those of :data:`TERMS` and parity as -|log ratio| (Reed
2003; :func:`severity_covariates`)."""
LONG_PEACE = 1946
"""The first year of `post_1945` (the long peace: Gaddis 1986; Mueller 1989)."""
COLD_WAR_END = 1990
"""The first year of `post_1989` (after the Cold War: Goldstein 2011; Pinker 2011)."""
NEAR_KM = 1000.0
"""Capitals closer than this count as near (the peacetime comparison's first distance band)."""
SHIFT_YEARS = 10
"""The span over which a change of the dyad's capability shares counts as a power shift."""
RATIO_CLIP = 8.0
"""|log(power_i / power_j)| is clipped here (a ratio of about 3,000): beyond it the square's shape is not data."""
RIVAL_INTENT = 0.1
"""A scenario relation with at least this baseline intent is a rivalry (a world of any year's rivalries have 0.3)."""


class Coefficients:
    """Fitted coefficients (term -> estimate, standard error) with their provenance."""

    def __init__(self, rows: list[dict], terms: tuple[str, ...] = (), path: str = "sim/data/force/coefficients.csv"):
        terms = terms or TERMS
        by_term = {r["term"]: r for r in rows}
        missing = [t for t in terms if t not in by_term]
        if missing:
            raise ValueError(f"{path}: no row for {missing}; refit with `python -m sim.history.forcefit`")
        self.beta = np.array([float(by_term[t]["estimate"]) for t in terms])
        self.se = np.array([float(by_term[t]["std_error"]) for t in terms])


@functools.cache
def coefficients() -> Coefficients:
    """The shipped fit (`sim/data/force/coefficients.csv`)."""
    text = (resources.files("sim") / "data" / "force" / "coefficients.csv").read_text(encoding="utf-8")
    return Coefficients(list(csv.DictReader(io.StringIO(text))))


@functools.cache
def severity_coefficients() -> Coefficients:
    """The shipped severity logit (`sim/data/force/severity_coefficients.csv`): which uses of force
    reach war, on :data:`SEVERITY_TERMS`."""
    path = "sim/data/force/severity_coefficients.csv"
    text = (resources.files("sim") / "data" / "force" / "severity_coefficients.csv").read_text(encoding="utf-8")
    return Coefficients(list(csv.DictReader(io.StringIO(text))), SEVERITY_TERMS, path)


def severity_covariates(x: np.ndarray, terms: tuple[str, ...] = SEVERITY_TERMS) -> np.ndarray:
    """Z[..., k]: severity term k of `terms` from the hazard's covariates `x` (:func:`covariates`),
    and the derived term `parity` (-|log(power_i / power_j)|)."""
    col = {t: x[..., k] for k, t in enumerate(TERMS)}
    return np.stack([col[t] if t in col else -np.abs(col["log_ratio"]) for t in terms], axis=-1)


def armed_share(x: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """The chance that a use of force by i against j is an armed attack (reaches war), the
    severity logit on the :data:`SEVERITY_TERMS` of the covariates `x`."""
    return 1.0 / (1.0 + np.exp(-(severity_covariates(x) @ beta)))


@functools.lru_cache(maxsize=4)
def _cinc(year: int) -> dict[str, float]:
    """State abbreviation -> CINC in `year` (NMC 7.0), for the members of that year."""
    abb = {r["ccode"]: r["stateabb"] for r in rows_by("cow_state_years", "year").get(year, ())}
    return {abb[r["ccode"]]: float(r["cinc"] or 0.0) for r in rows_by("cow_nmc", "year").get(year, ())
            if r["ccode"] in abb}


@functools.cache
def _terrthreat_table() -> dict[int, dict[str, float]]:
    """Year -> COW code -> latent territorial threat (Miller 2022), the bundled table read once."""
    import gzip

    raw = (resources.files("sim") / "data" / "peacesciencer" / "terrthreat.csv.gz").read_bytes()
    table: dict[int, dict[str, float]] = {}
    for r in csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8"))):
        if r["lterrthreat"]:
            table.setdefault(int(r["year"]), {})[r["ccode"]] = float(r["lterrthreat"])
    return table


@functools.lru_cache(maxsize=4)
def _terrthreat(year: int) -> dict[str, float]:
    """State abbreviation -> latent territorial threat (Miller 2022) in `year` (the last year of the
    data, 2010, for later years)."""
    year = min(year, 2010)
    abb = {r["ccode"]: r["stateabb"] for r in rows_by("cow_state_years", "year").get(year, ())}
    return {abb[c]: v for c, v in _terrthreat_table().get(year, {}).items() if c in abb}


@functools.lru_cache(maxsize=4)
def _disputes(year: int) -> dict[frozenset, int]:
    """{a, b} -> militarised disputes (GML MID 2.2.1, any hostility, held-out rows dropped) the two
    began against each other in the :data:`SHIFT_YEARS` years before `year` (for years after the
    data end, 2010, the last ten years of the data)."""
    end = min(year, 2011)
    abb = _abbreviations()
    seen: dict[frozenset, set] = {}
    by_year = rows_by("gml_mid_dyadyears", "year")
    for y in range(end - SHIFT_YEARS, end):
        for r in by_year.get(y, ()):
            if r["onset"] == "1" and r["world_war"] == "0":
                a, b = abb.get((r["ccode1"], r["year"])), abb.get((r["ccode2"], r["year"]))
                if a is not None and b is not None:
                    seen.setdefault(frozenset((a, b)), set()).add(r["dispnum"])
    return {k: len(v) for k, v in seen.items()}


@functools.cache
def _abbreviations() -> dict[tuple[str, str], str]:
    """(COW code, year) as text -> the state's abbreviation, over every state-year."""
    return {(r["ccode"], r["year"]): r["stateabb"] for r in read_table("cow_state_years")}


def covariates(scenario, world, stake: np.ndarray, pacts=None) -> np.ndarray:
    """X[i, j, k]: term k of :data:`TERMS` for the directed dyad i -> j of a compiled world.

    A world of any year (`cow_YYYY`) reads its year's data: CINC ten years before for the power
    shift, territorial threat, COW major powers, the disputes of the ten years before. Any other world
    has the power shift of the last decade of the capability data (CINC 2006-2016; none for a state
    the data do not name), the territorial threat of the last year of the data
    (2010; 0, the fit's centre, for a state it does not name), the COW major powers of the last year
    of the data and the disputes of its last ten years (2001-2010), states named by their COW
    abbreviations. The year and the COW names are the scenario's
    `world_record`, which the loader reads with the world (never the world's name: a sweep point
    runs on the resolved scenario, whose world is `empty`). `pacts`: the pacts in force (by default
    the world's at the start; a scenario's change of a pact mid-run passes the new ones: :func:`rates`)."""
    n, year = world.n, scenario.world_record.year
    ids = [scenario.world_record.cow_names.get(s, s) for s in world.ids]
    power = np.maximum(np.asarray(world.power, dtype=float), 1e-4)
    lr = np.clip(np.log(power[:, None] / power[None, :]), -RATIO_CLIP, RATIO_CLIP)
    share = power[:, None] / (power[:, None] + power[None, :])
    if year is not None:
        before = _cinc(year - SHIFT_YEARS) if year - SHIFT_YEARS >= 1816 else {}
        old = np.array([before.get(s, math.nan) for s in ids]) * 100.0  # power = 100 x CINC
        shift = share - old[:, None] / (old[:, None] + old[None, :])
    else:  # the last decade of the capability data (NMC 7.0 ends in LAST_YEAR), as for the disputes
        now, before = _cinc(LAST_YEAR), _cinc(LAST_YEAR - SHIFT_YEARS)
        new, old = (np.array([c.get(s, math.nan) for s in ids]) for c in (now, before))
        shift = new[:, None] / (new[:, None] + new[None, :]) - old[:, None] / (old[:, None] + old[None, :])
    shift = np.nan_to_num(shift, nan=0.0)
    tt = _terrthreat(year if year is not None else LAST_YEAR)
    threat = np.array([tt.get(s, 0.0) for s in ids])
    big = majors(min(year or LAST_YEAR, LAST_YEAR))
    major = np.array([s in big for s in ids], dtype=float)
    claim = ((stake > 0) | (stake.T > 0)).astype(float)
    rival = np.zeros((n, n))
    for rel in scenario.relations:
        if rel.intent >= RIVAL_INTENT:
            for i in world.members(rel.from_):
                for j in world.members(rel.to):
                    rival[i, j] = rival[j, i] = 1.0
    defence, other = np.zeros((n, n)), np.zeros((n, n))
    for pact in world.pacts if pacts is None else pacts:
        target = defence if "defence" in pact.obligations else other
        target[np.ix_(pact.members, pact.members)] = 1.0
    other = np.where(defence > 0, 0.0, other)
    # the target's defence-pact partners other than i: their capabilities over i's (Leeds 2003)
    partners = defence.copy()
    np.fill_diagonal(partners, 0.0)
    backing = (partners @ power)[None, :] - partners.T * power[:, None]
    history = _disputes(year if year is not None else LAST_YEAR + 1)
    past = np.zeros((n, n))
    where = {s: k for k, s in enumerate(ids)}
    for pair, count in history.items():
        if len(pair) == 2 and all(s in where for s in pair):
            i, j = (where[s] for s in pair)
            past[i, j] = past[j, i] = math.log1p(count)
    km = np.asarray(world.distance, dtype=float)
    nuclear = np.asarray(world.nuclear, dtype=float)
    ones = np.ones((n, n))
    columns = {
        "const": ones, "log_ratio": lr, "log_ratio_sq": lr * lr,
        "decline": np.maximum(-shift, 0.0), "rise": np.maximum(shift, 0.0),
        "claim": claim, "rivalry_other": rival * (1.0 - claim),
        "terrthreat_i": threat[:, None] * ones, "terrthreat_j": threat[None, :] * ones,
        "log_distance": np.log1p(km / 100.0), "near": (km < NEAR_KM).astype(float),
        "defence_pact": defence, "other_pact": other,
        "target_allies": np.log1p(np.maximum(backing, 0.0) / power[:, None]),
        "major_i": major[:, None] * ones, "major_j": major[None, :] * ones,
        "nuclear_j": nuclear[None, :] * ones, "nuclear_dyad": nuclear[:, None] * nuclear[None, :],
        "past_disputes": past, "major_dyad": major[:, None] * major[None, :],
        "post_1945": ones * float(year is None or year >= LONG_PEACE),
        "post_1989": ones * float(year is None or year >= COLD_WAR_END),
    }
    x = np.stack([columns[t] for t in TERMS], axis=-1)
    idx = np.arange(n)
    x[idx, idx, :] = 0.0
    return x


def rates(scenario, world, stake: np.ndarray, scale: float, pacts=None) -> tuple[np.ndarray, np.ndarray]:
    """(lambda[i, j], uses of force per year scaled by `scale`; a[i, j], the chance one is an armed
    attack) of a world with the pacts `pacts` in force (by default its own at the start)."""
    x = covariates(scenario, world, stake, pacts)
    return -np.log1p(-hazard(x, coefficients().beta)) * scale, armed_share(x, severity_coefficients().beta)


def hazard(x: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """h = logistic(x . beta): the probability per year of a use of force (0 on the diagonal)."""
    h = 1.0 / (1.0 + np.exp(-(x @ beta)))
    if h.ndim == 2:
        np.fill_diagonal(h, 0.0)
    return h


class ForceDraws:
    """One replication's uses of force: a stream of its own and each state's time of its last draw.

    At a decision of i, dt years after its previous one, i uses force against someone with
    probability 1 - exp(-Lambda_i dt), Lambda_i = sum_j lambda_ij (competing risks), and then
    against j with probability lambda_ij / Lambda_i: one uniform per decision, so the draw costs
    the same whatever the number of states (two uses of force by one state within one decision
    interval, of probability (Lambda_i dt)^2 / 2, count as one). A use of force against j is an
    armed attack with probability `armed[i, j]` (:func:`armed_share`; 1 when not given), else an
    incident below war: a second uniform."""

    def __init__(self, rate: np.ndarray, generator: np.random.Generator, armed: np.ndarray | None = None):
        self.rng = generator
        self.set_rate(rate, armed)
        self.last = [0.0] * len(rate)

    def set_rate(self, rate: np.ndarray, armed: np.ndarray | None = None) -> None:
        """Draw with these rates (per year, shared, not mutated) and armed shares from now on."""
        self.rate = rate
        self.armed = np.ones_like(rate) if armed is None else armed
        self.total = rate.sum(axis=1).tolist()

    def draw(self, i: int, now: float) -> list[tuple[int, bool]]:
        """(counterpart, armed attack?) for each use of force by i at this decision (usually none)."""
        dt, self.last[i] = (now - self.last[i]) / 365.0, now
        total = self.total[i]
        if dt <= 0.0 or total <= 0.0 or self.rng.random() >= -math.expm1(-total * dt):
            return []
        row = self.rate[i]
        j = int(np.searchsorted(np.cumsum(row), self.rng.random() * total, side="right"))
        j = j if j < len(row) else int(np.flatnonzero(row > 0.0)[-1])  # past the running sum by rounding
        return [(j, bool(self.rng.random() < self.armed[i, j]))]


def coercion_cap(level: int, new: int, attacked: int) -> int:
    """The posture the choice may take unprovoked: at most coercion (rung 4, mobilisation) when it
    would cross rung 5 without being attacked; a war under way (either side at rung 5 or above)
    escalates freely."""
    if new >= CLASH > level and attacked < CLASH:
        return MOBILISATION
    return new
