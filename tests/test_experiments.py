"""The experiments' quick modes, their Datasets, and simulation against AGS theory."""

import matplotlib
import numpy as np
import pytest

import experiments
from experiments import hopfield_capacity, hopfield_phase_diagram
from theory import hopfield as ags

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def capacity():
    return hopfield_capacity.run(quick=True, progress=False)


@pytest.fixture(scope="module")
def phase():
    return hopfield_phase_diagram.run(quick=True, progress=False)


def test_capacity_dataset_has_documented_variables(capacity):
    ds = capacity
    assert ds["m"].dims == ("N", "flip", "alpha", "sample")
    assert ds["retrieved"].dims == ds["m"].dims
    assert ds["m_theory"].dims == ("alpha",)
    for name in ("alpha_c_rs", "alpha_c_1rsb", "alpha_c_inf", "alpha_c_inf_err"):
        assert ds[name].ndim == 0
    assert ds["alpha_c_N"].dims == ("N",)
    assert ds.attrs["experiment"] == "hopfield_capacity" and ds.attrs["seed"] == 0
    # theory only where the retrieval state exists
    beyond = ds["alpha"] > ds["alpha_c_rs"]
    assert np.isnan(ds["m_theory"].where(beyond, drop=True)).all()
    assert np.isfinite(ds["m_theory"].where(~beyond, drop=True)).all()


def test_capacity_plot_and_summary(capacity):
    fig = hopfield_capacity.plot(capacity)
    assert len(fig.axes) == 3
    assert "alpha_c(inf)" in hopfield_capacity.summary(capacity)


def test_finite_size_retrieval_transition_lies_above_and_moves_towards_alpha_c(capacity):
    # Finite networks retrieve beyond alpha_c = 0.138; the crossing falls as N grows.
    a = capacity["alpha_c_N"].values
    assert np.all(a > float(capacity["alpha_c_rs"]) - 0.01)
    assert a[-1] < a[0]


def test_phase_diagram_dataset(phase):
    ds = phase
    assert ds["m"].dims == ("alpha", "T", "sample")
    assert ds["m_theory"].dims == ("alpha", "T")
    for name in ("T_g", "T_M", "T_c"):
        assert ds[name].dims == ("alpha",)
    np.testing.assert_allclose(ds["T_g"], 1 + np.sqrt(ds["alpha"]))
    assert len(hopfield_phase_diagram.plot(ds).axes) == 3  # map, colorbar, cuts


def test_phase_diagram_retrieval_below_T_M_and_none_far_above(phase):
    # Deep inside the retrieval phase (T <= T_M / 2) Glauber dynamics keeps m near the AGS
    # value: the sample means' standard errors are below 0.01 there, and the finite-size
    # corrections at N = 800 are O(N^-1/2) = 0.035, hence 0.05. Above T_g it is a
    # paramagnet, m ~ N^-1/2 = 0.035 against m > 0.9 for retrieval; 0.25 separates the
    # two with room for the short runs' slow decorrelation.
    m = phase["m"].mean("sample")
    deep = phase["T"] <= phase["T_M"] / 2
    assert (np.abs(m - phase["m_theory"]).where(deep) < 0.05).sum() == deep.sum()
    hot = phase["T"] > phase["T_g"]
    assert (m.where(hot) < 0.25).sum() == hot.sum()


def test_overlap_at_alpha_010_matches_ags():
    # AGS (Ann. Phys. 173, 30 (1987)) at T = 0, alpha = 0.10: m = 0.9980 on the retrieval
    # branch. Monte Carlo from the stored patterns at N = 2000, 8 networks x 20 patterns.
    # Tolerance: 4 standard errors over networks (~0.001) plus a finite-size allowance of
    # 0.001 (the offset measured at N = 2000 is 6e-5). The dynamics must also leave the
    # pattern: 1 - m = 0.002 is many standard errors from 0 (m = 1 if nothing moved).
    ds = hopfield_capacity.run(
        quick=True, progress=False, N=(2000,), flip=(0.0,), alpha=(0.10,), samples=8, cues=20
    )
    m = ds["m"].sel(N=2000, flip=0.0, alpha=0.10)
    sem = float(m.std("sample", ddof=1)) / np.sqrt(m.sizes["sample"])
    theory = float(ags.m_of_alpha(np.array([0.10]))[0])
    assert abs(float(m.mean()) - theory) < 4 * sem + 0.001
    assert 1 - float(m.mean()) > 5 * sem


def test_unknown_experiment_is_rejected():
    with pytest.raises(ValueError, match="name must be one of"):
        experiments.get("hopfield_capcity")
