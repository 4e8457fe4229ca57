"""The pact kinds: one table of every obligation a pact can carry, read by the schema, the model and the docs.

Kinds in ATOP vocabulary (Leeds, Ritter, Mitchell & Long 2002, "Alliance Treaty Obligations and
Provisions", International Interactions 28): defence, offence, neutrality, non-aggression and
consultation obligations, two looser forms of alignment (dialogue, partnership) and two one-sided
commitments (patron, guarantee: `sim.model.commitments`). Each kind says
once how much it counts as alignment, who may invoke it, whether it bonds its members (a breach cost
for fighting a co-member) or pacifies them, and its default delays. Adding a kind is one `PactKind`
here plus its line in the test that enumerates :data:`PACT_KINDS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["PactKind", "PACT_KINDS", "KIND_NAMES", "INVOKERS", "kind", "invoked_by", "default_weights", "markdown_table"]

Invoker = Literal["attacked", "attacker", "threatened"]
INVOKERS: tuple[Invoker, ...] = ("attacked", "attacker", "threatened")


@dataclass(frozen=True)
class PactKind:
    """One obligation: its alignment weight, who invokes it, what it does to members' relations.

    `invoked` names the member that invokes the obligation on an armed attack: the attacked member
    (defence: the others answer with arms against the attacker), the attacking member (offence: the
    others join its attack) or a member threatened by an attack nearby (consultation: the others
    raise their posture toward the attacker); None for a kind nobody invokes.
    """

    name: str
    weight: float
    invoked: Invoker | None
    bonding: bool
    pacifying: bool
    meaning: str
    consultation_days: tuple[float, float] = (1.0, 7.0)
    mobilisation_days: tuple[float, float] = (7.0, 30.0)
    mutual: bool = True

    @property
    def armed(self) -> bool:
        """Invoked by an armed attack and answered with arms by every member for every other (not a
        one-sided promise: `mutual`): members' intent toward each other is 0."""
        return self.invoked in ("attacked", "attacker") and self.mutual

    @property
    def fights(self) -> bool:
        """Answered with arms when invoked (mutual or one-sided): its members count in a coalition."""
        return self.invoked in ("attacked", "attacker")


PACT_KINDS: tuple[PactKind, ...] = (
    PactKind("defence", 1.0, "attacked", True, False, "members defend the attacked member (NATO Art. 5)"),
    PactKind("offence", 1.0, "attacker", True, False, "members join the attacking member's war"),
    PactKind("neutrality", 0.0, None, True, True, "members stay out of each other's wars"),
    PactKind("non_aggression", 0.0, None, True, True, "members do not attack each other"),
    PactKind("consultation", 0.3, "threatened", True, False,
             "a threatened member asks the others to consult; they raise their posture (NATO Art. 4)"),
    PactKind("dialogue", 0.15, None, False, False, "a forum of aligned states (the Quad)"),
    PactKind("partnership", 0.2, None, False, False, "arms and support short of a commitment (AUKUS)"),
    PactKind("patron", 0.5, "attacked", False, False,
             "one-sided: the patron alone decides whether to defend its client (the Taiwan Relations Act)", mutual=False),
    PactKind("guarantee", 0.5, "attacked", False, False,
             "one-sided: guarantors defend the guaranteed states in `protects` (Belgium 1839)", mutual=False),
)
KIND_NAMES: tuple[str, ...] = tuple(k.name for k in PACT_KINDS)
_BY_NAME = {k.name: k for k in PACT_KINDS}


def kind(name: str) -> PactKind:
    """The kind named `name` (a KeyError names the known kinds)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown pact kind {name!r}; known: {', '.join(KIND_NAMES)}") from None


def invoked_by(invoker: Invoker) -> tuple[str, ...]:
    """The kinds that `invoker` invokes, in table order (a stable order for the random streams)."""
    return tuple(k.name for k in PACT_KINDS if k.invoked == invoker)


def default_weights() -> dict[str, float]:
    """`parameters.perception.pact_weights` by default: each kind's weight."""
    return {k.name: k.weight for k in PACT_KINDS}


def markdown_table() -> str:
    """The table of pact kinds in docs/scenarios.md (a test holds the docs to it)."""
    lines = ["| kind | weight | invoked by | bonds | pacifies | meaning |", "| --- | --- | --- | --- | --- | --- |"]
    for k in PACT_KINDS:
        flags = ["yes" if flag else "no" for flag in (k.bonding, k.pacifying)]
        invoker = f"the {k.invoked} member" if k.invoked else "nobody"
        lines.append(f"| `{k.name}` | {k.weight:g} | {invoker} | {flags[0]} | {flags[1]} | {k.meaning} |")
    return "\n".join(lines) + "\n"
