"""The world as arrays: states, places, distances and pacts, compiled once from a resolved scenario.

`World` is read-only and shared by every replication; what a replication changes (power,
membership, postures) lives in the engine's own copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.model.ladder import CLASH
from sim.scenario.schema import PactSpec, Scenario

__all__ = ["Place", "Pact", "World", "members_of", "compile_world", "compile_pact", "great_circle_km"]

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Place:
    """Where an attack falls: a homeland or a territory, with its region tags and whose soil it is."""

    name: str
    regions: frozenset[str]
    soil: int
    lat: float = 0.0
    lon: float = 0.0
    personnel: float | None = None
    kind: str = "homeland"


@dataclass(frozen=True)
class Pact:
    """A commitment with member indices and its casus foederis (ids turned into indices).

    `spec` is the validated spec it was compiled from, members included: a change to a pact
    (join, leave, amend) makes a new spec and compiles it again, so the spec and the indices
    never disagree."""

    id: str
    type: str
    clauses: frozenset[str]
    members: list[int]
    reliability: float
    regions: frozenset[str] | None
    soil: frozenset[int] | None
    protects: frozenset[int] | None
    adversaries: frozenset[int] | None
    defensive_only: bool
    consultation_days: tuple[float, float]
    mobilisation_days: tuple[float, float]
    member_reliability: dict[int, float] = field(default_factory=dict)
    leader: int | None = None
    neutrality_only: bool = False
    supporters: frozenset[int] | None = None
    min_attackers: int = 1
    trigger_level: int = CLASH
    alert_mobilisation_days: tuple[float, float] | None = None
    applies_to_war_under_way: bool = True
    spec: PactSpec | None = field(default=None, compare=False, repr=False)

    def reliability_of(self, member: int) -> float:
        """The member's own reliability if the scenario sets one, else the pact's."""
        return self.member_reliability.get(member, self.reliability)

    @property
    def obligations(self) -> frozenset[str]:
        """The pact's type together with its further clauses."""
        return self.clauses | {self.type}


@dataclass
class World:
    """States as parallel arrays (index = position in `ids`) plus places and pacts."""

    ids: list[str]
    index: dict[str, int]
    power: np.ndarray
    offense: np.ndarray
    resolve: np.ndarray
    nuclear: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    distance: np.ndarray
    homelands: list[Place]
    territories: dict[tuple[int, str], Place]
    pacts: list[Pact] = field(default_factory=list)
    warheads: np.ndarray | None = None  # NaN where unknown (sim.model.nuclear)
    second_strike: np.ndarray | None = None  # 1 survivable, 0 not, NaN unknown

    @property
    def n(self) -> int:
        """Number of states."""
        return len(self.ids)

    def place(self, state: int, location: str | None) -> Place:
        """The homeland of `state`, or its territory named `location`."""
        if location is None:
            return self.homelands[state]
        return self.territories[(state, location)]

    def members(self, ref: str) -> list[int]:
        """Indices named by a state id or a pact id (a pact stands for its members)."""
        return members_of(ref, self.index, self.pacts)


def members_of(ref: str, index: dict[str, int], pacts: list[Pact]) -> list[int]:
    """Indices named by a state id, or the members of the pact with that id among `pacts`."""
    if ref in index:
        return [index[ref]]
    for pact in pacts:
        if pact.id == ref:
            return list(pact.members)
    raise KeyError(ref)


def great_circle_km(lat: np.ndarray, lon: np.ndarray, to_lat=None, to_lon=None) -> np.ndarray:
    """Great-circle distances (haversine) in km from each point to each point (or to `to_*`), in degrees."""
    to_lat = lat if to_lat is None else np.asarray(to_lat, dtype=float)
    to_lon = lon if to_lon is None else np.asarray(to_lon, dtype=float)
    phi, lam = np.radians(lat), np.radians(lon)
    phi2, lam2 = np.radians(to_lat), np.radians(to_lon)
    dphi = phi[:, None] - phi2[None, :]
    dlam = lam[:, None] - lam2[None, :]
    a = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi2)[None, :] * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _days(value) -> tuple[float, float]:
    if isinstance(value, (int, float)):
        return (float(value), float(value))
    return (float(value[0]), float(value[1]))


def _indices(ids, index) -> frozenset[int] | None:
    return None if ids is None else frozenset(index[i] for i in ids if i in index)


def compile_pact(pact_id: str, spec: PactSpec, index: dict[str, int], default_reliability: float) -> Pact:
    """Turn a validated pact spec into indices (ids were checked by the loader); a spec without a
    reliability takes `default_reliability` (`parameters.alliances.reliability`)."""
    return Pact(
        id=pact_id,
        type=spec.type,
        clauses=frozenset(spec.clauses),
        members=sorted({index[m] for m in spec.members}),
        reliability=default_reliability if spec.reliability is None else spec.reliability,
        regions=None if spec.regions is None else frozenset(spec.regions),
        soil=_indices(spec.soil, index),
        protects=_indices(spec.protects, index),
        adversaries=_indices(spec.adversaries, index),
        defensive_only=spec.defensive_only,
        consultation_days=_days(spec.consultation_days),
        mobilisation_days=_days(spec.mobilisation_days),
        member_reliability={index[m]: r for m, r in spec.member_reliability.items() if m in index},
        leader=index.get(spec.leader) if spec.leader else None,
        neutrality_only=spec.neutrality_only,
        supporters=_indices(spec.supporters, index),
        min_attackers=spec.min_attackers,
        trigger_level=spec.trigger_level,
        alert_mobilisation_days=None if spec.alert_mobilisation_days is None else _days(spec.alert_mobilisation_days),
        applies_to_war_under_way=spec.applies_to_war_under_way,
        spec=spec,
    )


def compile_world(scenario: Scenario) -> World:
    """Arrays of a resolved scenario's states and pacts (states in the scenario's order)."""
    ids = list(scenario.states)
    index = {s: i for i, s in enumerate(ids)}
    specs = [scenario.states[s] for s in ids]
    column = lambda name, default: np.array(  # noqa: E731
        [getattr(s, name) if getattr(s, name) is not None else default for s in specs], dtype=float
    )
    lat, lon = column("lat", 0.0), column("lon", 0.0)
    homelands = [Place(s, frozenset(spec.regions or ()), i, lat[i], lon[i]) for i, (s, spec) in enumerate(zip(ids, specs))]
    territories = {
        (i, t.name): Place(t.name, frozenset(t.regions), index.get(t.soil, i) if t.soil else i, t.lat, t.lon,
                           t.personnel, t.kind)
        for i, spec in enumerate(specs)
        for t in (spec.territories or ())
    }
    default = scenario.parameters.alliances.reliability
    pacts = [compile_pact(p, spec, index, default) for p, spec in scenario.alliances.items() if spec is not None]
    return World(
        ids=ids, index=index, power=column("power", 0.0), offense=column("offense", 1.0),
        resolve=column("resolve", 0.5), nuclear=column("nuclear", 0.0).astype(bool),
        lat=lat, lon=lon, distance=great_circle_km(lat, lon), homelands=homelands,
        territories=territories, pacts=pacts, warheads=column("warheads", np.nan),
        second_strike=np.array([np.nan if s.second_strike is None else float(s.second_strike) for s in specs]),
    )
