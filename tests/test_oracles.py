"""Oracles written independently of the code they check.

- Storkey's learning rule against its element-wise definition, loops over i, j, k.
- The temperature of every Glauber path (p-spin, multitask, the classical network in
  both field representations) against exact enumeration of the 2^N states, with the
  energy written out here as the sum over index tuples, never taken from a model. The
  statistic is the mean energy <E>: for the Boltzmann family p(s) ~ exp(-E(s) / T) it
  is the sufficient statistic for T, and d<E>/dT = Var(E) / T^2, so a temperature error
  dT shifts it by Var(E) dT / T^2. Each case is sized so that a 5 % error in T moves
  <E> by 10 to 15 standard errors of the Monte Carlo mean, while the test allows 3.5.
"""

import itertools

import numpy as np
import pytest

from assoc import Hopfield, patterns
from assoc.models import Multitask, PSpinHopfield, storkey

# ---------------------------------------------------------------------------------
# Storkey (1997)


def storkey_by_definition(xi):
    """Storkey, ICANN'97, LNCS 1327, 451 (1997), Eq. (2), element by element:

    J^mu_ij = J^{mu-1}_ij + (1/N) (xi_i xi_j - xi_i h_ji - h_ij xi_j),
    h_ij = sum_{k != i, j} J^{mu-1}_ik xi_k, xi = xi^mu, J_ii = 0, J^0 = 0;
    float64, plain loops.
    """
    P, N = xi.shape
    J = [[0.0] * N for _ in range(N)]
    for mu in range(P):
        x = [int(v) for v in xi[mu]]
        h = [[0.0] * N for _ in range(N)]  # h[i][j] = h_ij of the previous couplings
        for i in range(N):
            for j in range(N):
                h[i][j] = sum(J[i][k] * x[k] for k in range(N) if k != i and k != j)
        new = [[0.0] * N for _ in range(N)]
        for i in range(N):
            for j in range(N):
                if i != j:
                    new[i][j] = J[i][j] + (x[i] * x[j] - x[i] * h[j][i] - h[i][j] * x[j]) / N
        J = new
    return np.array(J)


@pytest.mark.parametrize(("N", "P", "seed"), [(2, 1, 0), (7, 3, 1), (12, 5, 2), (20, 8, 3)])
def test_storkey_matches_its_element_wise_definition(N, P, seed):
    # storkey() returns float32: agreement to 1e-5 of the largest coupling, elementwise
    # (the float32 rounding of an entry of size |J| is 6e-8 |J|).
    xi = patterns.random_spins(P, N, rng=seed)
    want = storkey_by_definition(xi)
    got = storkey(xi)
    assert got.dtype == np.float32 and got.shape == (N, N)
    np.testing.assert_array_equal(np.diagonal(got), 0.0)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * np.abs(want).max())


# ---------------------------------------------------------------------------------
# Temperature: exact enumeration against long Glauber runs


def all_states(N):
    """The 2^N states (2^N, N), int64, row r the binary digits of r (1 -> +1, 0 -> -1),
    most significant first."""
    return np.array(list(itertools.product([-1, 1], repeat=N)), dtype=np.int64)


def state_index(s):
    """Row of `all_states` holding each state of s (B, N)."""
    N = s.shape[1]
    return ((s > 0) * (1 << np.arange(N - 1, -1, -1))).sum(axis=1)


def pspin_energies(xi, p, S):
    """H(s) = -N^-(p-1) sum_mu sum_{i_1 < ... < i_p} xi^mu_{i_1} s_{i_1} ... xi^mu_{i_p}
    s_{i_p} for every row of S, summed tuple by tuple."""
    K, N = xi.shape
    E = np.zeros(len(S))
    for idx in itertools.combinations(range(N), p):
        for mu in range(K):
            term = np.ones(len(S))
            for i in idx:
                term *= xi[mu, i] * S[:, i]
            E -= term
    return E / N ** (p - 1)


def hebb_by_definition(xi):
    """J_ij = (1/N) sum_mu xi_i^mu xi_j^mu for i != j, J_ii = 0, by loops."""
    P, N = xi.shape
    J = np.zeros((N, N))
    for i in range(N):
        for j in range(N):
            if i != j:
                J[i, j] = sum(int(xi[mu, i]) * int(xi[mu, j]) for mu in range(P)) / N
    return J


def pair_energies(J, S):
    """E(s) = -1/2 sum_{i != j} J_ij s_i s_j = -sum_{i < j} J_ij s_i s_j, pair by pair."""
    N = J.shape[0]
    E = np.zeros(len(S))
    for i in range(N):
        for j in range(i + 1, N):
            E -= J[i, j] * S[:, i] * S[:, j]
    return E


def boltzmann_mean(E, T):
    """<E> = sum_s E(s) exp(-E(s)/T) / Z over the enumerated states."""
    w = np.exp(-(E - E.min()) / T)
    return float(np.sum(w * E) / np.sum(w))


def glauber_mean_energy(net, E, *, B, samples, gap, equilibrate, seed):
    """<E> over B independent Glauber chains of ``net`` (each from a random state,
    ``equilibrate`` sweeps, then ``samples`` states ``gap`` sweeps apart), the energy of
    each sampled state read from the enumerated table E. Returns (mean, standard error):
    the error from the spread of the B per-chain means, so that the correlation of the
    states of one chain is accounted for."""
    rng = np.random.default_rng(seed)
    s = patterns.random_spins(B, net.N, rng=rng)
    s = net.recall(s, rng=rng, sweeps=1, equilibrate=equilibrate - 1).s
    chain = np.zeros(B)
    for _ in range(samples):
        s = net.recall(s, rng=rng, sweeps=1, equilibrate=gap - 1).s
        chain += E[state_index(s)]
    chain /= samples
    return chain.mean(), chain.std(ddof=1) / np.sqrt(B)


def assert_temperature(net, E, T, **run):
    """The Glauber mean energy agrees with the exact <E> at T within 3.5 standard errors.

    The standard error is that of the mean of B = 2000 independent chain averages, so
    z = (mean - exact) / se is close to a standard normal (over 20 seeds its spread
    was 0.9-1.1 in every case below): |z| < 3.5 fails a correct sampler with
    probability 5e-4. The test also checks its own power: a 5 % error in T must move
    the exact <E> by more than 7 standard errors (with that error put into the heat-bath
    thresholds, the cases below measured z = 10.7 to 15.3).
    """
    mean, se = glauber_mean_energy(net, E, **run)
    want = boltzmann_mean(E, T)
    z = (mean - want) / se
    # the shift of <E>, in standard errors, that a 5 % temperature error would cause
    z_hot = (boltzmann_mean(E, 1.05 * T) - want) / se
    assert abs(z) < 3.5, f"<E> = {mean:.5f} +- {se:.5f}, exact {want:.5f}: z = {z:.2f}"
    assert abs(z_hot) > 7  # the test resolves a 5 % error in T
    return z


# 2000 chains, 40 sweeps to forget the random start (N = 10: the chains mix in a few),
# then 12 states 3 sweeps apart: 36 000 states, well under a second per model.
RUN = dict(B=2000, samples=12, gap=3, equilibrate=40)


def test_pspin_glauber_samples_the_temperature_of_exact_enumeration():
    # N = 10, p = 3, K = 2 patterns at T = 0.2, where Var(E)^(1/2) / T = 2.4 (the heat
    # capacity peak between the retrieval and paramagnetic states): <E>(1.05 T) - <E>(T)
    # = 0.11 sd(E), ~11 standard errors of the mean of 2000 chains x 12 samples.
    N, p, K, T = 10, 3, 2, 0.2
    xi = patterns.random_spins(K, N, rng=1)
    E = pspin_energies(xi.astype(np.int64), p, all_states(N))
    net = PSpinHopfield(N, p, T=T).store(xi)
    assert_temperature(net, E, T, seed=10, **RUN)


@pytest.mark.parametrize("fields", ["overlaps", "couplings"])
def test_multitask_glauber_samples_the_temperature_of_exact_enumeration(fields):
    # N = 10, K = 3 diluted patterns (d = 0.3) at T = 0.5, J by loops and E pair by pair:
    # sd(E) / T = 1.7, and 5 % in T moves <E> by 0.087 sd(E), ~11 standard errors.
    N, K, d, T = 10, 3, 0.3, 0.5
    xi = patterns.diluted_spins(K, N, d, rng=2)
    E = pair_energies(hebb_by_definition(xi), all_states(N))
    net = Multitask(N, T=T, fields=fields).store(xi)
    assert_temperature(net, E, T, seed=11, **RUN)


@pytest.mark.parametrize("fields", ["overlaps", "couplings"])
def test_hopfield_glauber_samples_the_temperature_of_exact_enumeration(fields):
    # N = 10, P = 2 Hebbian patterns at T = 0.7: sd(E) / T = 2.0, and 5 % in T moves <E>
    # by 0.104 sd(E), ~15 standard errors. Both engines: the fields kept as h = N J s
    # (integer couplings, thresholds in units of N) and as the P overlaps.
    N, P, T = 10, 2, 0.7
    xi = patterns.random_spins(P, N, rng=3)
    E = pair_energies(hebb_by_definition(xi), all_states(N))
    net = Hopfield(N, T=T, fields=fields).store(xi)
    assert_temperature(net, E, T, seed=12, **RUN)


def test_storkey_couplings_glauber_samples_the_temperature_of_exact_enumeration():
    # General float couplings (the couplings engine in the units of h, unit = 1), the
    # energy from the element-wise Storkey oracle above: N = 10, P = 3, T = 0.5,
    # sd(E) / T = 2.0, 5 % in T moves <E> by 0.100 sd(E), ~13 standard errors.
    N, P, T = 10, 3, 0.5
    xi = patterns.random_spins(P, N, rng=4)
    E = pair_energies(storkey_by_definition(xi), all_states(N))
    net = Hopfield(N, rule="storkey", T=T).store(xi)
    assert_temperature(net, E, T, seed=13, **RUN)
