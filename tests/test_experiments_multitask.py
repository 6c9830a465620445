"""The multitasking experiments' quick modes: Datasets and simulation beside theory."""

import matplotlib
import numpy as np
import pytest

from experiments import multitask_learning, multitask_regimes

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def regimes():
    return multitask_regimes.run(quick=True, progress=False)


@pytest.fixture(scope="module")
def learning():
    return multitask_learning.run(quick=True, progress=False)


def test_regimes_dataset(regimes):
    ds = regimes
    assert ds["m"].dims == ("P", "T", "d", "sample", "k")
    assert ds["fraction"].dims == ("P", "T", "d", "sample", "regime")
    np.testing.assert_allclose(ds["fraction"].sum("regime"), 1.0)
    assert ds["m_ground"].dims == ("P", "T", "d", "k")
    assert ds["regime_map"].dims == ("P", "T_map", "d_map")
    assert "P = 2" in multitask_regimes.summary(ds)
    assert len(multitask_regimes.plot(ds).axes) == 2 * ds.sizes["P"] + 1


def test_K2_zero_T_overlaps_follow_the_global_minimum(regimes):
    # P = 2 at T = 0 has a single ground state family (the hierarchy) for every d < 1:
    # random starts reach it; tolerance 0.03 covers 1/sqrt(N) = 0.022 pattern noise.
    cut = regimes.sel(P=2, T=0.0)
    gap = np.abs(cut["m"].mean("sample") - cut["m_ground"]).sel(k=[1, 2])
    assert float(gap.max()) < 0.03


def test_learning_dataset_and_K1_agreement(learning):
    ds = learning
    assert ds["m"].dims == ("protocol", "P", "M", "sample", "k")
    assert ds["m_theory"].dims == ("P", "M", "k")
    # supervised P = 1 is the majority vote at every M (the test's 5 sigma of the mean
    # over samples x starts, plus 1/sqrt(N) for the finite-N pattern statistics)
    m = ds["m"].sel(protocol="supervised", P=1, k=1)
    sem = m.std("sample", ddof=1) / np.sqrt(ds.sizes["sample"])
    gap = np.abs(m.mean("sample") - ds["m_theory"].sel(P=1, k=1))
    assert bool((gap < 5 * sem + 1 / np.sqrt(ds.attrs["N"])).all())
    assert len(multitask_learning.plot(ds).axes) == ds.sizes["P"]
    assert "supervised" in multitask_learning.summary(ds)
