"""Fixtures shared by several test modules."""

import itertools

import numpy as np
import pytest
from scipy import stats


@pytest.fixture(scope="module")
def torch_one_thread():
    """The torch tests' tensors are small: on a shared machine torch's thread pool only
    adds waiting. (torch is imported here, so modules without it never import it.)"""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def boltzmann_pvalue():
    """The chi-square p-value of final states s (B, N) of independent chains against the
    Boltzmann distribution p(s) ~ exp(-beta E(s)) by exact enumeration of the 2^N
    states; ``energy`` maps the states (2^N, N), int8, to their energies. States
    expected fewer than 5 times are pooled into one bin, when there are any."""

    def pvalue(s, energy, beta):
        B, N = s.shape
        states = np.array(list(itertools.product([-1, 1], repeat=N)), dtype=np.int8)
        E = energy(states)
        p = np.exp(-beta * (E - E.min()))
        expected = B * p / p.sum()
        index = ((s > 0) * (1 << np.arange(N - 1, -1, -1))).sum(axis=1)
        observed = np.bincount(index, minlength=2**N)
        keep = expected >= 5
        obs, exp = observed[keep], expected[keep]
        if not keep.all():
            obs = np.append(obs, observed[~keep].sum())
            exp = np.append(exp, expected[~keep].sum())
        return stats.chisquare(obs, exp).pvalue

    return pvalue
