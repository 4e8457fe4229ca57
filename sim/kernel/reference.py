"""The compiled kernel (`sim.kernel._kernel`) in plain Python: the readable definition of a state's
decision, of every state's observation of an act, of tension, and of the numbers of a joining decision.

The kernel must give exactly what these give: `tests/test_kernel.py` checks it bit for bit, on
random inputs and on whole replications of shipped scenarios. They are not used to simulate (a
replication takes many times longer with them), but they have the kernel's signatures, so a
replication can be run on them (see the tests). Intent is read as
I = baseline + D e^(-rate (t - epoch)) (see `sim.engine.intent.Intent`).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from sim.model.decision import choose, desired_level
from sim.model.force import ForceDraws, coercion_cap
from sim.model.ladder import CLASH, MOBILISATION, TOP

__all__ = ["RESCALE", "decay", "tension_of", "tension_terms", "split_sources", "format_lines", "join_entries", "Decider",
           "Observer"]

RESCALE = 300.0  # e-foldings since the epoch past which D and strengths move to a new epoch


def decay(dev, strength, epoch, neg_rate: float, t: float) -> float:
    """e^(neg_rate (t - epoch)), after rescaling D and strengths to the epoch t (in place) when
    that factor would be below e^-RESCALE."""
    x = neg_rate * (t - epoch[0].item())
    if x >= -RESCALE:
        return math.exp(x)
    e = math.exp(x)
    dev *= e
    strength *= e
    epoch[0] = t
    return 1.0


def tension_of(intent, share, alone, bloc, aggregation: float, floor: float, t: float, out) -> None:
    """Every state's tension at time t in `out`: tau_i = 1 - prod_j f_ij exp(-H_i),
    u_ij = max(I_ij - floor, 0) / (1 - floor), x_ij = u_ij share_ij, y_ij = min(u_ij alone_ij, x_ij);
    f_ij = 1 - x_ij for a state that is its own bloc, 1 - y_ij for a member of a larger bloc, whose
    extra e_ij = -log(1 - x_ij) + log(1 - y_ij) enters H_i ranked in its bloc by decreasing size,
    the r-th (from 0) weighted aggregation^r (`sim.model.perception.terms`)."""
    n = len(out)
    if not (share.shape == alone.shape == intent.baseline.shape == (n, n) and len(bloc) == n):
        raise ValueError("tension_of: n x n matrices and n-vectors expected")
    e = decay(intent.dev, intent.strength, intent.epoch, -intent.rate, t)
    base, dev, shares, owns = intent.baseline.tolist(), intent.dev.tolist(), share.tolist(), alone.tolist()
    blocs, scale = [int(b) for b in bloc.tolist()], 1.0 - floor
    size = [0] * n
    for b in blocs:
        size[b] += 1
    for i in range(n):
        product, extra = 1.0, []
        for j in range(n):
            u = base[i][j] + dev[i][j] * e - floor
            if not u > 0.0:  # no intent above the floor (and no 0 / 0 when the floor is 1)
                continue
            u = u / scale
            x = u * shares[i][j]
            if size[blocs[j]] == 1:
                product = product * (1.0 - x)
                continue
            y = min(u * owns[i][j], x)
            product = product * (1.0 - y)
            if x > y:  # what its allies add to its reach: ranked in its bloc
                extra.append((blocs[j], -(math.inf if x >= 1.0 else math.log1p((x - y) / (1.0 - x))), j))
        total, w, previous = 0.0, 0.0, -1
        for b, minus, _ in sorted(extra):
            w = 1.0 if b != previous else w * aggregation
            previous = b
            if w > 0.0:
                total = total + w * -minus
        out[i] = 1.0 - product * math.exp(-total)


def tension_terms(intent, share, alone, bloc, aggregation: float, floor: float, t: float, rows, out, now) -> None:
    """Each source's term of the tension of the states `rows` at time t, in `out` (len(rows) x n):
    out[k, j] = -log1p(-y_ij) (0 at y_ij = 0, inf at y_ij >= 1) + w_ij e_ij for i = rows[k], with
    `tension_of`'s y_ij (x_ij for a state that is its own bloc) and extras e_ij = log1p((x_ij - y_ij)
    / (1 - x_ij)) (inf where x_ij >= 1), w_ij = aggregation^r for the r-th extra of j's bloc by
    decreasing size (the lower index first among equals; 0 without an extra), so that
    tau_i = 1 - exp(-sum_j out[k, j]) to rounding (what splits tension by source,
    `sim.model.attribution`); and intent now[k, j] = I_ij(t) (len(rows) x n)."""
    n = len(bloc)
    if not (share.shape == alone.shape == intent.baseline.shape == (n, n) and out.shape == now.shape == (len(rows), n)):
        raise ValueError("tension_terms: n x n matrices, n-vectors and len(rows) x n out and now expected")
    if any(not 0 <= int(i) < n for i in rows):
        raise ValueError("tension_terms: rows must be in 0..n-1")
    if n == 0 or len(rows) == 0:
        return
    e = decay(intent.dev, intent.strength, intent.epoch, -intent.rate, t)
    blocs, scale = [int(b) for b in bloc.tolist()], 1.0 - floor
    size = [0] * n
    for b in blocs:
        size[b] += 1
    for k, i in enumerate(int(r) for r in rows):
        base, dev, shares, owns = (m[i].tolist() for m in (intent.baseline, intent.dev, share, alone))
        terms, extra = [0.0] * n, []
        for j in range(n):
            now[k, j] = base[j] + dev[j] * e
            u = base[j] + dev[j] * e - floor
            u = u / scale if u > 0.0 else 0.0
            x = u * shares[j]
            y = x if size[blocs[j]] == 1 else min(u * owns[j], x)
            terms[j] = 0.0 if y == 0.0 else math.inf if y >= 1.0 else -math.log1p(-y)  # inf: a sure threat
            if x > y:
                extra.append((blocs[j], -(math.inf if x >= 1.0 else math.log1p((x - y) / (1.0 - x))), j))
        w, previous = 0.0, -1
        for b, minus, j in sorted(extra):
            w = 1.0 if b != previous else w * aggregation
            previous = b
            if w > 0.0:
                terms[j] = terms[j] + w * -minus
        out[k, :] = terms


def split_sources(tau, log, now, base, struct, share, share0, floor: float, min_source: float, min_part: float):
    """The parts of tau[k][r] (sample k, observer row r; lists of each sample's arrays) kept for
    sources.csv, as (sample, row,
    source, component, value) arrays (int64, and float for the values) in the table's order:
    sample by sample, row by row, sources by decreasing part (the lower index first among equals)
    with `other` (source n) last, components in order (`sim.model.attribution.COMPONENTS`).

    Cell by cell, what `sim.model.attribution.table` computes with whole arrays: source j's part is
    tau's share in proportion to its term log[k, r, j] (`tension_terms`; a sure threat, an
    infinite term, takes it all with the others), split by component in proportion to the terms of
    x_ij = u(now) share; u = (I - floor)+ / (1 - floor) of intent `now` (k: r x n), of its baseline
    in force `base` (k: r x n) and of its structural baseline `struct` (r x n); `share0` the shares
    without the observer's allies (r x n). Sources under `min_source` of tau, and components
    under `min_part` of it, are summed in `other`; parts that are 0 are left out."""
    (K, (R, n)) = len(log), struct.shape
    if not (len(tau) == len(now) == len(base) == K and share.shape == share0.shape == (R, n)
            and all(a.shape == (R,) for a in tau) and all(a.shape == (R, n) for m in (log, now, base) for a in m)):
        raise ValueError("split_sources: K samples of r tau and r x n intent, and r x n shares expected")
    lines: list[tuple[int, int, int, int, float]] = []

    def excess(value: float) -> float:
        value = value - floor
        return value / (1.0 - floor) if value > 0.0 else 0.0

    for k in range(K):
        for r in range(R):
            t, terms = tau[k][r].item(), log[k][r].tolist()
            if any(math.isinf(v) for v in terms):
                terms = [1.0 if math.isinf(v) else 0.0 for v in terms]
            total = 0.0
            for v in terms:
                total = total + v
            scale = t / (total if total > 0.0 else 1.0)
            other, kept = [0.0] * 4, []
            nows, bases, structs, shares, shares0 = now[k][r].tolist(), base[k][r].tolist(), *(
                m[r].tolist() for m in (struct, share, share0))
            for j in range(n):
                part = terms[j] * scale
                un, ub, us = excess(nows[j]), excess(bases[j]), excess(structs[j])
                sh, s0 = shares[j], shares0[j]
                x = un * sh
                ratio = part / x if x > 0.0 else 0.0
                st = us * ratio
                p = [st * s0, st * (sh - s0), (ub - us) * sh * ratio, (un - ub) * sh * ratio]
                if abs(part) < min_source * t:
                    other = [o + q for o, q in zip(other, p)]
                elif part != 0.0:
                    rank = -(p[0] + p[1] + p[2] + p[3])
                    for c in range(4):
                        if abs(p[c]) < min_part * t:
                            other[c] = other[c] + p[c]
                            p[c] = 0.0
                    kept.append((rank, j, p))
            kept.sort(key=lambda item: (item[0], item[1]))
            for _, j, p in [*kept, (math.inf, n, other)]:
                lines += [(k, r, j, c, v) for c, v in enumerate(p) if v != 0.0]
    columns = list(zip(*lines)) or [(), (), (), (), ()]
    return (*(np.array(c, dtype=np.int64) for c in columns[:4]), np.array(columns[4], dtype=float))


def format_lines(times: list[bytes], states: list[bytes], cells: list[bytes], time, state, cell, value) -> str:
    """The text of lines times[time[m]] + states[state[m]] + cells[cell[m]] + value[m] (to 6
    significant digits, '%.6g'; -0 written 0) + newline, one per m."""
    if not len(time) == len(state) == len(cell) == len(value):
        raise ValueError("format_lines: as many times, states, cells and values expected")
    parts, indices = (times, states, cells), (time.tolist(), state.tolist(), cell.tolist())
    if any(not 0 <= i < len(texts) for texts, index in zip(parts, indices) for i in index):
        raise ValueError("format_lines: a time, state or cell index out of range")

    def text(v: float) -> str:
        out = f"{v:.6g}"
        return "0" if out == "-0" else out

    return "".join(f"{times[a].decode()}{states[b].decode()}{cells[c].decode()}{text(v)}\n"
                   for a, b, c, v in zip(*indices, value.tolist()))


class Decider:
    """A replication's decisions (the interface of `sim.kernel._kernel.Decider`)."""

    def __init__(self, generators, posture, resolve, top, *, attention, precision, inertia, temperature,
                 mean_interval, rate, force_rate=None, force_generator=None, force_armed=None):
        self.rngs, self.posture, self.resolve, self.top = list(generators), posture, resolve, top
        self.force = None if force_rate is None else ForceDraws(force_rate, force_generator, force_armed)
        self.k = min(attention, len(self.rngs) - 1)
        self.p = SimpleNamespace(precision=precision, inertia=inertia, temperature=temperature)
        self.mean, self.neg_rate = mean_interval, -rate
        self.pending: dict[int, list[tuple[int, float]]] = {}

    def set_force(self, force_rate, force_armed=None) -> None:
        """Rebind the fitted hazard's rates and armed shares (a scenario changed a pact); each state's
        time of its last draw is kept."""
        if self.force is None:
            raise ValueError("set_force: this Decider was made without the fitted use-of-force hazard")
        self.force.set_rate(force_rate, force_armed)

    def bind(self, intent, share, costs, motives) -> None:
        """Point at intent's arrays, the threat shares, the level costs and the motives (the `aim`,
        `gain` and `preempt` matrices of `sim.model.motives.Motives`)."""
        self.intent, self.share, self.costs = intent, share, costs
        self.aim, self.gain, self.preempt = motives.aim, motives.gain, motives.preempt

    def wait(self, i: int) -> float:
        """The time to state i's next decision."""
        return self.rngs[i].exponential(self.mean)

    def decide(self, i: int, t: float):
        """With the fitted hazard, first whether i uses force (against j, neither side at war yet:
        `(-1, j, CLASH, old_level)`, for the engine to act on before it calls `attend`); then `attend`."""
        if self.force is not None:
            for j, armed in self.force.draw(i, t):
                if self.posture[i, j] < CLASH and self.posture[j, i] < CLASH:
                    old = self.posture[i, j].item()
                    return (-1, j, CLASH, old) if armed else (-2, j, max(MOBILISATION, old), old)
        return self.attend(i, t)

    def attend(self, i: int, t: float):
        """Read row i of intent; weigh the k counterparts with the highest threat + posture."""
        intent = self.intent
        e = decay(intent.dev, intent.strength, intent.epoch, self.neg_rate, t)
        n = len(self.rngs)
        threat = [(intent.baseline[i, j].item() + intent.dev[i, j].item() * e) * self.share[i, j].item()
                  for j in range(n)]
        others = sorted((j for j in range(n) if j != i),
                        key=lambda j: (-(threat[j] + self.posture[i, j].item() + self.aim[i, j].item()), j))
        self.pending[i] = [(j, threat[j]) for j in others[:self.k]]
        return self.resume(i, 0)

    def resume(self, i: int, position: int):
        """Draw a rung toward each remaining counterpart; stop at the first change of posture."""
        free, (clash, war, nuclear) = self.costs[:5], self.costs[5:]
        for c, (j, threat) in enumerate(self.pending[i][position:], position):
            level, aim, bonus = self.posture[i, j].item(), self.aim[i, j].item(), self.gain[i, j].item()
            if threat <= 0 and level == 0 and aim <= 0 and bonus <= 0:
                continue
            desired = max(desired_level(threat, self.resolve[i].item()), aim)  # security or claim
            costs = list(free) + [clash[i, j].item(), war[i, j].item(), nuclear[i, j].item()]
            attacked = self.posture[j, i].item()
            if attacked >= CLASH:  # self-defence (UN Charter Art. 51): hold the attacker's level at no war cost
                desired = max(desired, attacked)
                costs = [0.0 if rung <= attacked else cost for rung, cost in enumerate(costs)]
            elif attacked == MOBILISATION:  # mobilisation answers mobilisation; striking first gains
                desired = max(desired, attacked)
                bonus = bonus + self.preempt[i, j].item()
            costs = costs[:CLASH] + [cost - bonus for cost in costs[CLASH:]]  # expected value of war
            new = choose(level, desired, costs, self.p, self.top[i].item(), self.rngs[i].random())
            if self.force is not None:  # the choice alone presses a claim by coercion (rungs 1-4)
                new = coercion_cap(level, new, attacked)
            if new != level:
                return (c, j, new, level)
        return self.wait(i)


class Observer:
    """Every state's view of an actor's intent after it changes a posture (`sim.kernel._kernel.Observer`)."""

    def __init__(self, generator, g_t, *, spillover, misperception, escalation_gain, deescalation_gain, rate,
                 hostility_bias=0.0, default_intent=0.0, perceive_threshold=1.0):
        self.rng, self.g_t, self.n = generator, g_t, len(g_t)
        self.floor, self.threshold = default_intent, perceive_threshold * (1.0 - default_intent)
        self.share_t = None
        self.up_bias, self.down_bias = math.exp(hostility_bias), math.exp(-hostility_bias)  # Jervis 1976
        self.spill, self.sigma = spillover, misperception
        self.up_gain, self.down_gain, self.neg_rate = escalation_gain, deescalation_gain, -rate

    def bind(self, intent, a_t, share_t=None) -> None:
        """Point at intent's arrays, the current alignment and the threat shares perceptions are read
        with, both transposed (a_t[j, m] = a[m, j]; no shares: no perceptions)."""
        self.intent, self.a_t, self.share_t = intent, a_t, share_t

    def observe(self, i: int, j: int, level: int, old: int, event: int, t: float) -> list[tuple[int, float]] | None:
        """I[:, i] after i moved its posture toward j from `old` to `level`: the target weighs the act
        1, its allies by the pact weight, others by spill-over times proximity; i's allies discount
        it by their alignment with i, i ignores it; every observer with its own lognormal noise.
        A step up returns the observers whose threat from i rose past the threshold, `(m, rise)` in
        increasing m (`sim.model.answers.perceived`'s check), when the threat shares are bound."""
        sigma, intent = self.sigma, self.intent
        noise = [math.exp(sigma * z - sigma * sigma / 2) for z in self.rng.standard_normal(self.n).tolist()]
        if level == old:
            return None
        check = self.share_t is not None and level > old
        alarmed: list[tuple[int, float]] | None = [] if check else None
        e = decay(intent.dev, intent.strength, intent.epoch, self.neg_rate, t)
        intent.moved[i] = 1  # column i's D may now be nonzero (what tension samples pass over)
        scale = self.up_gain * level / TOP if level > old else self.down_gain * (old - level) / TOP
        bias = self.up_bias if level > old else self.down_bias
        for m in range(self.n):
            w = max(self.a_t[j, m].item(), self.spill * self.g_t[j, m].item())
            w = (1.0 if m == j else w) * (1.0 - self.a_t[i, m].item())
            step = min(scale * (0.0 if m == i else w) * noise[m] * bias, 1.0)  # intent stays in [0, 1]
            base = intent.baseline[m, i].item()
            current = base + intent.dev[m, i].item() * e
            if level > old:
                rise = step * (1.0 - current)
                new = current + rise
                if rise > intent.strength[m, i].item() * e:
                    intent.cause[m, i], intent.strength[m, i] = event, rise / e
            else:
                new = current - step * max(current - base, 0.0)
            if new != current:  # an unmoved cell keeps its D exactly
                intent.dev[m, i] = (new - base) / e
            if alarmed is not None:  # the threat before and after, as sim.model.answers.perceived reads it
                after = base + intent.dev[m, i].item() * e
                rise = (max(after - self.floor, 0.0) - max(current - self.floor, 0.0)) * self.share_t[i, m].item()
                if rise > self.threshold:
                    alarmed.append((m, rise))
        return alarmed


def _exp(x: float) -> float:
    """e^x as C's exp gives it: math.exp, and infinity where it overflows (math.exp raises)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _pow(x: float, y: float) -> float:
    """x^y as C's pow gives it: math.pow, and infinity where it overflows (math.pow raises)."""
    try:
        return math.pow(x, y)
    except OverflowError:
        return math.inf


def join_entries(x, coef, low, high, since: float, interval: float, delay_scale: float, delay_shape: float,
                 first_share: float, free, u, h) -> list[int]:
    """One side's joining decision over one interval of a war: h[c] = p (g1 - g0) / max(1 - p g0,
    1e-12), g0 = G(since), g1 = G(since + interval), the chance of joining in the interval given not
    joined by `since` when p is the chance of joining by the war's end and the delay of an entry has
    the law G(t) = 1 - (1 - q) exp(-(t / delay_scale)^delay_shape), t >= 0: a share q =
    `first_share` on the war's first day, the rest a Weibull (shape 1: exponential, of mean
    `delay_scale`). The decision at the war's start (since and interval 0) takes the first day's
    mass: g0 = G(0-) = 0, g1 = G(0) = q. Over a whole war the h add up to p (the survivals 1 - h
    telescope to 1 - p G). p = 1 / (1 + exp(-eta)), eta = coef[0] + sum_k coef[1 + k] clip(x[c, k],
    low[k], high[k]) summed in the order of k (x: n x k, any k). Returns the states c (in increasing
    order) that are `free` and whose uniform u[c] is below h[c]."""
    n, k = x.shape
    if not (len(coef) == k + 1 and len(low) == len(high) == k and len(u) == len(h) == len(free) == n
            and 0.0 <= first_share <= 1.0 and delay_shape > 0.0 and delay_scale > 0.0):
        raise ValueError("join_entries: x (n x k), 1 + k coefficients, k bounds, n-vectors free, u, h, a "
                         "first-day share in 0..1 and a positive delay scale and shape expected")
    s = np.zeros(n)
    for j in range(k):  # column by column: each cell's sum in the order of k, as the kernel adds it
        v = np.where(x[:, j] < low[j], low[j], x[:, j])
        v = np.where(v > high[j], high[j], v)
        s = s + v * coef[1 + j]
    b0 = float(coef[0])
    p = np.array([1.0 / (1.0 + _exp(-(b0 + e))) for e in s.tolist()])  # math.exp: C's exp, not numpy's
    # C's pow and exp, as the kernel's (math.exp(-inf) is 0)
    g0 = (0.0 if since <= 0.0 and interval <= 0.0
          else 1.0 - (1.0 - first_share) * math.exp(-_pow(since / delay_scale, delay_shape)))
    g1 = 1.0 - (1.0 - first_share) * math.exp(-_pow((since + interval) / delay_scale, delay_shape))
    d = 1.0 - p * g0
    h[:] = p * (g1 - g0) / np.where(d < 1e-12, 1e-12, d)
    return np.flatnonzero(np.asarray(free, dtype=bool) & (u < h)).tolist()
