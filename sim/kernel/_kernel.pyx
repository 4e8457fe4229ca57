# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The engine's hot path in C: a state's decision (read its row of intent, weigh the most
threatening counterparts, draw a rung on each by the logit rule), every state's observation of
an act (a column of intent), and tension (all of intent).

Intent is kept as I = baseline + D e^(-rate (t - epoch)) with one clock for every cell
(`sim.engine.intent.Intent`): reading needs one exp and writes nothing.

This is the model of `sim.decision` and `sim.perception` in compiled form, not a different one:
`tests/test_kernel.py` checks it bit for bit against the plain Python of `sim.reference`, which
is the readable definition. To stay bitwise equal the arithmetic is written in the same order,
exp, pow and log1p come from the C library (as Python's math module does; never numpy's SIMD kernels,
whose last bit depends on the processor), and setup.py compiles without floating-point
contraction. Random numbers come from each state's own numpy Generator, through numpy's own C
functions, so a stream gives the same draws as `rng.random()`, `rng.exponential(mean)` and
`rng.standard_normal(n)` would.
"""

from cpython.conversion cimport PyOS_double_to_string
from cpython.mem cimport PyMem_Free
from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.math cimport INFINITY, exp, expm1, fabs, isinf, log1p, pow
from libc.string cimport memcpy, strlen

import numpy as np
from libc.stdint cimport int8_t, int64_t, uint8_t, uint64_t, uint32_t
from libc.stdlib cimport calloc, free, malloc, realloc


cdef extern from "numpy/random/bitgen.h":
    ctypedef struct bitgen_t:
        void *state
        uint64_t (*next_uint64)(void *st) nogil
        uint32_t (*next_uint32)(void *st) nogil
        double (*next_double)(void *st) nogil
        uint64_t (*next_raw)(void *st) nogil

cdef extern from "numpy/random/distributions.h":
    double random_standard_uniform(bitgen_t *bitgen_state) nogil
    double random_standard_exponential(bitgen_t *bitgen_state) nogil
    double random_standard_normal(bitgen_t *bitgen_state) nogil


cdef extern from *:
    """
    /* A hint to fetch the cache line at p before it is read (or written): memory is not changed and
       no arithmetic depends on it, so results are the same bits with or without it. A column of an
       n x n matrix is n lines a row apart, which the processor's own prefetcher does not follow. */
    #if defined(__GNUC__) || defined(__clang__)
    #  define KERNEL_PREFETCH(p) __builtin_prefetch((const void *) (p), 1, 3)
    #elif defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
    #  include <xmmintrin.h>
    #  define KERNEL_PREFETCH(p) _mm_prefetch((const char *) (p), _MM_HINT_T0)
    #else
    #  define KERNEL_PREFETCH(p) ((void) 0)
    #endif

    /* Loops written so that the compiler can take several cells per instruction: selects and
       compares are plain IEEE operations, and +, -, *, / give the same bits in vector registers as
       one at a time. GCC may only turn the selects into vector code when told that floating-point
       flags need not be kept (results do not change); where it supports function clones, the loop is
       also built for AVX2 and AVX-512 and the processor's best is picked at load time. */
    #if defined(__GNUC__) && !defined(__clang__)
    #  define TENSION_FLAGS_ATTR __attribute__((optimize("no-trapping-math")))
    #  if defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__)  /* clones need glibc's ifunc */
    #    define TENSION_CELLS_ATTR __attribute__((optimize("no-trapping-math"), target_clones("avx512f", "avx2", "default")))
    #  else
    #    define TENSION_CELLS_ATTR TENSION_FLAGS_ATTR
    #  endif
    #else
    #  define TENSION_FLAGS_ATTR
    #  define TENSION_CELLS_ATTR
    #endif
    #if defined(_MSC_VER)
    #  define TENSION_RESTRICT __restrict
    #else
    #  define TENSION_RESTRICT restrict
    #endif

    /* Whether any of 16 cells' keys ((base + dev e) share + posture) + aim beats `least` (a NaN
       key never does): four at a time in vector registers where the compiler has vector types (the
       same operations on each cell as one at a time), else one at a time. */
    #if (defined(__GNUC__) && __GNUC__ >= 9) || defined(__clang__)
    typedef double decision_v4d __attribute__((vector_size(32)));
    typedef long long decision_v4l __attribute__((vector_size(32)));
    typedef signed char decision_v4c __attribute__((vector_size(4)));
    static inline __attribute__((always_inline)) int decision_block_over(const double *base, const double *dev, const double *share,
                                          const signed char *posture, const double *aim, double e, double least) {
        decision_v4l over = {0, 0, 0, 0};
        decision_v4d x, d, s, a;
        decision_v4c p;
        int b;
        for (b = 0; b < 16; b += 4) {
            memcpy(&x, base + b, sizeof x);
            memcpy(&d, dev + b, sizeof d);
            memcpy(&s, share + b, sizeof s);
            memcpy(&a, aim + b, sizeof a);
            memcpy(&p, posture + b, sizeof p);
            over = over | (decision_v4l) ((((x + d * e) * s + __builtin_convertvector(p, decision_v4d)) + a) > least);
        }
        return (over[0] | over[1] | over[2] | over[3]) != 0;
    }
    #else
    static int decision_block_over(const double *base, const double *dev, const double *share,
                                   const signed char *posture, const double *aim, double e, double least) {
        int b, over = 0;
        for (b = 0; b < 16; b++)
            over |= ((base[b] + dev[b] * e) * share[b] + (double) posture[b]) + aim[b] > least;
        return over;
    }
    #endif

    #define DECISION_BLOCKS_FROM 128  /* fewer cells: too few blocks for the check to pay */

    /* The k counterparts of row i with the highest key threat + posture + aim, threat =
       (base + dev e) share, by decreasing key (ties: the lower index first), in keys, candidate and
       threat_of; returns how many (Decider.weigh). Once k are held (in a row of at least
       DECISION_BLOCKS_FROM cells), a block of 16 cells is read
       first for its keys alone, in vector registers, and passed over when none beats the k-th
       (the cells one at a time would each be passed over too: the same keys, the same compare);
       otherwise its cells are taken one at a time, as in the twin. */
    TENSION_CELLS_ATTR
    static Py_ssize_t decision_keys(Py_ssize_t n, Py_ssize_t i, Py_ssize_t k, const double *TENSION_RESTRICT base,
                                    const double *TENSION_RESTRICT dev, const double *TENSION_RESTRICT share,
                                    const signed char *TENSION_RESTRICT posture, const double *TENSION_RESTRICT aim,
                                    double e, double *TENSION_RESTRICT keys, Py_ssize_t *TENSION_RESTRICT candidate,
                                    double *TENSION_RESTRICT threat_of) {
        Py_ssize_t j = 0, end, b, c, m = 0;
        double threat, key;
        if (k <= 0)
            return 0;
        while (j < n) {
            end = n < DECISION_BLOCKS_FROM ? n : j + 1;  /* a short row: all its cells one at a time */
            if (m == k && n >= DECISION_BLOCKS_FROM && n - j >= 16) {
                if (j + 80 <= n) {  /* 64 cells ahead (the processor's own prefetch stops at each page) */
                    KERNEL_PREFETCH(base + j + 64);
                    KERNEL_PREFETCH(base + j + 72);
                    KERNEL_PREFETCH(dev + j + 64);
                    KERNEL_PREFETCH(dev + j + 72);
                    KERNEL_PREFETCH(share + j + 64);
                    KERNEL_PREFETCH(share + j + 72);
                    KERNEL_PREFETCH(aim + j + 64);
                    KERNEL_PREFETCH(aim + j + 72);
                    KERNEL_PREFETCH(posture + j + 64);
                }
                if (!decision_block_over(base + j, dev + j, share + j, posture + j, aim + j, e, keys[k - 1])) {
                    j += 16;
                    continue;
                }
                end = j + 16;
            }
            for (; j < end; j++) {
                if (j == i)
                    continue;
                threat = (base[j] + dev[j] * e) * share[j];
                key = (threat + (double) posture[j]) + aim[j];
                if (m == k && !(key > keys[m - 1]))
                    continue;
                c = m < k ? m : k - 1;  /* insertion into a short sorted list; ties keep the lower index first */
                while (c > 0 && keys[c - 1] < key) {
                    keys[c] = keys[c - 1];
                    candidate[c] = candidate[c - 1];
                    threat_of[c] = threat_of[c - 1];
                    c--;
                }
                keys[c] = key;
                candidate[c] = j;
                threat_of[c] = threat;
                if (m < k)
                    m++;
            }
        }
        return m;
    }
    """
    void KERNEL_PREFETCH(const void *p) noexcept nogil
    Py_ssize_t decision_keys(Py_ssize_t n, Py_ssize_t i, Py_ssize_t k, const double *base, const double *dev,
                             const double *share, const int8_t *posture, const double *aim, double e, double *keys,
                             Py_ssize_t *candidate, double *threat_of) noexcept nogil


cdef enum:
    MOBILISE = 4
    CLASH = 5
    LEVELS = 8

# Past this many e-foldings since the epoch, D and the strengths are rescaled to a new epoch
# (e^300 is far from overflow; with a 90-day half-life that is every 39,000 days).
cdef double RESCALE = 300.0


cpdef double decay(double[:, ::1] dev, double[:, ::1] strength, double[::1] epoch, double neg_rate,
                   double t) except -1.0:
    """e^(neg_rate (t - epoch)): what D and the strengths are multiplied by to read them at t.
    Rescales both (in place) to the epoch t first when that factor would be below e^-RESCALE."""
    cdef Py_ssize_t i, j
    cdef double x = neg_rate * (t - epoch[0]), e
    if x >= -RESCALE:
        return exp(x)
    e = exp(x)
    for i in range(dev.shape[0]):
        for j in range(dev.shape[1]):
            dev[i, j] = dev[i, j] * e
            strength[i, j] = strength[i, j] * e
    epoch[0] = t
    return 1.0


cdef inline double desired_level(double threat, double resolve) noexcept nogil:
    """L* = 7 T^((1 - r) / r), r clipped to [0.05, 0.95] (sim.decision.desired_level)."""
    cdef double r = resolve
    if r < 0.05:
        r = 0.05
    if r > 0.95:
        r = 0.95
    if threat > 0:
        return 7.0 * pow(threat, (1.0 - r) / r)
    return 0.0


cdef inline int choose(int level, double desired, const double *costs, double kappa, double inertia,
                       double temperature, int top, double u) noexcept nogil:
    """The logit choice among L-1 .. L+2 capped at top (sim.decision.choose), kappa = -precision."""
    cdef int low = level - 1 if level > 0 else 0
    cdef int high = level + 2 if level + 2 < top else top
    cdef double utility[4]
    cdef double weight[4]
    cdef double best, total, threshold, d
    cdef int k, m
    if high < low:
        return level
    m = high - low + 1
    for k in range(m):
        d = (low + k) - desired
        utility[k] = kappa * (d * d) - costs[low + k] - inertia * abs(low + k - level)
    best = utility[0]
    for k in range(1, m):
        if utility[k] > best:
            best = utility[k]
    total = 0.0
    for k in range(m):  # the best's weight is exp(0) = 1 exactly (the temperature is positive)
        weight[k] = exp((utility[k] - best) / temperature) if utility[k] != best else 1.0
        total = total + weight[k]
    threshold = u * total
    for k in range(m):
        threshold = threshold - weight[k]
        if threshold < 0:
            return low + k
    return high


cdef bitgen_t *bit_generator_of(generator) except NULL:
    return <bitgen_t *> PyCapsule_GetPointer(generator.bit_generator.capsule, "BitGenerator")


cdef class Decider:
    """One replication's decision step over its shared arrays (never copies: the engine's
    numpy arrays are read in place).

    `decide(i, t)` reads row i of intent, weighs the `attention` counterparts with the highest
    threat + standing posture (ties: the lower index first) and draws a rung on each. It returns
    `(position, j, new_level, old_level)` as soon as a choice changes a posture, for the engine
    to act on; `resume(i, position + 1)` then goes on with the same counterparts. When the
    counterparts are done it returns the waiting time to the state's next decision (the next
    exponential draw of its stream), a float.

    With the fitted use-of-force hazard (`force_rate`, uses of force per year, and its own
    `force_generator`) a decision first draws whether i uses force, as
    `sim.model.force.ForceDraws.draw`: if it does against j, and neither side of the dyad is at
    war (rung 5) yet, `decide` returns `(-1, j, 5, old_level)` for an armed attack (a second
    uniform below `force_armed[i, j]`, the severity logit; always when it is not given) or
    `(-2, j, max(4, old_level), old_level)` for an incident below war, for the engine to act on,
    and `attend(i, t)` then weighs the counterparts. The posture choice alone then stops at coercion
    (`sim.model.force.coercion_cap`): a change it caps to no change is not returned.
    """

    cdef double[:, ::1] baseline, dev, strength, share, clash, war, nuclear
    cdef double[:, ::1] aim, gain, preempt  # sim.model.motives.Motives
    cdef double[::1] epoch
    cdef int8_t[:, ::1] posture  # levels 0..7
    cdef double[::1] resolve
    cdef int64_t[::1] top
    cdef double free_cost[CLASH]
    cdef double kappa, inertia, temperature, neg_rate, mean
    cdef Py_ssize_t n, k
    cdef object generators
    cdef bitgen_t **bitgens
    cdef Py_ssize_t *candidate
    cdef double *threat_of
    cdef Py_ssize_t *count
    cdef bint forcing  # the fitted use-of-force hazard (sim.model.force)
    cdef const double[:, ::1] force_rate
    cdef const double[:, ::1] force_armed
    cdef bint all_armed
    cdef double[::1] force_total
    cdef double *force_last
    cdef object force_generator
    cdef bitgen_t *force_bitgen

    def __cinit__(self, generators, posture, resolve, top, *, attention, precision, inertia, temperature,
                  mean_interval, rate, force_rate=None, force_generator=None, force_armed=None):
        cdef Py_ssize_t i
        self.force_last = NULL
        self.generators = list(generators)
        self.n = len(self.generators)
        self.k = min(attention, self.n - 1) if self.n > 1 else 0
        if self.k > 64:
            raise ValueError(f"attention {attention}: at most 64 counterparts per decision")
        self.bitgens = <bitgen_t **> malloc(max(self.n, 1) * sizeof(bitgen_t *))
        self.candidate = <Py_ssize_t *> malloc(max(self.n * self.k, 1) * sizeof(Py_ssize_t))
        self.threat_of = <double *> malloc(max(self.n * self.k, 1) * sizeof(double))
        self.count = <Py_ssize_t *> malloc(max(self.n, 1) * sizeof(Py_ssize_t))
        if not (self.bitgens and self.candidate and self.threat_of and self.count):
            raise MemoryError()
        for i in range(self.n):
            self.bitgens[i] = bit_generator_of(self.generators[i])
            self.count[i] = 0
        self.posture, self.resolve, self.top = posture, resolve, top
        self.kappa, self.inertia, self.temperature = -precision, inertia, temperature
        self.mean, self.neg_rate = mean_interval, -rate
        self.forcing = force_rate is not None
        if self.forcing:
            self.force_rate = force_rate
            self.force_armed = force_rate if force_armed is None else force_armed  # None: every use armed
            self.all_armed = force_armed is None
            self.force_total = force_rate.sum(axis=1)  # as ForceDraws sums it (numpy's pairwise sum)
            self.force_generator = force_generator
            self.force_bitgen = bit_generator_of(force_generator)
            self.force_last = <double *> malloc(max(self.n, 1) * sizeof(double))
            if not self.force_last:
                raise MemoryError()
            for i in range(self.n):
                self.force_last[i] = 0.0

    def set_force(self, force_rate, force_armed=None):
        """Rebind the fitted hazard's rates and armed shares (a scenario changed a pact:
        `sim.model.force.rates`), as `ForceDraws.set_rate`; each state's time of its last draw is kept."""
        if not self.forcing:
            raise ValueError("set_force: this Decider was made without the fitted use-of-force hazard")
        self.force_rate = force_rate
        self.force_armed = force_rate if force_armed is None else force_armed
        self.all_armed = force_armed is None
        self.force_total = force_rate.sum(axis=1)

    def __dealloc__(self):
        free(self.force_last)
        free(self.bitgens)
        free(self.candidate)
        free(self.threat_of)
        free(self.count)

    def bind(self, intent, share, costs, motives):
        """Point at intent's arrays (`sim.engine.intent.Intent`), the threat shares, the level costs
        (again after a restructure; `costs` is `Structure.costs`: five numbers, then the
        matrices for levels 5, 6, 7) and the motives' `aim`, `gain` and `preempt` matrices."""
        cdef int level
        self.baseline, self.dev, self.strength, self.epoch = intent.baseline, intent.dev, intent.strength, intent.epoch
        self.share = share
        for level in range(CLASH):
            self.free_cost[level] = costs[level]
        self.clash, self.war, self.nuclear = costs[5], costs[6], costs[7]
        self.aim, self.gain, self.preempt = motives.aim, motives.gain, motives.preempt

    def wait(self, Py_ssize_t i):
        """The time to state i's next decision: an exponential draw from its stream."""
        return self.mean * random_standard_exponential(self.bitgens[i])

    cdef Py_ssize_t force_draw(self, Py_ssize_t i, double t) noexcept:
        """The counterpart i uses force against at this decision, or -1 (ForceDraws.draw)."""
        cdef double dt = (t - self.force_last[i]) / 365.0, total = self.force_total[i], x, cum = 0.0
        cdef Py_ssize_t j, last = -1
        self.force_last[i] = t
        if dt <= 0.0 or total <= 0.0 or random_standard_uniform(self.force_bitgen) >= -expm1(-total * dt):
            return -1
        x = random_standard_uniform(self.force_bitgen) * total
        for j in range(self.n):  # the first j whose running sum passes x (searchsorted, side right)
            cum = cum + self.force_rate[i, j]
            if self.force_rate[i, j] > 0.0:
                last = j
            if cum > x:
                return j
        return last  # x past the running sum by rounding: the last state with a rate

    def decide(self, Py_ssize_t i, double t):
        """Start state i's decision at time t (see the class)."""
        cdef Py_ssize_t j
        cdef bint armed
        cdef int old
        if self.forcing:
            j = self.force_draw(i, t)
            if j >= 0:
                armed = random_standard_uniform(self.force_bitgen) < (1.0 if self.all_armed else self.force_armed[i, j])
                if self.posture[i, j] < CLASH and self.posture[j, i] < CLASH:
                    old = <int> self.posture[i, j]
                    if armed:
                        return (-1, j, CLASH, old)
                    return (-2, j, MOBILISE if old < MOBILISE else old, old)
        return self.weigh(i, t)

    def attend(self, Py_ssize_t i, double t):
        """Weigh state i's counterparts at time t and draw a rung on each (see the class)."""
        return self.weigh(i, t)

    def resume(self, Py_ssize_t i, Py_ssize_t position):
        """Go on with state i's counterparts from `position` (see the class)."""
        return self.draw(i, position)

    cdef object weigh(self, Py_ssize_t i, double t):
        """`attend` (called in C from `decide`)."""
        cdef Py_ssize_t j, c, m = 0, k = self.k, n = self.n
        cdef Py_ssize_t *candidate = self.candidate + i * k
        cdef double *threat_of = self.threat_of + i * k
        cdef const double *base = &self.baseline[i, 0]
        cdef const double *dev = &self.dev[i, 0]
        cdef const double *share = &self.share[i, 0]
        cdef const int8_t *posture = &self.posture[i, 0]
        cdef const double *aim = &self.aim[i, 0]
        cdef double e = decay(self.dev, self.strength, self.epoch, self.neg_rate, t)
        cdef double keys[64]
        m = decision_keys(n, i, k, base, dev, share, posture, aim, e, keys, candidate, threat_of)
        self.count[i] = m
        for c in range(m):  # the cells `draw` reads of each counterpart, one line each: fetched together
            j = candidate[c]
            KERNEL_PREFETCH(&self.gain[i, j])
            KERNEL_PREFETCH(&self.clash[i, j])
            KERNEL_PREFETCH(&self.war[i, j])
            KERNEL_PREFETCH(&self.nuclear[i, j])
            KERNEL_PREFETCH(&self.preempt[i, j])
            KERNEL_PREFETCH(&self.posture[j, i])
        return self.draw(i, 0)

    cdef object draw(self, Py_ssize_t i, Py_ssize_t position):
        """`resume` (called in C from `weigh`)."""
        cdef Py_ssize_t c, j, k = self.k
        cdef int level, attacked, new, top = <int> self.top[i], rung
        cdef double threat, desired, aim, bonus, resolve = self.resolve[i]
        cdef double costs[LEVELS]
        for c in range(position, self.count[i]):
            j = self.candidate[i * k + c]
            threat = self.threat_of[i * k + c]
            level = <int> self.posture[i, j]
            aim, bonus = self.aim[i, j], self.gain[i, j]
            if threat <= 0 and level == 0 and aim <= 0 and bonus <= 0:
                continue
            desired = desired_level(threat, resolve)
            if aim > desired:  # security or claim
                desired = aim
            for rung in range(CLASH):
                costs[rung] = self.free_cost[rung]
            costs[5], costs[6], costs[7] = self.clash[i, j], self.war[i, j], self.nuclear[i, j]
            attacked = <int> self.posture[j, i]
            if attacked >= CLASH:  # self-defence: hold the attacker's level at no war cost
                if attacked > desired:
                    desired = attacked
                for rung in range(attacked + 1):  # postures are at most 7
                    costs[rung] = 0.0
            elif attacked == MOBILISE:  # mobilisation answers mobilisation; striking first gains
                if attacked > desired:
                    desired = attacked
                bonus = bonus + self.preempt[i, j]
            for rung in range(CLASH, LEVELS):  # the expected value of war
                costs[rung] = costs[rung] - bonus
            new = choose(level, desired, costs, self.kappa, self.inertia, self.temperature, top,
                         random_standard_uniform(self.bitgens[i]))
            if self.forcing and new >= CLASH and level < CLASH and attacked < CLASH:
                new = MOBILISE  # coercion, not war (sim.model.force.coercion_cap)
            if new != level:
                return (c, j, new, level)
        return self.mean * random_standard_exponential(self.bitgens[i])



cdef class Observer:
    """Every state's view of an actor's intent after it changes a posture: the column I[:, actor].

    `observe(i, j, level, old, event, t)`: i moved its posture toward j from `old` to `level`.
    Observer m weighs the act by w_m = max(a[m, j], spillover g[m, j]) (1 for the target j) times
    1 - a[m, i] (i's allies discount it; i itself ignores it), with lognormal noise
    exp(sigma z_m - sigma^2 / 2), z drawn for every state in order from the perception stream.
    A step up closes min((gain level / 7) w_m noise_m, 1) of the gap to 1 and names `event` as the
    cause where it is the strongest move still remembered; a step down closes
    min((down_gain (old - level) / 7) w_m noise_m, 1) of the gap to the baseline. Capping the
    share at 1 keeps intent, and so tension, in [0, 1] however large the noise.
    The gradient and alignment come transposed (`g_t[j, m] = g[m, j]`), so that their columns
    are read as contiguous rows.

    A step up returns the observers it alarms, as a list of `(m, rise)` in increasing m: those whose
    threat from i rose by `rise` = ((I'[m, i] - floor)+ - (I[m, i] - floor)+) share[m, i] > threshold
    (1 - floor), floor being `default_intent` and I, I' the cell read before and after (the check of
    `sim.model.answers.perceived`, done here in the same pass; with the threat shares bound, else
    nothing is returned). The shares come transposed too (`share_t[i, m] = share[m, i]`).
    """

    cdef double[:, ::1] baseline, dev, strength, a_t
    cdef uint8_t[::1] moved
    cdef const double[:, ::1] share_t
    cdef double[::1] epoch
    cdef const double[:, ::1] g_t
    cdef int64_t[:, ::1] cause
    cdef double spill, sigma, half_variance, up_gain, down_gain, neg_rate, up_bias, down_bias
    cdef double floor, threshold
    cdef bint perceiving
    cdef object generator
    cdef bitgen_t *bitgen
    cdef double *noise
    cdef Py_ssize_t n

    def __cinit__(self, generator, g_t, *, spillover, misperception, escalation_gain, deescalation_gain, rate,
                  hostility_bias=0.0, default_intent=0.0, perceive_threshold=1.0):
        self.generator, self.g_t = generator, g_t
        self.floor, self.threshold = default_intent, perceive_threshold * (1.0 - default_intent)
        self.perceiving = False
        self.n = self.g_t.shape[0]
        self.bitgen = bit_generator_of(generator)
        self.noise = <double *> malloc(max(self.n, 1) * sizeof(double))
        if not self.noise:
            raise MemoryError()
        self.spill, self.sigma = spillover, misperception
        self.half_variance = misperception * misperception / 2
        self.up_gain, self.down_gain, self.neg_rate = escalation_gain, deescalation_gain, -rate
        self.up_bias, self.down_bias = exp(hostility_bias), exp(-hostility_bias)  # Jervis 1976: hostile reading

    def __dealloc__(self):
        free(self.noise)

    def bind(self, intent, a_t, share_t=None):
        """Point at intent's arrays, the current alignment and the threat shares that perceptions
        are read with, both transposed (no shares: no perceptions; again after a restructure)."""
        self.baseline, self.dev, self.strength, self.epoch = intent.baseline, intent.dev, intent.strength, intent.epoch
        self.cause, self.a_t, self.moved = intent.cause, a_t, intent.moved
        self.perceiving = share_t is not None
        if self.perceiving:
            self.share_t = share_t

    def observe(self, Py_ssize_t i, Py_ssize_t j, int level, int old, int64_t event, double t):
        """Update I[:, i] for an act of i toward j; the observers a step up alarms (see the class)."""
        cdef Py_ssize_t m, n = self.n
        cdef double w, step, base, current, new, rise, gap, scale, spread, e, bias, above, was
        cdef bint check = self.perceiving and level > old
        alarmed = [] if check else None
        cdef const double *toward = &self.a_t[j, 0]
        cdef const double *near = &self.g_t[j, 0]
        cdef const double *friend = &self.a_t[i, 0]
        cdef const double *seen = &self.share_t[i, 0] if check else NULL  # share[:, i] as a row
        # column i of intent, a row apart per observer: fetched while the noise is drawn
        cdef const char *base_at = <const char *> &self.baseline[0, i] if n else NULL
        cdef const char *dev_at = <const char *> &self.dev[0, i] if n else NULL
        cdef const char *strength_at = <const char *> &self.strength[0, i] if n and level > old else NULL
        cdef Py_ssize_t base_row = self.baseline.strides[0], dev_row = self.dev.strides[0]
        cdef Py_ssize_t strength_row = self.strength.strides[0]
        for m in range(n):  # all n draws first, as rng.standard_normal(n) would
            if level != old:
                KERNEL_PREFETCH(base_at + m * base_row)
                KERNEL_PREFETCH(dev_at + m * dev_row)
                if strength_at != NULL:
                    KERNEL_PREFETCH(strength_at + m * strength_row)
            self.noise[m] = exp(self.sigma * random_standard_normal(self.bitgen) - self.half_variance)
        if level == old:
            return None
        e = decay(self.dev, self.strength, self.epoch, self.neg_rate, t)
        self.moved[i] = 1  # column i's D may now be nonzero (what tension_of passes over)
        scale = (self.up_gain * level) / 7 if level > old else (self.down_gain * (old - level)) / 7
        bias = self.up_bias if level > old else self.down_bias
        for m in range(n):
            w = toward[m]
            spread = self.spill * near[m]
            if spread > w:
                w = spread
            if m == j:
                w = 1.0
            w = w * (1.0 - friend[m])
            if m == i:
                w = 0.0
            step = ((scale * w) * self.noise[m]) * bias
            if step > 1.0:  # a move closes at most the whole gap: intent stays in [0, 1]
                step = 1.0
            base = self.baseline[m, i]
            current = base + self.dev[m, i] * e
            if level > old:
                rise = step * (1.0 - current)
                new = current + rise
                if rise > self.strength[m, i] * e:
                    self.cause[m, i] = event
                    self.strength[m, i] = rise / e
            else:
                gap = current - base
                if gap < 0.0:
                    gap = 0.0
                new = current - step * gap
            if new != current:  # an unmoved cell keeps its D exactly
                self.dev[m, i] = (new - base) / e
            if check:  # the threat read before and after, as sim.model.answers.perceived reads it
                above = (base + self.dev[m, i] * e) - self.floor
                if above < 0.0:
                    above = 0.0
                was = current - self.floor
                if was < 0.0:
                    was = 0.0
                rise = (above - was) * seen[m]
                if rise > self.threshold:
                    alarmed.append((m, rise))
        return alarmed


cdef extern from *:
    """
    /* One row of tension's cells (sim.kernel._kernel.tension_of), written so that the compiler can
       take several cells per instruction (see TENSION_CELLS_ATTR above). */
    TENSION_CELLS_ATTR
    static void tension_cells(Py_ssize_t n, const double *TENSION_RESTRICT base, const double *TENSION_RESTRICT dev,
                              const double *TENSION_RESTRICT share, const double *TENSION_RESTRICT alone,
                              const double *TENSION_RESTRICT lift, double e, double floor_, double scale,
                              double *TENSION_RESTRICT xs, double *TENSION_RESTRICT ys, double *TENSION_RESTRICT f) {
        for (Py_ssize_t j = 0; j < n; j++) {
            double u = base[j] + dev[j] * e - floor_;
            double q = u / scale;
            u = (u > 0.0) ? q : 0.0;
            double x = u * share[j];
            double y = u * alone[j] + lift[j];
            y = (y > x) ? x : y;
            xs[j] = x;
            ys[j] = y;
            f[j] = 1.0 - y;
        }
    }
    """
    void tension_cells(Py_ssize_t n, const double *base, const double *dev, const double *share,
                       const double *alone, const double *lift, double e, double floor_, double scale,
                       double *xs, double *ys, double *f) noexcept nogil


cdef extern from *:
    """
    #define TENSION_ROWS 8  /* rows whose products (and extras) are taken side by side */
    /* v[0..m) in decreasing order: a heap sort (a heap with the smallest on top, each taken to the
       end in turn), in place and without calls. */
    static void tension_heap_sort(double *v, Py_ssize_t m) {
        Py_ssize_t start = m / 2, end = m, root, child;
        double item;
        while (end > 1) {
            if (start > 0) {
                item = v[--start];
            } else {
                item = v[--end];
                v[end] = v[0];
            }
            root = start;
            while ((child = 2 * root + 1) < end) {
                if (child + 1 < end && v[child + 1] < v[child])
                    child++;
                if (!(v[child] < item))
                    break;
                v[root] = v[child];
                root = child;
            }
            v[root] = item;
        }
    }

    /* H_i of one row (sim.kernel._kernel.tension_of): bloc by bloc in order (members group[g] ..
       group[g + 1] - 1 of `member`, each bloc's in index order), the extras e_ij of the members
       with x_ij > y_ij by decreasing size, the r-th weighted `aggregation`^r by repeated
       multiplication, summed in that order. The extras are gathered without a branch per member,
       their quotients taken several at a time, then each bloc's sorted (compare-exchanges up to 8,
       insertion up to 64, a heap sort past it): the extras are > 0 and equal values are
       interchangeable, so any sort gives the same sequence of values, that of the twin (decreasing
       size, the lower index first among equals). vx, vy (n), cut (groups + 1): scratch. */
    TENSION_FLAGS_ATTR
    static double tension_extras(const double *TENSION_RESTRICT xs, const double *TENSION_RESTRICT ys,
                                 const Py_ssize_t *TENSION_RESTRICT member, const Py_ssize_t *TENSION_RESTRICT group,
                                 Py_ssize_t groups, double aggregation, double *TENSION_RESTRICT vx,
                                 double *TENSION_RESTRICT vy, Py_ssize_t *TENSION_RESTRICT cut) {
        Py_ssize_t g, k, m = 0, a, b, lo, hi;
        double total = 0.0, w, x, y, item;
        for (g = 0; g < groups; g++) {
            cut[g] = m;
            for (k = group[g]; k < group[g + 1]; k++) {
                x = xs[member[k]];
                y = ys[member[k]];
                vx[m] = x;
                vy[m] = y;
                m += x > y;  /* what its allies add to its reach */
            }
        }
        cut[groups] = m;
        for (k = 0; k < m; k++)
            vy[k] = (vx[k] - vy[k]) / (1.0 - vx[k]);
        for (k = 0; k < m; k++)
            vy[k] = vx[k] >= 1.0 ? INFINITY : log1p(vy[k]);
        for (g = 0; g < groups; g++) {
            lo = cut[g];
            hi = cut[g + 1];
            if (hi - lo > 64) {
                tension_heap_sort(vy + lo, hi - lo);
            } else if (hi - lo > 8) {
                for (a = lo + 1; a < hi; a++) {
                    item = vy[a];
                    for (b = a - 1; b >= lo && vy[b] < item; b--)
                        vy[b + 1] = vy[b];
                    vy[b + 1] = item;
                }
            } else {
                for (a = 0; a < hi - lo; a++)  /* odd-even transposition: hi - lo rounds sort */
                    for (b = lo + (a & 1); b + 1 < hi; b += 2) {
                        x = vy[b];
                        y = vy[b + 1];
                        vy[b] = x < y ? y : x;
                        vy[b + 1] = x < y ? x : y;
                    }
            }
            w = 1.0;
            for (k = lo; k < hi; k++) {
                if (k > lo)
                    w = w * aggregation;
                if (w > 0.0)
                    total = total + w * vy[k];
            }
        }
        return total;
    }
    /* H_i of TENSION_ROWS rows side by side, one row a lane (sim.kernel._kernel.tension_of): each
       row's cells x, y in xs + r n, ys + r n. Bloc by bloc in order (members group[g] .. group[g + 1]
       - 1 of `member`), the extras e_ij of the members with x_ij > y_ij by decreasing size, the r-th
       weighted `aggregation`^r by repeated multiplication, summed in that order, in total[r].
       Every row has the same blocs, so each step is taken for all the lanes at once: the members'
       cells are gathered lane by lane (v[a TENSION_ROWS + r] for member a of row r), the extras of
       those with x > y computed (their quotients several at a time, then log1p) and the others set
       to 0; each bloc's lanes sorted together, in decreasing order, by compare-exchanges (odd-even
       transposition: blocs of at most TENSION_LANE_SORT members, which tension_of checks, else
       it takes tension_extras row by row, as fast for a few large blocs); and the sums taken lane by
       lane. The extras are > 0, so the zeros go last, where each adds w 0 = +0 to a sum of
       non-negative terms (no change); equal values are interchangeable, so any sort gives the same
       sequence of values, that of the twin (decreasing size, the lower index first among equals).
       vx, vy, v, qx, qy (TENSION_ROWS group[groups] each), at (as many indices): scratch. */
    #define TENSION_LANE_SORT 16
    #define TENSION_LANES_FROM 512  /* fewer rows: the lanes cost more than they save (measured at 50, 200, 1,000) */

    /* Lane by lane, the larger of u[r], d[r] into u[r] and the smaller into d[r] (both >= 0, no NaN):
       all the lanes at once in vector registers where the compiler has vector types. */
    #if (defined(__GNUC__) && __GNUC__ >= 9) || defined(__clang__)
    typedef double tension_lanes __attribute__((vector_size(TENSION_ROWS * sizeof(double))));
    typedef long long tension_mask __attribute__((vector_size(TENSION_ROWS * sizeof(double))));
    static inline __attribute__((always_inline)) void tension_exchange(double *u, double *d) {
        tension_lanes x, y;
        tension_mask less, a, b;
        memcpy(&x, u, sizeof x);
        memcpy(&y, d, sizeof y);
        less = (tension_mask) (x < y);
        a = (tension_mask) x;
        b = (tension_mask) y;
        x = (tension_lanes) ((b & less) | (a & ~less));
        y = (tension_lanes) ((a & less) | (b & ~less));
        memcpy(u, &x, sizeof x);
        memcpy(d, &y, sizeof y);
    }
    #else
    static void tension_exchange(double *u, double *d) {
        int r;
        double x, y;
        for (r = 0; r < TENSION_ROWS; r++) {
            x = u[r];
            y = d[r];
            u[r] = x < y ? y : x;
            d[r] = x < y ? x : y;
        }
    }
    #endif
    TENSION_CELLS_ATTR
    static void tension_extras_rows(Py_ssize_t n, const double *TENSION_RESTRICT xs, const double *TENSION_RESTRICT ys,
                                    const Py_ssize_t *TENSION_RESTRICT member, const Py_ssize_t *TENSION_RESTRICT group,
                                    Py_ssize_t groups, double aggregation, double *TENSION_RESTRICT vx,
                                    double *TENSION_RESTRICT vy, double *TENSION_RESTRICT v, double *TENSION_RESTRICT qx,
                                    double *TENSION_RESTRICT qy, Py_ssize_t *TENSION_RESTRICT at,
                                    double *TENSION_RESTRICT total) {
        const Py_ssize_t members = group[groups], cells = members * TENSION_ROWS;
        Py_ssize_t g, a, b, c, r, p, j, m = 0, lo, hi;
        double w, x, y;
        for (a = 0; a < members; a++) {
            j = member[a];
            for (r = 0; r < TENSION_ROWS; r++) {
                vx[a * TENSION_ROWS + r] = xs[r * n + j];
                vy[a * TENSION_ROWS + r] = ys[r * n + j];
            }
        }
        for (p = 0; p < cells; p++) {  /* the cells with an extra, listed without a branch per cell */
            x = vx[p];
            y = vy[p];
            at[m] = p;
            qx[m] = x;
            qy[m] = y;
            m += x > y;  /* what its allies add to its reach */
            v[p] = 0.0;
        }
        for (c = 0; c < m; c++)
            qy[c] = (qx[c] - qy[c]) / (1.0 - qx[c]);
        for (c = 0; c < m; c++)
            v[at[c]] = qx[c] >= 1.0 ? INFINITY : log1p(qy[c]);
        for (r = 0; r < TENSION_ROWS; r++)
            total[r] = 0.0;
        for (g = 0; g < groups; g++) {
            lo = group[g];
            hi = group[g + 1];
            for (a = 0; a < hi - lo; a++)  /* odd-even transposition: hi - lo rounds sort */
                for (b = lo + (a & 1); b + 1 < hi; b += 2)
                    tension_exchange(v + b * TENSION_ROWS, v + (b + 1) * TENSION_ROWS);
            w = 1.0;
            for (a = lo; a < hi; a++) {
                if (a > lo)
                    w = w * aggregation;
                if (w > 0.0)
                    for (r = 0; r < TENSION_ROWS; r++)
                        total[r] = total[r] + w * v[a * TENSION_ROWS + r];
            }
        }
    }
    """
    enum: ROWS "TENSION_ROWS"
    enum: TENSION_LANE_SORT
    enum: TENSION_LANES_FROM
    double tension_extras(const double *xs, const double *ys, const Py_ssize_t *member, const Py_ssize_t *group,
                          Py_ssize_t groups, double aggregation, double *vx, double *vy, Py_ssize_t *cut) noexcept nogil
    void tension_extras_rows(Py_ssize_t n, const double *xs, const double *ys, const Py_ssize_t *member,
                             const Py_ssize_t *group, Py_ssize_t groups, double aggregation, double *vx, double *vy,
                             double *v, double *qx, double *qy, Py_ssize_t *at, double *total) noexcept nogil


cdef Py_ssize_t bloc_count(const int64_t[::1] bloc, Py_ssize_t n, str caller) except -1:
    """How many blocs `bloc` numbers (the largest number + 1), after checking each is in 0..n-1."""
    cdef Py_ssize_t j, nb = 0
    for j in range(n):
        if bloc[j] < 0 or bloc[j] >= n:
            raise ValueError(f"{caller}: bloc numbers must be in 0..n-1")
        if bloc[j] + 1 > nb:
            nb = bloc[j] + 1
    return nb


cdef Py_ssize_t list_members(const int64_t[::1] bloc, Py_ssize_t n, Py_ssize_t nb, Py_ssize_t *size,
                             Py_ssize_t *group, Py_ssize_t *member, double *lift) noexcept:
    """The members of blocs of more than one state, bloc by bloc in order (bloc g's are
    member[group[g]] .. member[group[g + 1] - 1], in index order), and each state's lift: +inf for a
    state that is its own bloc (y = min(u alone + inf, x) = x), else 0; returns how many such blocs.
    `size` (nb, zeroed) is scratch."""
    cdef Py_ssize_t b, j, k = 0, groups = 0
    for j in range(n):
        size[bloc[j]] += 1
    for b in range(nb):  # size[b] becomes where b's members go
        if size[b] > 1:
            group[groups] = k
            groups = groups + 1
            k = k + size[b]
            size[b] = group[groups - 1]
        else:
            size[b] = -1
    group[groups] = k
    for j in range(n):
        if size[bloc[j]] < 0:
            lift[j] = INFINITY
        else:
            lift[j] = 0.0
            member[size[bloc[j]]] = j
            size[bloc[j]] += 1
    return groups


def tension_of(intent, const double[:, ::1] share, const double[:, ::1] alone, const int64_t[::1] bloc,
               double aggregation, double floor, double t, double[::1] out):
    """Each state's tension at time t in `out`: tau_i = 1 - prod_j f_ij exp(-H_i), the product
    taken left to right, with u_ij = max(I_ij - floor, 0) / (1 - floor), x_ij = u_ij share_ij,
    y_ij = min(u_ij alone_ij, x_ij); f_ij = 1 - x_ij for a state that is its own bloc (blocs numbered
    0.. in `bloc`) and 1 - y_ij for a member of a larger bloc, whose extra e_ij = log(1 + (x_ij -
    y_ij) / (1 - x_ij)) (inf where x_ij = 1) enters H_i: bloc by bloc in order, the extras > 0 by
    decreasing size (the lower index first among equals), the r-th (from 0) weighted
    `aggregation`^r by repeated multiplication (sim.kernel.reference.tension_of).

    The same arithmetic in the same order as the twin, arranged for speed: a cell with no intent
    above the floor multiplies the product by exactly 1 and has no extra; a state that is its own
    bloc takes y = x (its y is lifted by +inf before the min); the members of larger blocs are
    listed once per call, bloc by bloc, leaving out those whose column holds no intent above the
    floor in any row (intent's `moved` 0 and `top` at or below the floor: D is 0 there and the
    baseline at most the floor), whose extras would all be none; and ROWS rows' products and
    extras are taken side by side (`tension_extras_rows`), each product still left to right and
    each row's extras summed in the twin's order."""
    cdef double[:, ::1] baseline = intent.baseline, dev = intent.dev
    cdef const uint8_t[::1] moved = intent.moved
    cdef const double[::1] top = intent.top
    cdef Py_ssize_t a, g, i, i0, j, k, r, rows, n = baseline.shape[0], nb = 0, groups = 0, largest = 0
    cdef bint lanes
    cdef double e, scale = 1.0 - floor
    cdef double product[ROWS]
    cdef double total[ROWS]
    cdef double *lift
    cdef double *f
    cdef double *xs
    cdef double *ys
    cdef double *v
    cdef Py_ssize_t *size
    cdef Py_ssize_t *member
    cdef Py_ssize_t *group
    cdef Py_ssize_t *at
    cdef Py_ssize_t *cut
    if not (baseline.shape[1] == dev.shape[0] == dev.shape[1] == share.shape[0] == share.shape[1]
            == alone.shape[0] == alone.shape[1] == out.shape[0] == bloc.shape[0] == moved.shape[0]
            == top.shape[0] == n):
        raise ValueError("tension_of: n x n matrices and n-vectors expected")
    nb = bloc_count(bloc, n, "tension_of")
    if n == 0:
        return
    e = decay(dev, intent.strength, intent.epoch, -intent.rate, t)
    size = <Py_ssize_t *> calloc(3 * (nb + 1) + n + ROWS * n, sizeof(Py_ssize_t))  # size, group, cut, member, at
    lift = <double *> malloc((1 + 8 * ROWS) * n * sizeof(double))  # lift, f, xs, ys, then 5 ROWS n for the extras
    if not (size and lift):
        free(size)
        free(lift)
        raise MemoryError()
    group, cut, member = size + (nb + 1), size + 2 * (nb + 1), size + 3 * (nb + 1)
    at = member + n
    f, xs, ys, v = lift + n, lift + (1 + ROWS) * n, lift + (1 + 2 * ROWS) * n, lift + (1 + 3 * ROWS) * n
    groups = list_members(bloc, n, nb, size, group, member, lift)
    for g in range(groups):
        largest = max(largest, group[g + 1] - group[g])
    lanes = groups > 0 and largest <= TENSION_LANE_SORT and n >= TENSION_LANES_FROM  # many small blocs, many rows
    k = 0
    for g in range(groups):  # the members whose column may hold intent above the floor, still bloc by bloc
        a = group[g]
        group[g] = k
        for i in range(a, group[g + 1]):
            j = member[i]
            if moved[j] or not top[j] <= floor:
                member[k] = j
                k = k + 1
    group[groups] = k
    for i0 in range(0, n, ROWS):
        rows = ROWS if n - i0 >= ROWS else n - i0
        for r in range(rows):
            i = i0 + r
            tension_cells(n, &baseline[i, 0], &dev[i, 0], &share[i, 0], &alone[i, 0], lift, e, floor, scale,
                          xs + r * n, ys + r * n, f + r * n)
        if lanes:
            for r in range(rows, ROWS):  # the lanes past the last row: no extras
                for j in range(n):
                    xs[r * n + j] = ys[r * n + j] = 0.0
            tension_extras_rows(n, xs, ys, member, group, groups, aggregation, v, v + ROWS * n, v + 2 * ROWS * n,
                                v + 3 * ROWS * n, v + 4 * ROWS * n, at, total)
        else:
            for r in range(rows):
                total[r] = tension_extras(xs + r * n, ys + r * n, member, group, groups, aggregation, v, v + n,
                                          cut) if groups else 0.0
        if rows == ROWS:
            for r in range(ROWS):
                product[r] = 1.0
            for j in range(n):
                for r in range(ROWS):
                    product[r] = product[r] * f[r * n + j]
        else:
            for r in range(rows):
                product[r] = 1.0
                for j in range(n):
                    product[r] = product[r] * f[r * n + j]
        for r in range(rows):
            out[i0 + r] = 1.0 - product[r] * exp(-total[r])
    free(size)
    free(lift)


def tension_terms(intent, const double[:, ::1] share, const double[:, ::1] alone, const int64_t[::1] bloc,
                  double aggregation, double floor, double t, const Py_ssize_t[::1] rows, double[:, ::1] out,
                  double[:, ::1] now):
    """Each source's term of the tension of the states `rows` at time t, what splits it by source
    (sim.model.attribution): out[k, j] = -log1p(-y_ij) (0 at y_ij = 0, inf at y_ij >= 1) + w_ij e_ij
    for i = rows[k], with the cells x_ij, y_ij and the extras e_ij of `tension_of` (y = x for a
    state that is its own bloc), w_ij the weight aggregation^r of j's extra in its bloc's ranking
    (decreasing size, the lower index first among equals; 0 when it has none), so that
    tau_i = 1 - exp(-sum_j out[k, j]) to rounding; and intent now[k, j] = I_ij(t). Called only
    when sources are asked for; `tension_of` is not touched (sim.kernel.reference.tension_terms)."""
    cdef double[:, ::1] baseline = intent.baseline, dev = intent.dev
    cdef Py_ssize_t a, b, g, i, j, k, m, n = baseline.shape[0], nb = 0, groups = 0
    cdef double e, w, item, scale = 1.0 - floor
    cdef double *lift
    cdef double *xs
    cdef double *ys
    cdef double *f
    cdef double *ext
    cdef Py_ssize_t *who
    cdef Py_ssize_t *size
    cdef Py_ssize_t *member
    cdef Py_ssize_t *group
    if not (baseline.shape[1] == dev.shape[0] == dev.shape[1] == share.shape[0] == share.shape[1]
            == alone.shape[0] == alone.shape[1] == bloc.shape[0] == out.shape[1] == now.shape[1] == n
            and out.shape[0] == now.shape[0] == rows.shape[0]):
        raise ValueError("tension_terms: n x n matrices, n-vectors and len(rows) x n out and now expected")
    nb = bloc_count(bloc, n, "tension_terms")
    for k in range(rows.shape[0]):
        if rows[k] < 0 or rows[k] >= n:
            raise ValueError("tension_terms: rows must be in 0..n-1")
    if n == 0 or rows.shape[0] == 0:
        return
    e = decay(dev, intent.strength, intent.epoch, -intent.rate, t)
    lift = <double *> malloc(5 * n * sizeof(double))  # lift, xs, ys, f, ext
    size = <Py_ssize_t *> calloc(2 * (nb + 1) + 2 * n, sizeof(Py_ssize_t))  # size, group, who, member
    if not (lift and size):
        free(lift)
        free(size)
        raise MemoryError()
    xs, ys, f, ext = lift + n, lift + 2 * n, lift + 3 * n, lift + 4 * n
    group, who, member = size + (nb + 1), size + 2 * (nb + 1), size + 2 * (nb + 1) + n
    groups = list_members(bloc, n, nb, size, group, member, lift)
    for k in range(rows.shape[0]):
        i = rows[k]
        tension_cells(n, &baseline[i, 0], &dev[i, 0], &share[i, 0], &alone[i, 0], lift, e, floor, scale, xs, ys, f)
        for j in range(n):
            now[k, j] = baseline[i, j] + dev[i, j] * e
            if ys[j] == 0.0:
                out[k, j] = 0.0
            else:
                out[k, j] = INFINITY if ys[j] >= 1.0 else -log1p(-ys[j])  # a sure threat
        for g in range(groups):
            m = 0
            for a in range(group[g], group[g + 1]):  # the bloc's members with an extra, by decreasing extra
                j = member[a]
                if not xs[j] > ys[j]:
                    continue
                item = INFINITY if xs[j] >= 1.0 else log1p((xs[j] - ys[j]) / (1.0 - xs[j]))
                b = m
                while b > 0 and ext[b - 1] < item:  # after its equals: the lower index first
                    ext[b] = ext[b - 1]
                    who[b] = who[b - 1]
                    b = b - 1
                ext[b] = item
                who[b] = j
                m = m + 1
            w = 1.0
            for a in range(m):
                if a > 0:
                    w = w * aggregation
                if w > 0.0:
                    out[k, who[a]] = out[k, who[a]] + w * ext[a]
    free(lift)
    free(size)


def split_sources(list tau, list log, list now, list base, const double[:, ::1] struct, const double[:, ::1] share,
                  const double[:, ::1] share0, double floor, double min_source, double min_part):
    """The parts of tau[k][r] (sample k, observer row r) kept for sources.csv, as
    (sample, row, source, component, value) arrays in the table's order: the arithmetic of
    `sim.model.attribution.table` cell by cell, in the order of its twin
    (sim.kernel.reference.split_sources), which defines it. The samples come as lists of arrays
    (each sample's as it was kept: no copy into one array)."""
    cdef Py_ssize_t K = len(log), R = struct.shape[0], n = struct.shape[1]
    cdef Py_ssize_t k, r, j, c, a, m = 0, kept
    cdef bint sure
    cdef double t, total, scale, part, un, ub, us, x, ratio, sh, s0, st, rank, item
    cdef double p[4]
    cdef double o[4]
    cdef const double[::1] tk
    cdef const double[:, ::1] Lk, Nk, Bk
    if not (len(tau) == len(now) == len(base) == K and share.shape[0] == share0.shape[0] == R
            and share.shape[1] == share0.shape[1] == n):
        raise ValueError("split_sources: K samples of r tau and r x n intent, and r x n shares expected")
    for k in range(K):
        tk, Lk, Nk, Bk = tau[k], log[k], now[k], base[k]
        if not (tk.shape[0] == Lk.shape[0] == Nk.shape[0] == Bk.shape[0] == R
                and Lk.shape[1] == Nk.shape[1] == Bk.shape[1] == n):
            raise ValueError("split_sources: K samples of r tau and r x n intent, and r x n shares expected")
    cdef Py_ssize_t capacity = 8 * K * R + 4 * (n + 1)  # lines, grown as needed (about 8 per row)
    cdef int64_t *codes = <int64_t *> malloc(capacity * sizeof(int64_t))  # (k R + r) 4 (n + 1) + 4 j + c
    cdef double *values = <double *> malloc(capacity * sizeof(double))
    cdef int64_t *more_codes
    cdef double *more_values
    cdef double *ranks = <double *> malloc((n + 1) * 5 * sizeof(double))
    cdef Py_ssize_t *who = <Py_ssize_t *> malloc((n + 1) * sizeof(Py_ssize_t))
    cdef double *pieces
    if not (ranks and who and codes and values):
        free(ranks)
        free(who)
        free(codes)
        free(values)
        raise MemoryError()
    pieces = ranks + (n + 1)
    for k in range(K):
        tk, Lk, Nk, Bk = tau[k], log[k], now[k], base[k]
        for r in range(R):
            t = tk[r]
            sure = False
            for j in range(n):
                if isinf(Lk[r, j]):
                    sure = True
            total = 0.0
            for j in range(n):
                total = total + ((1.0 if isinf(Lk[r, j]) else 0.0) if sure else Lk[r, j])
            scale = t / (total if total > 0.0 else 1.0)
            o[0] = o[1] = o[2] = o[3] = 0.0
            kept = 0
            for j in range(n):
                part = ((1.0 if isinf(Lk[r, j]) else 0.0) if sure else Lk[r, j]) * scale
                un = Nk[r, j] - floor
                un = un / (1.0 - floor) if un > 0.0 else 0.0
                ub = Bk[r, j] - floor
                ub = ub / (1.0 - floor) if ub > 0.0 else 0.0
                us = struct[r, j] - floor
                us = us / (1.0 - floor) if us > 0.0 else 0.0
                sh = share[r, j]
                s0 = share0[r, j]
                x = un * sh
                ratio = part / x if x > 0.0 else 0.0
                st = us * ratio
                p[0] = st * s0
                p[1] = st * (sh - s0)
                p[2] = (ub - us) * sh * ratio
                p[3] = (un - ub) * sh * ratio
                if fabs(part) < min_source * t:
                    for c in range(4):
                        o[c] = o[c] + p[c]
                elif part != 0.0:
                    rank = -(p[0] + p[1] + p[2] + p[3])
                    for c in range(4):
                        if fabs(p[c]) < min_part * t:
                            o[c] = o[c] + p[c]
                            p[c] = 0.0
                    a = kept  # sources by increasing rank, the lower index first among equals
                    while a > 0 and ranks[a - 1] > rank:
                        ranks[a] = ranks[a - 1]
                        who[a] = who[a - 1]
                        memcpy(&pieces[4 * a], &pieces[4 * (a - 1)], 4 * sizeof(double))
                        a = a - 1
                    ranks[a] = rank
                    who[a] = j
                    memcpy(&pieces[4 * a], p, 4 * sizeof(double))
                    kept = kept + 1
            ranks[kept] = INFINITY  # `other` last
            who[kept] = n
            memcpy(&pieces[4 * kept], o, 4 * sizeof(double))
            if m + 4 * (kept + 1) > capacity:
                capacity = 2 * capacity + 4 * (kept + 1)
                more_codes = <int64_t *> realloc(codes, capacity * sizeof(int64_t))
                if more_codes:
                    codes = more_codes
                more_values = <double *> realloc(values, capacity * sizeof(double))
                if more_values:
                    values = more_values
                if not (more_codes and more_values):
                    free(ranks)
                    free(who)
                    free(codes)
                    free(values)
                    raise MemoryError()
            for a in range(kept + 1):
                for c in range(4):
                    item = pieces[4 * a + c]
                    if item != 0.0:
                        codes[m] = ((k * R + r) * (n + 1) + who[a]) * 4 + c
                        values[m] = item
                        m = m + 1
    free(ranks)
    free(who)
    sample_, row_, source_, component_ = (np.empty(m, dtype=np.int64) for _ in range(4))
    value_ = np.empty(m)
    cdef int64_t[::1] sample = sample_, row = row_, source = source_, component = component_
    cdef double[::1] value = value_
    for a in range(m):
        c = codes[a]
        component[a] = c % 4
        c = c // 4
        source[a] = c % (n + 1)
        c = c // (n + 1)
        row[a] = c % R
        sample[a] = c // R
        value[a] = values[a]
    free(codes)
    free(values)
    return sample_, row_, source_, component_, value_


def format_lines(list times, list states, list cells, const int64_t[::1] time, const int64_t[::1] state,
                 const int64_t[::1] cell, const double[::1] value):
    """The text of lines times[time[m]] + states[state[m]] + cells[cell[m]] + value[m] (to 6
    significant digits, by Python's own '%.6g'; -0 written 0) + newline, one per m; times, states
    and cells are bytes (sim.kernel.reference.format_lines)."""
    cdef Py_ssize_t m, p, at = 0, count = value.shape[0], length, most = 0
    cdef char *buffer
    cdef const char *text
    cdef char *number
    cdef const int64_t *index[3]
    cdef Py_ssize_t *lengths[3]
    cdef const char **texts[3]
    parts = (times, states, cells)
    if not (time.shape[0] == state.shape[0] == cell.shape[0] == count):
        raise ValueError("format_lines: as many times, states, cells and values expected")
    index[0], index[1], index[2] = &time[0] if count else NULL, &state[0] if count else NULL, &cell[0] if count else NULL
    for p in range(3):
        for m in range(count):
            if not 0 <= index[p][m] < len(parts[p]):
                raise ValueError("format_lines: a time, state or cell index out of range")
        most += max([len(<bytes> b) for b in parts[p]], default=0)
    out = bytearray(count * (most + 32) + 1)
    buffer = out
    lengths[0] = <Py_ssize_t *> malloc((len(times) + len(states) + len(cells) + 1) * sizeof(Py_ssize_t))
    texts[0] = <const char **> malloc((len(times) + len(states) + len(cells) + 1) * sizeof(char *))
    if not (lengths[0] and texts[0]):
        free(lengths[0])
        free(texts[0])
        raise MemoryError()
    lengths[1], texts[1] = lengths[0] + len(times), texts[0] + len(times)
    lengths[2], texts[2] = lengths[1] + len(states), texts[1] + len(states)
    for p in range(3):
        for m, b in enumerate(parts[p]):
            texts[p][m] = <bytes> b  # kept alive by the lists
            lengths[p][m] = len(<bytes> b)
    for m in range(count):
        for p in range(3):
            memcpy(buffer + at, texts[p][index[p][m]], lengths[p][index[p][m]])
            at = at + lengths[p][index[p][m]]
        number = PyOS_double_to_string(value[m], 103, 6, 0, NULL)  # Python's own '%.6g' % value[m]
        length = strlen(number)
        if length == 2 and number[0] == 45 and number[1] == 48:  # "-0"
            buffer[at] = 48
            length = 1
        elif length > 32:
            PyMem_Free(number)
            free(lengths[0])
            free(texts[0])
            raise ValueError("format_lines: a value's text is longer than expected")
        else:
            memcpy(buffer + at, number, length)
        PyMem_Free(number)
        at = at + length
        buffer[at] = 10
        at = at + 1
    free(lengths[0])
    free(texts[0])
    return out[:at].decode()


def join_entries(const double[:, ::1] x, const double[::1] coef, const double[::1] low, const double[::1] high,
                 double since, double interval, double delay_scale, double delay_shape, double first_share, free,
                 const double[::1] u, double[::1] h):
    """One side's joining decision over one interval of a war (`sim.model.joining.process`):
    h[c] = p (g1 - g0) / max(1 - p g0, 1e-12), g0 = G(since), g1 = G(since + interval), G(t) = 1 -
    (1 - q) exp(-pow(t / delay_scale, delay_shape)) for t >= 0 (a share q = `first_share` of entries
    on the war's first day, the rest delayed as a Weibull), except at the war's start (since and
    interval 0), where g0 = G(0-) = 0 and g1 = G(0) = q; of the fitted chance p = 1 / (1 +
    exp(-eta)), eta = coef[0] + sum_k coef[1 + k] clip(x[c, k], low[k], high[k]) summed in the order
    of k (x: n x k, any k); returns the states c (in increasing order) with free[c] (a bool
    n-vector) and u[c] < h[c] (sim.kernel.reference.join_entries)."""
    cdef Py_ssize_t n = x.shape[0], k = x.shape[1], c, j
    cdef double g0, g1, s, v, p, d
    if not (coef.shape[0] == k + 1 and low.shape[0] == high.shape[0] == k and u.shape[0] == h.shape[0] == n
            and len(free) == n and 0.0 <= first_share <= 1.0 and delay_shape > 0.0 and delay_scale > 0.0):
        raise ValueError("join_entries: x (n x k), 1 + k coefficients, k bounds, n-vectors free, u, h, a "
                         "first-day share in 0..1 and a positive delay scale and shape expected")
    cdef const unsigned char[::1] is_free = np.asarray(free, dtype=bool).view(np.uint8)
    if since <= 0.0 and interval <= 0.0:
        g0 = 0.0
    else:
        g0 = 1.0 - (1.0 - first_share) * exp(-pow(since / delay_scale, delay_shape))
    g1 = 1.0 - (1.0 - first_share) * exp(-pow((since + interval) / delay_scale, delay_shape))
    joiners = []
    for c in range(n):
        s = 0.0
        for j in range(k):
            v = x[c, j]
            if v < low[j]:
                v = low[j]
            if v > high[j]:
                v = high[j]
            s = s + v * coef[1 + j]
        p = 1.0 / (1.0 + exp(-(coef[0] + s)))
        d = 1.0 - p * g0
        if d < 1e-12:
            d = 1e-12
        h[c] = p * (g1 - g0) / d
        if is_free[c] and u[c] < h[c]:
            joiners.append(c)
    return joiners
