r"""Dense associative memories: many-spin energies of the overlaps with the patterns.

N Ising spins s store P patterns xi (int8 +-1, shape (P, N)) in an energy that is a
sum over patterns of a function of the overlap x_mu = xi^mu . s:

- :class:`DenseHopfield`, E(s) = -sum_mu F(xi^mu . s) with F(x) = x^n ("power",
  Krotov & Hopfield [1]_), F(x) = max(x, 0)^n ("rectified", [1]_) or F(x) = exp(x)
  ("exponential", Demircigil et al. [2]_). P grows as N^(n-1) for the polynomials and
  as exp(alpha N) for the exponential.
- :class:`PSpinHopfield`, the p-spin Hebbian model over distinct indices [3]_,
  H = -N^-(p-1) sum_mu sum_{i_1 < ... < i_p} xi^mu_{i_1} ... xi^mu_{i_p} s_{i_1} ... s_{i_p},
  with the load P = alpha N^(p-1): the normalisation in which its replica theory is
  written (``theory.dense``).

The two conventions. Started at a stored pattern, the field on a spin has a signal and
a crosstalk from the other P - 1 patterns. For F(x) = x^n the crosstalk of one pattern
is n x^(n-1), x ~ sqrt(N) z a sum of random signs, of variance n^2 (2n-3)!! N^(n-1)
against a signal n N^(n-1); for the distinct-index model it is the elementary symmetric
polynomial e_{p-1}(x) ~ N^((p-1)/2) He_{p-1}(z) / (p-1)!, of variance N^(p-1) / (p-1)!
against a signal N^(p-1) / (p-1)!. Equal signal-to-noise ratios at n = p give

    alpha_F = alpha (p-1)! / (2p-3)!!,    P = alpha_F N^(n-1) = alpha N^(p-1),

so at n = p = 3 the full-power model holds the same one-step error at 2/3 of the load,
at n = p = 4 at 2/5 (``theory.dense.alpha_to_full_power``); at n = p = 2 both are the
Hopfield network. This maps the T = 0 retrieval states at leading order in N; at T > 0
the two models differ (and for F(x) = x^n the temperature scale grows as N^(n-1)).

Dynamics. The overlaps M = xi s are kept, so that the exact energy difference of a flip
costs O(P) and never a sum over N (:mod:`assoc._kernels.dense`); memory is O(P N), so
that P may be far above N. ``recall`` runs zero-temperature asynchronous dynamics to a
fixed point or Glauber (heat-bath) dynamics at temperature T, on one state or a batch,
from full or partial cues, with the overlaps and energy traced per sweep on request.

References
----------
.. [1] D. Krotov, J. J. Hopfield, "Dense associative memory for pattern recognition",
   NIPS 2016, arXiv:1606.01164.
.. [2] M. Demircigil, J. Heusel, M. Löwe, S. Upgang, F. Vermet, J. Stat. Phys. 168, 288
   (2017), arXiv:1702.01929.
.. [3] E. Gardner, J. Phys. A 20, 3453 (1987); P. Baldi, S. S. Venkatesh, Phys. Rev.
   Lett. 58, 913 (1987).
"""

from __future__ import annotations

import math

import numpy as np

from .._kernels import dense as _dense
from .._kernels import spins as _spins
from .._validation import as_generator, check_choice, check_int, check_real, check_size, fail
from ._base import SpinMemory, _Fields, run_dynamics
from .memory import not_applicable

__all__ = ["DenseHopfield", "PSpinHopfield"]

_KINDS = {
    "power": _dense.POLYNOMIAL,
    "rectified": _dense.RECTIFIED,
    "exponential": _dense.EXPONENTIAL,
}


def _power_difference(n):
    """(x + 1)^n - (x - 1)^n = sum over odd k of 2 C(n, k) x^(n-k): coefficients, lowest
    first, as Python integers."""
    g = [0] * n
    for k in range(1, n + 1, 2):
        g[n - k] = 2 * math.comb(n, k)
    return g


def _elementary_times_factorial(k, n):
    """k! e_k(y_1..y_n) of n signs y_j = +-1 as a polynomial in their sum x (coefficients
    lowest first, integers).

    e_k is the coefficient of t^k in (1 + t)^a (1 - t)^b, a = (n + x)/2, b = (n - x)/2;
    that generating function G obeys (1 - t^2) G' = (x - n t) G, so
    (j + 1) e_{j+1} = x e_j - (n - j + 1) e_{j-1}, e_0 = 1, e_1 = x (Newton's identities
    with the power sums x, n, x, n, ..., collapsed). For f_j = j! e_j:
    f_{j+1} = x f_j - j (n - j + 1) f_{j-1}, integer throughout; e.g.
    f_2 = x^2 - n, f_3 = x^3 - (3n - 2) x.
    """
    previous, f = [1], [0, 1]
    if k == 0:
        return previous
    for j in range(1, k):
        shifted = [0, *f]
        damped = [j * (n - j + 1) * a for a in previous] + [0, 0]
        previous, f = f, [a - b for a, b in zip(shifted, damped)]
    return f


def _float_accurate(k, n):
    """Whether float64 evaluates G = k! e_k of n signs, as a polynomial in their sum x
    (`_elementary_times_factorial`), as the kernels do (Horner's scheme in x^2), with an
    error below 2^-20 of the larger of |G(x)| and the typical |G|, sqrt(C(n, k)) k!
    (its root mean square over random signs, e_k being orthogonal), at every sum x of n
    signs.

    Horner's scheme of degree d in y = x^2 errs by at most gamma_{2d} S(x),
    S(x) = sum_j |G_j| |x|^j (Higham, Accuracy and Stability of Numerical Algorithms,
    2nd ed., Eq. (5.3)), gamma_m = m u / (1 - m u), u = 2^-53; rounding the
    coefficients to float64 and the product x Gamma(x^2) add two more units, and
    (2d + 4) u S(x) bounds it all. The coefficients alternate in sign, so the
    cancellation, and with it the error, grows with k. Where S(n) < 2^53 the evaluation
    is exact. The test itself runs in float64 on every x at once: G(x) is known there to
    within the same bound, which is subtracted from |G(x)|.
    """
    coefficients = _elementary_times_factorial(k, n)
    if sum(abs(g) * n**j for j, g in enumerate(coefficients)) < 2**53:
        return True
    try:
        c = np.array(coefficients[::-1], dtype=np.float64)  # highest first
    except OverflowError:  # a coefficient beyond float64
        return False
    x = np.arange(n % 2, n + 1, 2, dtype=np.float64)  # G has the parity of k
    value, terms = np.zeros_like(x), np.zeros_like(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for g in c:
            value, terms = value * x + g, terms * x + abs(g)
    if not np.isfinite(terms).all():  # partial sums beyond float64
        return False
    error = (2 * ((len(c) - 1) // 2) + 4) * 2.0**-53 * terms
    typical = float(math.isqrt(math.comb(n, k)) * math.factorial(k))
    return bool(np.all(error <= 2.0**-20 * np.maximum(np.abs(value) - error, typical)))


def _in_x_squared(coefficients):
    """A polynomial of definite parity, G(x) = Gamma(x^2) or x Gamma(x^2), as
    (coefficients of Gamma, highest first, float64, padded to at least 4; whether G is
    odd)."""
    odd = (len(coefficients) - 1) % 2 == 1
    gamma = coefficients[1::2] if odd else coefficients[0::2]
    gamma = [0] * (4 - len(gamma)) + gamma[::-1]
    return np.array(gamma, dtype=np.float64), odd


def _check_N(N):
    """N >= 2 spins, with the 2N + 3 exponentials of a dense engine in memory."""
    N = check_int("N", N, low=2)
    check_size("N", (2 * N + 3,))
    return N


class DenseFields(_Fields):
    """Field engine of a dense memory: keeps the overlaps M = xi s (int32) of a batch and
    runs the sweeps of :mod:`assoc._kernels.spins` on them, the fields those of
    :mod:`assoc._kernels.dense`.

    ``G`` holds the coefficients (lowest first, integers) of the polynomial G of the
    fields, h_i = scale sum_mu xi_i^mu G(x_mu); for the exponential it is unused.
    """

    def __init__(self, xi, kind, G, scale):
        P, N = xi.shape
        self.xiT = np.ascontiguousarray(xi.T)
        self.kind, self.scale = kind, scale
        self.c, self.odd = _in_x_squared(G)
        self.e = np.exp(np.arange(-2 * N - 1, 2, dtype=np.float64))  # exp(x - c), x - c <= 1
        # every partial sum of the polynomial fields is at most P sum_k |G_k| N^k
        self.bound = (
            0 if kind == _dense.EXPONENTIAL else P * sum(abs(g) * N**k for k, g in enumerate(G))
        )
        self.exact = kind != _dense.EXPONENTIAL and self.bound < 2**53
        self._fields = (self.xiT, kind, self.c, self.odd, self.e, float(scale))

    def start(self, s):
        M = np.empty((s.shape[0], self.xiT.shape[1]), dtype=np.int32)
        _spins.overlaps(self.xiT, s, M)
        return M

    def fields(self, s, M):
        h = np.empty(s.shape, dtype=np.float64)
        _dense.fields(self.kind, self.c, self.odd, self.e, self.scale, self.xiT, s, M, h)
        return h

    def _one(self, *args):
        return _spins.sweeps(self._fields, *args)

    def _batch(self, *args):
        _spins.sweeps_batch(self._fields, *args)


class DenseHopfield(SpinMemory):
    r"""Dense associative memory of N +-1 spins, E(s) = -sum_mu F(xi^mu . s).

    Parameters
    ----------
    N : int
        Number of spins, N >= 2.
    F : {"power", "rectified", "exponential"}, default="power"
        Interaction function: x^n, max(x, 0)^n [1]_ or exp(x) [2]_.
    n : int, optional
        Power of the polynomial F, n >= 2 (n = 2 is the Hopfield network with
        J = 2 xi^T xi); None means 3. Refused with F = "exponential", which has no power
        (its ``n`` is None).
    T : float, default=0.0
        Temperature, in the units of E. At T = 0 ``recall`` runs zero-temperature
        asynchronous dynamics, s_i <- sign h_i, to a fixed point; at T > 0 Glauber
        dynamics, P(s_i = +1) = (1 + tanh(h_i / T)) / 2.

    Notes
    -----
    The local field is h_i = (E(s_i = -1) - E(s_i = +1)) / 2, for a +-1 pattern
    h_i = (1/2) sum_mu xi_i^mu [F(x_mu + 1) - F(x_mu - 1)], x_mu = sum_{j != i}
    xi_j^mu s_j: the update rule of Krotov & Hopfield [1]_ and Demircigil et al. [2]_,
    so that s_i <- sign h_i never raises E. For the polynomials every term is an
    integer, and the fields are exact (ties h_i = 0 keep s_i exactly) while every
    partial sum stays below 2^53, i.e. while P sum_k |G_k| N^k < 2^53 for
    G(x) = F(x + 1) - F(x - 1) = sum_k G_k x^k (:attr:`exact`; N = 1000, n = 3,
    P = 10^6 qualifies).

    F = "exponential": exp(xi . s) overflows float64 beyond N ~ 709, so the fields are
    summed shifted by the largest overlap, c = max_mu xi^mu . s; :meth:`field` returns
    h_i exp(-c) (the same factor for every spin of a state), and :meth:`energy` and
    ``Recall.energy`` report -ln(-E) = -lse(1, xi s), the form E = -exp(lse(1, xi s))
    of Ramsauer et al. (arXiv:2008.02217): a strictly increasing function of E, finite
    for every N, so that every comparison of energies is unchanged.

    References
    ----------
    .. [1] Krotov, Hopfield, NIPS 2016, arXiv:1606.01164, Eqs. (1)-(3).
    .. [2] Demircigil et al., J. Stat. Phys. 168, 288 (2017), Eq. (1.4) and Theorem 3.

    Examples
    --------
    >>> from assoc import patterns
    >>> xi = patterns.random_spins(2000, 100, rng=0)  # P = 20 N patterns, n = 4
    >>> net = DenseHopfield(100, n=4).store(xi)
    >>> r = net.recall(patterns.flip(xi[:5], 0.1, rng=1), rng=2)
    >>> bool((r.m[range(5), range(5)] == 1.0).all())
    True
    """

    _params = ("N", "F", "n", "T")

    def __init__(self, N, *, F="power", n=None, T=0.0):
        self.N = _check_N(N)
        self.F = check_choice("F", F, _KINDS)
        if F == "exponential":
            not_applicable("n", n, 'with F="exponential" (F(x) = exp(x) has no power n)')
            self.n = None
        else:
            self.n = check_int("n", 3 if n is None else n, low=2)
            # a field sums terms up to G(N) >= 2 (N + 1)^(n-1), below 2^1000 (see store)
            top = 1 + int(999 / math.log2(self.N + 1))
            if self.n > top:
                fail(
                    "n",
                    "small enough that the fields fit in float64 (2 (N + 1)^(n-1) < "
                    f"2^1000: n <= {top} for N = {self.N})",
                    self.n,
                )
        self.T = check_real("T", T, low=0.0)
        self.xi = None
        self._engine = None

    def _interaction(self):
        """(kind, G, scale, F, energy_scale): h_i = scale sum_mu xi_i^mu G(x_mu) and
        E = -energy_scale sum_mu F(xi^mu . s), G and F as coefficients, lowest first."""
        if self.F == "exponential":
            return _dense.EXPONENTIAL, [1], math.sinh(1.0), [1], 1.0
        return _KINDS[self.F], _power_difference(self.n), 0.5, [0] * self.n + [1], 1.0

    def _degree(self):
        return "n", self.n

    @property
    def exact(self):
        """Whether the fields of the stored patterns are computed exactly (integers below
        2^53 throughout; always False for the exponential)."""
        self._stored()
        return self._engine.exact

    @property
    def alpha(self):
        """Load: P / N^(n-1) for the polynomials, ln(P) / N for the exponential
        (P = exp(alpha N), Demircigil et al.)."""
        if self.F == "exponential":
            return math.log(self.P) / self.N
        return self.P / self.N ** (self.n - 1)

    def store(self, xi):
        """Store the patterns ``xi`` (ndarray of shape (P, N), int8 +-1, P >= 1); returns
        self."""
        xi = self._check_patterns(xi)
        if xi.shape[0] == 0:
            fail("xi", "at least one pattern", "shape (0, N)")
        kind, G, scale, F, energy_scale = self._interaction()
        engine = DenseFields(xi, kind, G, scale)
        if engine.bound >= 2**1000:  # leaves room for the energies, one power of N more
            name, degree = self._degree()
            fail(
                name,
                "small enough that the fields fit in float64 (P sum_k |G_k| N^k < 2^1000,"
                f" G(x) = F(x + 1) - F(x - 1)) for P = {xi.shape[0]}, N = {self.N}",
                degree,
            )
        self.xi, self._engine = xi, engine
        self._energy_terms = (kind, *_in_x_squared(F), energy_scale)
        return self

    def field(self, s):
        """Local fields h_i = (E(s_i = -1) - E(s_i = +1)) / 2, float64 of shape s.shape
        (for F = "exponential" h_i exp(-max_mu xi^mu . s))."""
        self._stored()
        s = self._check_state(s)
        batch = np.array(s, ndmin=2)
        h = self._engine.fields(batch, self._engine.start(batch))
        return h[0] if s.ndim == 1 else h

    def energy(self, s):
        """E(s), float or ndarray of shape (B,) (for F = "exponential" -ln(-E))."""
        self._stored()
        s = self._check_state(s)
        E = self._energies(self._engine.start(np.array(s, ndmin=2)))
        return E[0] if s.ndim == 1 else E

    def _energies(self, M):
        kind, c, odd, energy_scale = self._energy_terms
        E = np.empty(M.shape[0])
        _dense.energies(kind, c, odd, M, E)
        return energy_scale * E

    def _measure(self, s, kept=None):
        M = self._engine.start(s) if kept is None else kept  # the overlaps xi s
        return M / self.N, self._energies(M)

    def recall(
        self, cue, *, rng=None, max_sweeps=None, sweeps=None, equilibrate=None, trace=False
    ):
        """Run the dynamics from ``cue`` (one state (N,) or a batch (B, N), int8).

        Parameters
        ----------
        cue : ndarray of shape (N,) or (B, N), int8
            Initial states, entries +-1, or 0 for an unknown bit (`patterns.mask`),
            which starts at +-1 drawn from ``rng``; not modified.
        rng : None, int or numpy.random.Generator
            Draws the unknown bits of the cue, then the update orders (and, at T > 0,
            the thresholds of the heat bath).
        max_sweeps : int, default=100
            T = 0 only: stop at a fixed point or after this many sweeps.
        sweeps : int
            T > 0 only, required: measured Glauber sweeps.
        equilibrate : int, default=0
            T > 0 only: sweeps run before measuring.
        trace : bool, default=False
            Record the overlaps and the energy at the start and after every sweep
            (``Recall.m_trace``, ``Recall.energy_trace``); at T = 0 the traced energy
            never increases.

        Returns
        -------
        Recall
            ``m`` holds the final overlaps (1/N) xi s; at T > 0 ``m_mean`` the overlaps
            of the state averaged over the measured sweeps.
        """
        self._stored()
        options = self._options(max_sweeps=max_sweeps, sweeps=sweeps, equilibrate=equilibrate)
        observe = self._tracer(trace)
        rng = as_generator(rng)
        s, single = self._cues(cue, rng)
        kept, n, s_mean, fixed = run_dynamics(
            self._engine, s, T=self.T, rng=rng, options=options, observe=observe
        )
        return self._recall(s, single, kept, n, s_mean, fixed, trace=observe)


class PSpinHopfield(DenseHopfield):
    r"""The p-spin Hebbian model over distinct indices, with load P = alpha N^(p-1).

    .. math::

        H(s) = -\frac{1}{N^{p-1}} \sum_\mu \sum_{i_1 < \dots < i_p}
            \xi^\mu_{i_1} \cdots \xi^\mu_{i_p}\, s_{i_1} \cdots s_{i_p}
             = -\frac{1}{N^{p-1}} \sum_\mu e_p(\xi^\mu_1 s_1, \dots, \xi^\mu_N s_N),

    e_p the elementary symmetric polynomial; at large N, H = -(N/p!) sum_mu m_mu^p
    + O(1), m_mu the Mattis overlaps. p = 2 is the Hopfield network
    (J = xi^T xi / N, zero diagonal). The replica-symmetric theory of its retrieval
    states is ``theory.dense.rs_retrieval`` [1]_; its loads relate to those of
    :class:`DenseHopfield` with F(x) = x^p by alpha_F = alpha (p-1)! / (2p-3)!!
    (module notes).

    The couplings, a p-index tensor, are never built: e_p of N signs depends only on
    their sum, the overlap x = xi^mu . s, through (j + 1) e_{j+1} = x e_j -
    (N - j + 1) e_{j-1} (Newton's identities for +-1 variables; e.g.
    e_3 = x (x^2 - 3N + 2) / 6), so the field of spin i is
    h_i = N^-(p-1) sum_mu xi_i^mu e_{p-1}(x_mu - xi_i^mu s_i; N - 1), O(P p) per spin,
    exact while :attr:`exact`.

    It is the :class:`DenseHopfield` of F = "power", n = p (attributes ``F`` and ``n``)
    with the repeated-index terms of every power removed: the same leading order in N,
    the interaction e_p in place of x^p.

    Parameters
    ----------
    N : int
        Number of spins, N >= 2.
    p : int, default=3
        Number of spins in each interaction, 2 <= p <= N, and small enough that float64
        holds the fields: e_{p-1} of N - 1 signs is an alternating sum whose
        cancellation grows with p, and p is refused where it could cost more than 20 of
        float64's 53 bits, or where N^-(p-1) / p! underflows (N = 200: p <= 27).
    T : float, default=0.0
        Temperature (the retrieval state exists below ``theory.dense.T_max(p)``).

    References
    ----------
    .. [1] Gardner, J. Phys. A 20, 3453 (1987); Bovier, Niederhauser, Adv. Theor. Math.
       Phys. 5, 1001 (2001).

    Examples
    --------
    >>> from assoc import patterns
    >>> xi = patterns.random_spins(800, 100, rng=0)  # alpha = P / N^2 = 0.08, p = 3
    >>> net = PSpinHopfield(100, 3).store(xi)
    >>> r = net.recall(xi[:4], rng=1)
    >>> bool((r.m[range(4), range(4)] > 0.9).all()), net.F, net.n
    (True, 'power', 3)
    """

    _params = ("N", "p", "T")

    def __init__(self, N, p=3, *, T=0.0):
        N = _check_N(N)
        p = check_int("p", p, low=2, high=N)
        if not _p_in_float64(N, p):
            top = max(q for q in range(2, p) if _p_in_float64(N, q))
            fail(
                "p",
                f"one whose fields float64 holds for N = {N} (the cancellation in "
                "e_(p-1) of N - 1 signs must cost at most 20 of its 53 bits, and "
                f"N^-(p-1) / p! must not underflow; the largest p below this one that "
                f"passes is {top})",
                p,
            )
        self.p = p
        super().__init__(N, F="power", n=self.p, T=T)

    def _degree(self):
        return "p", self.p

    def _interaction(self):
        # h_i = N^-(p-1) sum_mu xi_i^mu e_{p-1}(x_mu; N - 1), E = -N^-(p-1) sum e_p(x; N)
        p, N = self.p, self.N
        G = _elementary_times_factorial(p - 1, N - 1)
        F = _elementary_times_factorial(p, N)
        norm = float(N) ** -(p - 1)
        return _dense.POLYNOMIAL, G, norm / math.factorial(p - 1), F, norm / math.factorial(p)

    @property
    def alpha(self):
        """Load alpha = P / N^(p-1)."""
        return self.P / self.N ** (self.p - 1)


def _p_in_float64(N, p):
    """Whether the p-spin model of N spins has its fields and energies in float64: the
    normalisations N^-(p-1) / (p-1)! and N^-(p-1) / p! are normal numbers, and
    e_{p-1} of N - 1 signs and e_p of N signs are evaluated to 2^-20 (`_float_accurate`)."""
    log_norm = -(p - 1) * math.log(N) - math.lgamma(p + 1)
    return (
        log_norm > math.log(np.finfo(np.float64).tiny)
        and _float_accurate(p - 1, N - 1)
        and _float_accurate(p, N)
    )
