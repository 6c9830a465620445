"""The quick modes of dense_capacity and modern_retrieval: their Datasets, figures, and
the physics they show against theory."""

import matplotlib
import numpy as np
import pytest

from experiments import dense_capacity, modern_retrieval

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def dense():
    return dense_capacity.run(quick=True, progress=False)


@pytest.fixture(scope="module")
def modern():
    return modern_retrieval.run(quick=True, progress=False)


def test_dense_capacity_dataset_has_documented_variables(dense):
    ds = dense
    for name in ("p_error", "stable", "m", "sweeps"):
        assert ds[name].dims == ("n", "load", "sample")
    for name in ("P", "p_error_theory", "m_theory"):
        assert ds[name].dims == ("n", "load")
    for name in ("N", "P_c_rs", "alpha_c_rs", "slope", "slope_err", "slope_theory"):
        assert ds[name].dims == ("n",)
    assert ds["scaling_stable"].dims == ("n", "size", "factor", "scaling_sample")
    for name in ("scaling_N", "P_half_theory", "P_c", "P_c_err", "P_max_theory"):
        assert ds[name].dims == ("n", "size")
    assert list(ds["n"].values) == [2, 3, 4]
    assert ds.attrs["experiment"] == "dense_capacity" and ds.attrs["seed"] == 0
    # the RS overlap exists up to the spinodal only
    assert np.isnan(ds["m_theory"].where(ds["load"] > 1, drop=True)).all()
    assert np.isfinite(ds["m_theory"].where(ds["load"] <= 1, drop=True)).all()
    # every P is odd (no ties at the chosen parities of N)
    assert (ds["P"] % 2 == 1).all()
    assert all("long_name" in ds[name].attrs for name in ds.data_vars)


def test_dense_capacity_plot_and_summary(dense):
    assert len(dense_capacity.plot(dense).axes) == 3
    assert "capacity slope" in dense_capacity.summary(dense)


def test_dense_one_step_error_follows_signal_to_noise(dense):
    # Where P_err > 0.005: the mean over samples within 4 standard errors. The errors of
    # the spins of the cues of one pattern set are not independent (they share the
    # crosstalk of the same patterns), so the variance of a sample's fraction is the
    # binomial one times a design effect, estimated by pooling the sample variances of
    # every such cell (about 30 degrees of freedom).
    p = dense["p_error_theory"]
    trials = np.minimum(dense_capacity.QUICK["cues"], dense["P"]) * dense["N"]
    binomial = p * (1 - p) / trials
    where = p > 0.005
    assert where.sum() >= 10
    design = float((dense["p_error"].var("sample", ddof=1) / binomial).where(where).mean())
    assert 0.3 < design < 5
    sem = np.sqrt(design * binomial / dense.sizes["sample"])
    z = (dense["p_error"].mean("sample") - p) / sem
    assert (np.abs(z) < 4).where(where, True).all()


def test_dense_capacity_grows_as_N_to_the_n_minus_1(dense):
    # The measured slopes of ln P_c against ln N follow the signal-to-noise prediction
    # over the same N (slope below n - 1 by the ln N of P ~ N^(n-1) / ln N): 4 standard
    # errors plus 0.1 (the prediction treats the N spins of a pattern as independent).
    slope, err, want = dense["slope"], dense["slope_err"], dense["slope_theory"]
    assert (np.abs(slope - want) < 4 * err + 0.1).all()
    assert (np.diff(slope) > 0.5).all()


def test_modern_retrieval_dataset_has_documented_variables(modern):
    ds = modern
    dims = ("family", "cue", "beta", "P", "sample")
    for name in (
        "error_one_step",
        "error_fixed",
        "retrieved",
        "single",
        "metastable",
        "global",
        "iterations",
        "converged",
        "separated",
        "bound",
        "bound_holds",
    ):
        assert ds[name].dims == dims, name
    assert ds["P_theorem3"].dims == ("beta",)
    assert list(ds["family"].values) == ["sphere", "digits"]
    assert ds.attrs["experiment"] == "modern_retrieval" and ds.attrs["N"] == 64
    assert ds.attrs["max_norm"] == 8.0
    assert all("long_name" in ds[name].attrs for name in ds.data_vars)
    assert np.isnan(ds["bound"].sel(cue="half")).all()
    total = ds["single"] + ds["metastable"] + ds["global"]
    np.testing.assert_allclose(total, 1.0)


def test_modern_retrieval_plot_and_summary(modern):
    assert len(modern_retrieval.plot(modern).axes) == 3
    assert "bound holds" in modern_retrieval.summary(modern)


def test_modern_retrieval_obeys_the_bound_and_shows_the_three_regimes(modern):
    # Ramsauer et al.: the one-step error never exceeds the bound (Lemma A4); at small
    # beta every fixed point is the global average, at large beta the target alone; in
    # between, the digits (many near-duplicates) settle in metastable averages.
    assert (modern["bound_holds"].sel(cue="noise") == 1).all()
    small, large = modern["beta"].min(), modern["beta"].max()
    assert (modern["global"].sel(beta=small) == 1).all()
    assert (modern["retrieved"].sel(family="sphere", beta=large) == 1).all()
    digits = modern["metastable"].sel(family="digits").mean("sample")
    assert float(digits.max()) > 0.5
    assert float(modern["metastable"].sel(family="sphere").max()) < float(digits.max())
