"""The scenario file as pydantic models: structure, ranges and defaults, checked once at the boundary.

Cross-references (state and pact ids) are checked by :mod:`sim.scenario.loading` against the world, so
that an unknown id can be reported with its file, line and the nearest known id.
Every model forbids unknown fields, so a misspelt key is an error rather than a silent default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import Strict as StrictType

from sim.scenario.pactkinds import KIND_NAMES, default_weights, kind

__all__ = [
    "PACT_TYPES", "LEVELS", "MAX_HORIZON_DAYS", "MAX_POWER", "Strict", "Territory", "StateSpec", "PactSpec",
    "Relation", "Perception", "Decision", "AllianceParams", "Motives", "Termination", "Nuclear", "Claim",
    "WorldClaim", "RIVALRY_TYPES", "Parameters",
    "Watch",
    "Action", "ACTIONS", "ACTION_MODELS", "Scenario",
]

if TYPE_CHECKING:
    PactType = str
else:
    PactType = Literal[KIND_NAMES]  # the kinds of sim.scenario.pactkinds, in its order
PACT_TYPES: tuple[str, ...] = KIND_NAMES
LEVELS = ("normal", "rhetoric", "coercion", "signalling", "mobilisation", "armed clash", "war", "nuclear")

Id = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", max_length=40)]
Number = Annotated[float, StrictType()]
"""A float that refuses `true`/`false` (YAML booleans are not numbers); integers are welcome."""
Unit = Annotated[Number, Field(ge=0.0, le=1.0)]
Positive = Annotated[Number, Field(gt=0.0)]
NonNegative = Annotated[Number, Field(ge=0.0)]
Count = Annotated[int, StrictType()]
"""An integer that refuses `true`/`false` and `2.5`."""
Level = Annotated[Count, Field(ge=0, le=7)]
Days = NonNegative | tuple[NonNegative, NonNegative]
MAX_HORIZON_DAYS = 36_525.0


def ranged(low: float, high: float, unit: str, source: str, scope: str = "all worlds") -> dict[str, Any]:
    """A model parameter's entry in the parameter registry, declared on its Field
    (`json_schema_extra`): the range over which results were checked (docs/model.md, "Parameters"),
    its unit, its source and the worlds it acts in. :mod:`sim.scenario.ranges` reads it."""
    return {"range": [low, high], "unit": unit, "source": source, "scope": scope}

"""A century: the longest horizon a scenario may ask for."""
MAX_POWER = 1e6
"""US$ bn: far above any state's military expenditure, far below where sums overflow."""
RIVALRY_STAKE = 1.0
"""Default `motives.rivalry_stake`, fitted: the Poisson deviance of the uses of force among strategic
rivals against the MID record (GML MID 2.2.1) in 1830, 1880, 1925 and 1975 is least at the upper
bound; held out (1855, 1900, 1955, 1995) the model gives 0.050 per rival dyad-year against 0.16 on
record (`alliance-sim peacetime --fit rivalry_stake --reps 20`, sim/history/peacefit.py;
docs/validation.md, "Fitting the rivalry stake")."""


class Strict(BaseModel):
    """Base of every file model: unknown keys are errors, values are validated on assignment,
    and every number is finite (`.inf` and `.nan` are refused where they are read)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True, allow_inf_nan=False)


class Territory(Strict):
    """A place of a state away from its capital (Hawaii, Guam, a base abroad)."""

    name: str
    lat: Annotated[Number, Field(ge=-90, le=90)]
    lon: Annotated[Number, Field(ge=-180, le=180)]
    regions: list[str] = []
    soil: Id | None = Field(None, description="whose soil it stands on (a base names its host); default the owner")
    personnel: NonNegative | None = Field(
        None, description="the owner's uniformed personnel there: how much of its power the place projects "
                          "(sim.model.reach); empty: `perception.unknown_personnel`")
    kind: Literal["territory", "base", "deployment", "naval"] = Field(
        "territory", description="own territory away from the capital, a base abroad, a rotational force, a fleet")


class StateSpec(Strict):
    """A state; in a scenario's `states` every field is optional and overrides the world's value."""

    name: str | None = None
    capital: str | None = None
    lat: Annotated[Number, Field(ge=-90, le=90)] | None = None
    lon: Annotated[Number, Field(ge=-180, le=180)] | None = None
    power: Annotated[Number, Field(ge=0.0, le=MAX_POWER)] | None = Field(None, description="military expenditure, US$ bn")
    offense: Annotated[Number, Field(ge=0.0, le=100.0)] | None = Field(
        None, description="offensive-capability multiplier (1 = neutral)")
    nuclear: bool | None = None
    warheads: Annotated[Number, Field(ge=0.0, le=100_000.0)] | None = Field(
        None, description="nuclear warheads in the stockpile (world: nuclear.csv)")
    second_strike: bool | None = Field(
        None, description="a survivable second-strike force (world: nuclear.csv); unknown for a nuclear state: counted as one")
    regions: list[str] | None = None
    territories: list[Territory] | None = None
    resolve: Unit | None = None


class PactSpec(Strict):
    """A commitment in ATOP vocabulary with its casus foederis (Leeds et al. 2002)."""

    name: str | None = None
    type: PactType = "defence"
    clauses: list[PactType] = Field([], description="further obligations, e.g. NATO's Article 4 consultation")
    members: list[Id] = []
    reliability: Unit | None = Field(
        None, description="probability a member honours, once per war (the bundled world reads it per pact from "
                          "reliability.csv); default parameters.alliances.reliability")
    member_reliability: dict[Id, Unit] = Field(
        {}, description="a member's own probability of honouring, in place of the pact's (Leeds 2003)")
    leader: Id | None = Field(None, description="the member whose choice the others follow; default the most powerful")
    neutrality_only: bool = Field(
        False, description="a guarantee of neutrality: void once the guaranteed state fights by its own choice")
    supporters: list[Id] | None = Field(
        None, description="casus foederis only when one of these supports the attack (fights or mobilises against the member)")
    min_attackers: Annotated[Count, Field(ge=1, le=50)] = Field(
        1, description="casus foederis only when at least this many states are attacking the member")
    trigger_level: Annotated[Count, Field(ge=4, le=5)] = Field(
        5, description="5: an armed attack invokes the pact; 4: the other side's mobilisation against a member already does")
    alert_mobilisation_days: Days | None = Field(
        None,
        description="mobilisation delay of a member already on alert (posture 4+ toward the enemy); default mobilisation_days")
    applies_to_war_under_way: bool = Field(
        True, description="created or joined during a war, the pact is invoked for its members already under attack")
    regions: list[str] | None = Field(None, description="the attacked place must carry one of these region tags")
    soil: list[Id] | None = Field(None, description="or stand on the soil of one of these states")
    protects: list[Id] | None = Field(None, description="only attacks on these members count (asymmetric pacts)")
    adversaries: list[Id] | None = Field(None, description="only attacks by these states count")
    defensive_only: bool = Field(True, description="not invoked when the attacked member struck first")
    consultation_days: Days = Field(description="delay to each member's decision; default the kind's")
    mobilisation_days: Days = Field(description="delay from honouring to forces in the field; default the kind's")
    signed: str | None = None
    source: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _kind_delays(cls, data: Any) -> Any:
        """Delays not given are the pact kind's (sim.scenario.pactkinds); an unknown type is reported
        by its own field, so the defence defaults stand in for it here."""
        if not isinstance(data, dict):
            return data
        name = data.get("type", "defence")
        defaults = kind(name if name in KIND_NAMES else "defence")
        return {"consultation_days": defaults.consultation_days, "mobilisation_days": defaults.mobilisation_days,
                **data}

    @model_validator(mode="after")
    def _one_sided_names_both_sides(self) -> PactSpec:
        if self.type == "guarantee" and (not self.protects or not set(self.members) - set(self.protects)):
            raise ValueError("a guarantee names the guaranteed states in `protects` and at least one other "
                             "member, its guarantor: e.g. members: [GBR, FRA, BEL], protects: [BEL]")
        if self.type == "patron" and (not self.protects or not set(self.members) - set(self.protects)):
            raise ValueError("a patron pact names its client in `protects` and at least one other member, "
                             "its patron: e.g. members: [USA, TWN], protects: [TWN]")
        return self

    @field_validator("consultation_days", "mobilisation_days", "alert_mobilisation_days")
    @classmethod
    def _ordered(cls, value: Days) -> Days:
        if isinstance(value, tuple) and value[0] > value[1]:  # None (alert delay not set) passes
            raise ValueError(f"delay range [{value[0]}, {value[1]}] is reversed: write [low, high]")
        return value


class Relation(Strict):
    """Baseline perceived intent: how hostile `from` believes `to` to be (I[from, to])."""

    from_: Id = Field(alias="from")
    to: Id
    intent: Unit
    mutual: bool = Field(False, description="also set `to`'s view of `from`")


class Perception(Strict):
    """Threat perception: Walt's balance of threat with Boulding's loss-of-strength gradient."""

    distance_half_km: Positive = Field(
        2500.0, description="km at which projected power halves: g(d) = 1 / (1 + (d / d_half)^beta) (Boulding 1962)",
        json_schema_extra=ranged(1000.0, 8000.0, "km", "Boulding 1962 (loss-of-strength gradient)"))
    distance_exponent: Positive = Field(2.0, description="beta, the gradient's steepness")
    default_intent: Unit = Field(0.02, description="baseline perceived intent between non-allies")
    intent_half_life_days: Annotated[Number, Field(ge=1.0)] = Field(
        90.0, description="days for intent to relax half-way to baseline (at least a day: shorter ones underflow)",
        json_schema_extra=ranged(30.0, 365.0, "days", "assumption (docs/model.md, Perceived intent)"))
    escalation_gain: Unit = Field(0.5, description="eta: share of the gap to 1 closed by a level-7 act",
        json_schema_extra=ranged(0.25, 0.75, "share of the gap", "the spiral model (Jervis 1976)"))
    deescalation_gain: Unit = Field(0.25, description="share of the gap to baseline closed by a step down")
    spillover: Unit = Field(0.1, description="weight of an act against a non-ally, times proximity")
    misperception: Annotated[Number, Field(ge=0.0, le=3.0)] = Field(
        0.2, description="sigma of the lognormal noise on observed acts (a move closes at most the whole gap)",
        json_schema_extra=ranged(0.0, 0.6, "sd of log noise", "Jervis 1976 (misperception scatters views)"))
    hostility_bias: Annotated[Number, Field(ge=-1.0, le=1.0)] = Field(
        0.1, description="(Jervis 1976) log factor by which acts are read as more hostile (steps down as less)",
        json_schema_extra=ranged(0.0, 0.5, "log factor", "Jervis 1976"))
    standing_weight: Unit = Field(
        0.3, description="share of the gap to 1 a level-7 act in force adds to the target's baseline (level L: L/7)")
    bloc_aggregation: Unit = Field(
        0.5, description="kappa: what allies add to a bloc member's reach, ranked in the bloc, counts kappa^r for the "
                          "r-th largest (from 0); every member's own capability counts in full (Walt 1987: "
                          "aggregate power; 0 counts allied capability once, 1 through every member)",
        json_schema_extra=ranged(0.0, 1.0, "weight", "Walt 1987 (aggregate power), Yager 1988 (ordered weighted sum); "
                                 "the two ends are the two readings, 0.5 a coding choice between them"))
    perceive_threshold: Unit = Field(
        0.05, description="an act that raises an observer's threat from its author by more than this is logged as "
                          "`perceive` (and answered where it names or encircles)",
        json_schema_extra=ranged(0.02, 0.1, "threat", "coding choice: the smallest rise in threat read as a signal"))
    encirclement: Unit = Field(
        0.25, description="a pact's change that raises an observer's threat from a member past perceive_threshold "
                          "moves its view of every member up, now and as a standing act, by this times the largest "
                          "rise in capability share (of the gap to 1; Walt 1987; Snyder 1984)",
        json_schema_extra=ranged(0.0, 0.5, "share of the gap", "coding choice (the mechanism: Walt 1987, Snyder "
                                 "1984); 0 reads no pact change as encirclement"))
    forward_half_personnel: Positive = Field(
        10_000.0, description="personnel at which a position away from the capital projects half its owner's power")
    unknown_personnel: NonNegative = Field(1_000.0, description="personnel assumed where the data give no figure")
    pact_weights: dict[PactType, Unit] = Field(
        default_factory=default_weights,
        description="how much a pact of each type counts as alignment, times its reliability",
    )


class Decision(Strict):
    """The logit choice on the escalation ladder (McKelvey & Palfrey 1995)."""

    decision_interval_days: Annotated[Number, Field(ge=0.1)] = Field(
        7.0, description="mean of the exponential time between a state's decisions, days (alarms wake it early)")
    temperature: Positive = Field(0.3, description="logit noise: lower is closer to a best response",
        json_schema_extra=ranged(0.1, 0.5, "utility",
                                 "McKelvey & Palfrey 1995 (logit quantal response); a residual, see docs/model.md"))
    precision: Positive = Field(1.0, description="kappa: weight of distance to the desired level",
        json_schema_extra=ranged(0.5, 2.0, "utility per rung squared",
                                 "kappa of the quantal response (McKelvey & Palfrey 1995)"))
    war_cost: NonNegative = Field(
        6.0, description="cost of level 5+ per rung above 4, times the other side's share of the local balance (deterrence)",
        json_schema_extra=ranged(2.0, 12.0, "utility",
                                 "calibrated: weak states do not start wars in calm years (docs/model.md, Decisions)"))
    nuclear_deterrence: NonNegative = Field(
        4.0, description="cost of level 6+ times the nuclear umbrella over the target (by arsenal and patron, docs/model.md "
                         "'Nuclear arsenals')")
    nuclear_taboo: NonNegative = Field(8.0, description="cost of level 7")
    breach_cost: NonNegative = Field(2.0, description="cost of levels 5+ against a co-member, times reliability")
    inertia: NonNegative = Field(1.0, description="cost per rung of changing level (policy inertia, audience costs)",
        json_schema_extra=ranged(0.5, 2.0, "utility per rung", "policy inertia and audience costs (Fearon 1994)"))
    attention: Annotated[Count, Field(ge=1, le=50)] = Field(
        3, description="counterparts weighed per decision (the highest threats, plus standing postures)")
    fitted_force: bool = Field(
        True, description="true (default): unprovoked uses of force come from the hazard fitted on the MID record "
                          "(sim.model.force, sim/data/force) and the posture choice alone stops at coercion (rung 4); "
                          "a fitted share of the uses of force are armed attacks, the rest incidents below war "
                          "(2022 world, two years: an armed attack between two COW major powers in 5.2% of runs, "
                          "docs/model.md); false: the earlier expected-utility rule, under which the choice may cross rung 5")
    force_rate_scale: NonNegative = Field(
        1.0, description="multiplier of the fitted use-of-force hazard (1: as fitted; 0: no unprovoked force)")


class AllianceParams(Strict):
    """How members answer invocations."""

    reliability: Unit = Field(
        0.15, description="reliability of a pact that sets none (the cow_YYYY worlds' ATOP pacts, scenario pacts): "
                          "calibrated on the COW wars, sim/data/calibration. world_2022 reads each pact's from reliability.csv "
                          "(Berkemeier & Fuhrmann 2018: 0.41 for defence pacts)")
    honour_threat_shift: NonNegative = Field(
        2.9, description="logit shift of honouring per unit of a member's threat above the members' mean "
                         "(calibrated: sim/data/calibration)"
    )
    consultation_threat: Unit = Field(
        0.1, description="threat from an attacker times the attack's proximity at which a member asks for consultations"
    )
    consultation_levels: tuple[Level, Level] = Field(
        (1, 3), description="posture range [low, high] the others take toward the attacker after consultations")
    honour_correlation: Unit = Field(
        0.86, description="rho: correlation of members' latent honour decisions in one war (the leader's is the "
                          "pact's shock; calibrated: sim/data/calibration)")
    endogenous: bool = Field(
        False, description="alliances form, grow, weaken and dissolve by themselves (sim.model.alignment); "
                           "false freezes them as the scenario sets them")
    alignment_interval_days: Positive = Field(90.0, description="days between reviews of each state's alignment")
    seek_threat: Unit = Field(0.3, description="threat from X at which a state seeks a pact that opposes X")
    oppose_intent: Unit = Field(0.3, description="a pact opposes X when its members' mean intent toward X reaches this")
    entrapment_weight: NonNegative = Field(
        1.0,
        description="members accept a newcomer when its gain against the common threat exceeds this times its other quarrels")
    dissolve_intent: Unit = Field(
        0.1, description="a defence pact weakens when its members' mean intent toward every outsider is below this")
    bandwagon_power: Unit = Field(
        0.05, description="a threatened state with less than this share of X's power, and no strong ally, bandwagons")

    @field_validator("consultation_levels")
    @classmethod
    def _levels_ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        if value[0] > value[1]:
            raise ValueError(f"levels [{value[0]}, {value[1]}] are reversed: write [low, high]")
        return value


class Motives(Strict):
    """Stakes, expected utility of war and preemption (docs/model.md, "Motives, war and its end").

    Bueno de Mesquita (1981) The War Trap; Fearon (1995) Rationalist explanations for war;
    Blainey (1973) The Causes of War; Schelling (1960) The Strategy of Conflict, ch. 9;
    Van Evera (1984) The cult of the offensive; Jervis (1989) The Meaning of the Nuclear Revolution.
    Every value is finite and within the bounds below (docs/model.md, "Parameters": valid bounds are
    wider than the ranges tested; they keep sums and powers far from overflow).
    """

    stake_weight: Annotated[Number, Field(ge=0.0, le=100.0)] = Field(
        6.0, description="V: utility of a whole stake won for certain (default = war_cost)",
        json_schema_extra=ranged(0.0, 8.0, "utility", "Bueno de Mesquita 1981"))
    csf_exponent: Annotated[Number, Field(gt=0.0, le=10.0)] = Field(
        1.0, description="k of the contest success function A^k/(A^k+(delta B)^k)",
        json_schema_extra=ranged(0.5, 2.0, "exponent", "Hirshleifer 1989 (ratio form at 1)"))
    optimism: Annotated[Number, Field(ge=0.0, le=10.0)] = Field(
        0.3, description="Blainey's bias: logit shift of one's own chance of prevailing",
        json_schema_extra=ranged(0.0, 1.0, "logit", "Blainey 1973"))
    pressure: Annotated[Number, Field(ge=0.0, le=4.0)] = Field(
        3.0, description="desired level per unit of stake: a claim is pressed by coercion",
        json_schema_extra=ranged(0.0, 4.0, "levels per unit of stake", "Schelling 1966"))
    odb: Unit = Field(0.2, description="offence-defence balance: 0 defence dominant (3:1 rule), 1 offence dominant",
        json_schema_extra=ranged(0.0, 0.3, "share", "Van Evera 1984, 1998 (defence dominance in the nuclear era)"))
    first_strike: Annotated[Number, Field(ge=0.0, le=100.0)] = Field(
        10.0, description="value of striking first at odb 1 against a mobilised opponent",
        json_schema_extra=ranged(0.0, 12.0, "utility", "Schelling 1960 ch. 9"))
    war_fixed_cost: Annotated[Number, Field(ge=0.0, le=100.0)] = Field(
        4.0, description="cost of levels 5+ that does not depend on the balance (Fearon 1995's c)",
        json_schema_extra=ranged(3.0, 8.0, "utility", "Fearon 1995"))
    nuclear_shadow: Unit = Field(0.7, description="share of the chance of imposing a claim lost against a nuclear umbrella",
        json_schema_extra=ranged(0.5, 1.0, "share", "Jervis 1989"))
    world_claims: bool = Field(
        True, description="read the world's claims: its claims.csv, or a cow_YYYY world's rivalry claims "
                          "(a scenario's `claims` override them)")
    rivalry_stake: Unit = Field(
        RIVALRY_STAKE, description="cow_YYYY worlds: stake of each side's claim in a spatial (territorial) "
                                   "Thompson & Dreyer rivalry (fitted on peacetime MIDs)",
        json_schema_extra=ranged(0.0, 1.0, "stake",
                                 "fitted on peacetime MID rates among rivals (docs/validation.md)", scope="year worlds"))
    positional_stake: Unit = Field(
        0.0, description="cow_YYYY worlds: stake of each side's claim in a positional, not spatial, rivalry (0: none)",
        json_schema_extra=ranged(0.0, 1.0, "stake",
                                 "coding choice (docs/model.md, Claims of the worlds of any year)", scope="year worlds"))


class Termination(Strict):
    """War termination as bargaining while fighting (Filson & Werner 2002; Slantchev
    2003; Reiter 2009): fortunes follow the balance of forces, wars end when continuing is worth
    less than stopping."""

    step_days: Annotated[Number, Field(ge=0.1, le=90.0)] = Field(7.0, description="days between a war's reckonings")
    rate: Annotated[Number, Field(gt=0.0, le=1.0)] = Field(
        1 / 365, description="per day (1/365): speed at which fortunes move to the balance of forces")
    sd: Annotated[Number, Field(ge=0.0, le=1.0)] = Field(
        0.005, description="battle noise per sqrt(day) (stationary sd about 0.07)")
    burden: Annotated[Number, Field(gt=0.0, le=100.0)] = Field(
        0.1, description="cost of war per year, in stake units, to each side (fitted with mutual_optimism on "
                         "the COW war durations)",
        json_schema_extra=ranged(0.05, 0.3, "stake per year", "Fearon 1995; fitted on COW war durations; "
                                 "from 0.4 up the 2022 baseline's Russia-Ukraine war ends at its first reckoning in every run"))
    horizon_days: Annotated[Number, Field(gt=0.0, le=MAX_HORIZON_DAYS)] = Field(
        180.0, description="days a side looks ahead when weighing continuing")
    learning_days: Annotated[Number, Field(ge=1.0, le=MAX_HORIZON_DAYS)] = Field(
        180.0, description="e-folding days of optimism spent by fighting",
        json_schema_extra=ranged(30.0, 730.0, "days", "Filson & Werner 2002"))
    mutual_optimism: Annotated[Number, Field(ge=0.0, le=30.0)] = Field(
        12.0, description="each side's mean optimism about its own chances at a war's start (logit shift, drawn "
                          "exponential), spent by fighting over learning_days; a settlement needs the two estimates "
                          "to meet (fitted on COW war durations: docs/validation.md, 'War durations')",
        json_schema_extra=ranged(2.0, 12.0, "logit", "Fearon 1995, Slantchev 2004 (mutual optimism); fitted on COW war "
                                 "durations over a grid of 2 - 12, the default at its top"))
    capitulation: Annotated[Number, Field(gt=0.0, le=1.0)] = Field(
        0.9, description="attacker's gain at which the defender gives in (1 - this: the attacker gives up its bid)",
        json_schema_extra=ranged(0.6, 1.0, "share of the stake", "Reiter 2009"))
    exhaustion: Annotated[Number, Field(gt=0.0, le=100.0)] = Field(
        1.0, description="accumulated cost, in units of the stake, at which a side stops")
    security_stake: Unit = Field(0.3, description="the stake of a war no claim explains (entries, preemption)")
    truce_level: Annotated[Count, Field(ge=0, le=4)] = Field(3, description="both postures after a war ends")


class Nuclear(Strict):
    """The nuclear shadow by arsenal (docs/model.md, "Nuclear arsenals"): Waltz (1981); Snyder (1965)
    and Jervis (1984, 1989) on the stability-instability paradox; Huth (1988) and Danilovic (2001) on
    extended deterrence."""

    small_arsenal: Unit = Field(
        0.5, description="deterrent of an arsenal without a survivable second strike, as W grows large",
        json_schema_extra=ranged(0.25, 1.0, "share", "Waltz 1981 (1: any arsenal deters fully); assumption"))
    warheads_half: Annotated[Number, Field(gt=0.0, le=100_000.0)] = Field(
        50.0, description="warheads at which an arsenal without second strike has half of `small_arsenal`",
        json_schema_extra=ranged(10.0, 200.0, "warheads", "assumption"))
    retaliation: Annotated[Number, Field(ge=0.0, le=100.0)] = Field(
        12.0, description="cost of nuclear use (level 7) against a deterrent of 1: the expected retaliation",
        json_schema_extra=ranged(6.0, 24.0, "utility", "assumption: above the whole cost of level 6"))
    desperation: Unit = Field(
        0.8, description="share of the nuclear costs a state losing a war forgoes as its loss nears capitulation",
        json_schema_extra=ranged(0.0, 1.0, "share", "assumption (docs/model.md, Nuclear arsenals)"))


JOINING_TERMS = 18
"""Terms of the joining equation: const and the 17 covariates of `sim.model.joining.COVARIATES`."""


class JoiningParams(Strict):
    """The fitted joining decision (sim.model.joining; docs/model.md, "Joining")."""

    enabled: bool = Field(
        True, description="each state takes, for each side of each war under way, a joining decision with the "
                          "hazard of the fitted equation (sim/data/joining/coefficients.csv); false: the route of "
                          "draws, where an invoked pact's members draw their answers (honour reliability)")
    interval_days: Annotated[Number, Field(ge=1.0, le=365.0)] = Field(
        30.0, description="days between joining decisions after the first, which is taken on the day a war is first seen")
    coefficients: list[Annotated[Number, Field(ge=-100.0, le=100.0)]] | None = Field(
        None, min_length=JOINING_TERMS, max_length=JOINING_TERMS,
        description="the equation's coefficients, const first, in the order of sim.model.joining.COVARIATES "
                    "(default: the shipped fit; the validation passes each war's leave-one-out refit)")
    entry_first_day_share: Annotated[Number, Field(ge=0.0, le=1.0)] = Field(
        0.4392523364, description="share of entries on the war's first day, taken by the decision when a war begins "
                                  "(47 of the 107 joinings of the COW wars, day-level dates, s.e. 0.048: "
                                  "sim/data/joining/entry_delay.csv, python -m sim.history.entrydelay refit)")
    entry_delay_shape: Annotated[Number, Field(ge=0.1, le=10.0)] = Field(
        0.7377650256, description="Weibull shape of the delays of the entries after the war's first day (1: "
                                  "exponential; below 1: more short and more long delays; the maximum-likelihood "
                                  "fit to the 60 later joinings, s.e. 0.072: sim/data/joining/entry_delay.csv)")
    entry_mean_days: Annotated[Number, Field(ge=1.0, le=MAX_HORIZON_DAYS)] = Field(
        172.0712296, description="mean delay of the entries after the war's first day, days (the Weibull's mean; "
                                 "maximum-likelihood fit to the 60 later joinings of the COW wars, day-level dates, "
                                 "s.e. 30.4: sim/data/joining/entry_delay.csv, python -m sim.history.entrydelay "
                                 "refit)")


class Answers(Strict):
    """Answers in peacetime of a named or encircled state (`sim.model.answers`)."""

    probability: Unit = Field(0.5, description="chance that a named or encircled state answers")
    delay_days: tuple[NonNegative, NonNegative] = Field((7.0, 60.0), description="days before the answer (uniform)")
    counter_strength: Unit = Field(0.2, description="strength of a counter-naming (as `name_threat`)")
    arms_rate: Annotated[Number, Field(ge=0.0, le=1.0)] = Field(
        0.07, description="rise of military expenditure of an arms increase (China's 2023 budget: +7.2%)")


class Parameters(Strict):
    perception: Perception = Perception()
    decision: Decision = Decision()
    alliances: AllianceParams = AllianceParams()
    motives: Motives = Motives()
    termination: Termination = Termination()
    nuclear: Nuclear = Nuclear()
    joining: JoiningParams = JoiningParams()
    answers: Answers = Answers()


def _not_self(claim: Any) -> Any:
    if claim.claimant == claim.target:
        raise ValueError(f"'{claim.claimant}' claims itself: a claim names another state as its target")
    return claim


class Claim(Strict):
    """What `claimant` claims from `target`, valued in [0, 1] (value 0 removes a world claim)."""

    claimant: Id
    target: Id
    value: Unit
    object: str | None = None

    _not_self = model_validator(mode="after")(_not_self)


RIVALRY_TYPES = ("spatial", "positional")
"""Thompson & Dreyer rivalry types that give a `cow_YYYY` world's claims (`sim.scenario.yearworld.RIVALRY_CLAIMS`)."""


class WorldClaim(Strict):
    """A claim of the world, as the loader read it (a world's claims.csv, or a `cow_YYYY` world's
    rivalries) and a resolved scenario carries it: a fixed `value`, or the `rivalry` type whose
    stake parameter (`parameters.motives.rivalry_stake`, `positional_stake`) values it at set-up."""

    claimant: Id
    target: Id
    value: Unit | None = Field(None, description="the stake (a claims.csv's `stake_value`)")
    rivalry: Literal[RIVALRY_TYPES] | None = Field(  # type: ignore[valid-type]
        None, description="cow_YYYY worlds: the rivalry type whose `parameters.motives` stake values the claim")
    object: str | None = None
    source: str | None = None

    _not_self = model_validator(mode="after")(_not_self)

    @model_validator(mode="after")
    def _one_stake(self) -> WorldClaim:
        if (self.value is None) == (self.rivalry is None):
            raise ValueError("give either a value (0-1) or a rivalry type (spatial, positional), not both or neither")
        return self


class Watch(Strict):
    dyads: list[tuple[Id, Id]] = []
    states: list[Id] = []


class _Act(Strict):
    """A timeline action. `refs` declares what each id-bearing field names, for the loader's checks
    (:mod:`sim.scenario.loading`): ``state``, ``party`` (a state or a pact standing for its members),
    ``pact`` (one that exists on the action's day), ``new_pact`` (one not yet existing), ``pact_spec``
    (a whole pact), ``pact_changes`` (pact fields), ``territory`` (of the target) or ``position`` (one of the
    actor's, or a new one with lat and lon, and its host). Its effect is
    registered in :mod:`sim.model.actions`; its row in docs/scenarios.md is held by a test."""

    refs: ClassVar[dict[str, str]] = {}
    at: NonNegative = Field(description="day of the action")
    note: str | None = None


class _Dyadic(_Act):
    """An action of one state toward another: never toward itself."""

    @model_validator(mode="after")
    def _not_itself(self):
        actor, target = getattr(self, "actor", None), getattr(self, "target", None)
        if actor is not None and actor == target:
            raise ValueError(f"'{actor}' is both actor and target: an action is toward another state")
        return self


class AttackAction(_Dyadic):
    do: Literal["attack"]
    refs: ClassVar[dict[str, str]] = {"actor": "party", "target": "party", "location": "territory"}
    actor: Id
    target: Id
    level: Annotated[Count, Field(ge=5, le=7)] = 5
    location: str | None = Field(None, description="a territory of the target; default its homeland")
    hold_days: Annotated[Number, Field(ge=0.0, le=MAX_HORIZON_DAYS)] = Field(
        0.0, description="days during which the war this attack opens does not end by bargaining "
                         "(sim.model.termination); the states may still stand down by their own decisions")


class PostureAction(_Dyadic):
    do: Literal["posture"]
    refs: ClassVar[dict[str, str]] = {"actor": "party", "target": "party"}
    actor: Id
    target: Id
    level: Level
    mutual: bool = False


class NameThreatAction(_Dyadic):
    do: Literal["name_threat"]
    refs: ClassVar[dict[str, str]] = {"actor": "party", "target": "party"}
    actor: Id
    target: Id
    strength: Unit = 0.3


class JoinAllianceAction(_Act):
    do: Literal["join_alliance"]
    refs: ClassVar[dict[str, str]] = {"actor": "state", "pact": "pact"}
    actor: Id
    pact: Id


class LeaveAllianceAction(_Act):
    do: Literal["leave_alliance"]
    refs: ClassVar[dict[str, str]] = {"actor": "state", "pact": "pact"}
    actor: Id
    pact: Id


class CreateAllianceAction(_Act):
    do: Literal["create_alliance"]
    refs: ClassVar[dict[str, str]] = {"pact": "new_pact", "alliance": "pact_spec"}
    pact: Id
    alliance: PactSpec


class AmendAllianceAction(_Act):
    do: Literal["amend_alliance"]
    refs: ClassVar[dict[str, str]] = {"pact": "pact", "set": "pact_changes"}
    pact: Id
    set: dict[str, Any]

    @model_validator(mode="after")
    def _known_fields(self) -> AmendAllianceAction:
        unknown = sorted(set(self.set) - set(PactSpec.model_fields))
        if unknown:
            raise ValueError(f"unknown pact field(s) {unknown}; known: {sorted(PactSpec.model_fields)}")
        return self


class ScalePowerAction(_Act):
    do: Literal["scale_power"]
    refs: ClassVar[dict[str, str]] = {"actor": "state"}
    actor: Id
    power: Annotated[Number, Field(gt=0.0, le=100.0)] = Field(1.0, description="factor on military expenditure")
    offense: Annotated[Number, Field(gt=0.0, le=100.0)] = Field(1.0, description="factor on the offense multiplier")
    over_days: NonNegative = Field(0.0, description="spread the change over this many days")
    steps: Annotated[Count, Field(ge=1, le=365)] = 12


class SetIntentAction(_Dyadic):
    do: Literal["set_intent"]
    refs: ClassVar[dict[str, str]] = {"actor": "party", "target": "party"}
    actor: Id = Field(description="the observer")
    target: Id
    intent: Unit
    baseline: bool = Field(False, description="also move the baseline it relaxes to")
    mutual: bool = False


class DeployAction(_Act):
    """Station forces of `actor` at a place (a new position, or more personnel at a known one)."""

    do: Literal["deploy"]
    refs: ClassVar[dict[str, str]] = {"actor": "state", "location": "position"}
    actor: Id
    location: str = Field(description="the position's name (a known one adds personnel)")
    personnel: Positive
    lat: Annotated[Number, Field(ge=-90, le=90)] | None = Field(None, description="for a new position")
    lon: Annotated[Number, Field(ge=-180, le=180)] | None = Field(None, description="for a new position")
    host: Id | None = Field(None, description="whose soil it stands on (a new position; default the actor)")
    regions: list[str] = []

    @model_validator(mode="after")
    def _both_coordinates(self) -> DeployAction:
        if (self.lat is None) != (self.lon is None):
            given, missing = ("lat", "lon") if self.lon is None else ("lon", "lat")
            raise ValueError(f"'{given}' without '{missing}': a new position needs both (a known one neither)")
        return self


class WithdrawAction(_Act):
    """Withdraw forces of `actor` from a position (all of them unless `personnel` is given)."""

    do: Literal["withdraw"]
    refs: ClassVar[dict[str, str]] = {"actor": "state", "location": "position"}
    actor: Id
    location: str
    personnel: Positive | None = Field(None, description="how many; default all")


class CeasefireAction(_Dyadic):
    do: Literal["ceasefire"]
    refs: ClassVar[dict[str, str]] = {"actor": "party", "target": "party"}
    actor: Id
    target: Id
    level: Annotated[Count, Field(ge=0, le=4)] = 3


Action = Annotated[
    AttackAction | PostureAction | NameThreatAction | JoinAllianceAction | LeaveAllianceAction
    | CreateAllianceAction | AmendAllianceAction | ScalePowerAction | SetIntentAction | CeasefireAction
    | DeployAction | WithdrawAction,
    Field(discriminator="do"),
]
ACTION_MODELS: dict[str, type[_Act]] = {
    get_args(model.model_fields["do"].annotation)[0]: model for model in get_args(get_args(Action)[0])
}
ACTIONS: tuple[str, ...] = tuple(ACTION_MODELS)


class WorldRecord(Strict):
    """What a world says of its states' place in the historical record, read by the loader with the
    rest of the world and carried in the resolved scenario (so a sweep point, which reloads the
    resolved scenario on `world: empty`, keeps it): the fitted rules' covariates read it."""

    year: int | None = Field(None, description="the year of the record the world stands for (a `cow_YYYY` world's "
                                               "YYYY); none: the last years of the data")
    date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = Field(
        None, description="the day of the record the world stands for (ISO, within `year`), where known: a "
                          "validation's war world is its war's first day; none: the year's (land contiguity "
                          "is read on this day)")
    cow_names: dict[Id, str] = Field({}, description="state id -> its Correlates of War abbreviation, where the id "
                                                    "is not one (a world's aliases.csv, kind `COW abbreviation`)")

    @model_validator(mode="after")
    def _a_real_day_of_its_year(self) -> WorldRecord:
        if self.date is not None:
            import datetime as dt

            try:
                day = dt.date.fromisoformat(self.date)
            except ValueError:
                raise ValueError(f"date {self.date!r} is not a day of the calendar: write YYYY-MM-DD, "
                                 "e.g. 1950-06-25") from None
            if self.year is not None and day.year != self.year:
                raise ValueError(f"date {self.date} is not in the record's year {self.year}: "
                                 "give a day of that year, or change `year`")
        return self


class Scenario(Strict):
    """A resolved scenario: after loading, `states` and `alliances` hold the whole world."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=100)]
    description: str = ""
    extends: str | None = None
    inherit_timeline: bool = Field(True, description="with `extends`: add this timeline to the parent's (false: replace it)")
    world: str = "world_2022"
    horizon_days: Annotated[Number, Field(gt=0.0, le=MAX_HORIZON_DAYS)] = 730.0
    replications: Annotated[Count, Field(ge=1, le=10_000_000)] = 100
    seed: Annotated[Count, Field(ge=0)] = 0
    record_every_days: Positive = 7.0
    states: dict[Id, StateSpec] = {}
    alliances: dict[Id, PactSpec | None] = {}
    relations: list[Relation] = []
    claims: list[Claim] = []
    world_claims: list[WorldClaim] = Field(
        [], description="the world's claims, read by the loader with the rest of the world (the scenario's "
                        "`claims` override them pair by pair; `parameters.motives.world_claims: false` ignores them)")
    world_record: WorldRecord = Field(WorldRecord(), description="the world's year and its states' COW names, read by "
                                                                   "the loader with the rest of the world")
    parameters: Parameters = Parameters()
    timeline: list[Action] = []
    watch: Watch = Watch()
