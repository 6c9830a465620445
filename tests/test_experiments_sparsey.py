"""The Sparsey experiments' quick modes: Datasets, figures and the physics they show."""

import matplotlib
import numpy as np
import pytest

from experiments import sparsey_capacity, sparsey_digits, sparsey_similarity

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def similarity():
    return sparsey_similarity.run(quick=True, progress=False)


@pytest.fixture(scope="module")
def capacity():
    return sparsey_capacity.run(quick=True, progress=False)


@pytest.fixture(scope="module")
def digits():
    return sparsey_digits.run(quick=True, progress=False)


def test_similarity_follows_the_closed_form(similarity):
    # Each point averages samples x probes codes; the closed form gives the binomial
    # standard error of that mean. Tolerance: 4 standard errors at every point.
    ds = similarity
    assert ds["overlap"].dims == ("variant", "similarity", "sample")
    assert ds["overlap_theory"].dims == ("variant", "similarity")
    assert (ds.attrs["Q"], ds.attrs["cells"]) == (24, 8)
    error = np.abs(ds["overlap"].mean("sample") - ds["overlap_theory"])
    assert (error <= 4 * ds["overlap_theory_se"] + 1e-9).all()
    # similar inputs, similar codes: Q/cells for a novel probe, rising with the input
    # similarity to most of Q for A itself
    assert ds["overlap_theory"].sel(similarity=0.0).values.tolist() == [3.0, 3.0]
    assert (ds["overlap_theory"].diff("similarity") >= 0).all()
    assert (ds["overlap"].sel(similarity=1.0).mean("sample") > 24 / 2).all()
    assert len(sparsey_similarity.plot(ds).axes) == 1
    assert "standard errors" in sparsey_similarity.summary(ds)


def test_capacity_against_the_crosstalk_theory(capacity):
    ds = capacity
    assert ds["exact"].dims == ("G_minus", "P", "sample")
    np.testing.assert_array_equal(ds["G_stored"], 1.0)  # stored items: G = 1 exactly
    uniform = ds.sel(G_minus=0.9).mean("sample")
    # 2 samples x 60 items per point: binomial standard error <= 0.046; tolerance 0.2
    # (items of one MAC share their competitors, so they are not independent)
    assert (np.abs(uniform["exact"] - ds["exact_theory"]) < 0.2).all()
    # G_novel: standard error <= 0.003; the closed form treats the cells of a CM as
    # independent, a bias of up to ~0.01 here (0.008 measured), hence 0.02
    assert (np.abs(uniform["G_novel"] - ds["G_novel_theory"]) < 0.02).all()
    # a low familiarity floor lets chance similarity bias the codes: capacity falls
    # (at P = 600 the difference of two means of 120 items has standard error <= 0.065)
    low = ds.sel(G_minus=0.2, P=600).mean("sample")
    assert float(low["exact"]) < float(uniform["exact"].sel(P=600)) - 0.2
    assert len(sparsey_capacity.plot(ds).axes) == 2
    assert "capacity" in sparsey_capacity.summary(ds)


def test_digits_are_learned_in_one_trial_above_chance(digits):
    ds = digits
    quick = ds.sel(per_class=30).mean("sample")
    for name in ("nearest_code", "linear_code"):
        assert float(quick[name]) >= sparsey_digits.QUICK_ACCURACY > ds.attrs["chance"]
    assert float(quick["nn_pixels"]) > 0.7  # the baseline on the same split
    assert ds.attrs["rinkus_mnist_accuracy"] == 0.91
    # timings are attributes, one per per_class, not data variables
    assert not any("timing" in name or name.endswith("_ms") for name in ds.data_vars)
    for what in ("learn", "recall"):
        timing = np.atleast_1d(ds.attrs[f"timing_{what}_ms_per_image"])
        assert timing.shape == (ds.sizes["per_class"],) and (timing > 0).all()
    assert len(sparsey_digits.plot(ds).axes) == 1
    assert "Rinkus" in sparsey_digits.summary(ds)


def _without_timings(ds):
    """The Dataset less what is not reproducible: the timing attributes and the date."""
    ds = ds.copy()
    for key in [key for key in ds.attrs if key.startswith("timing_")] + ["date"]:
        del ds.attrs[key]
    return ds


def test_digits_with_one_seed_are_identical(digits):
    # the same seed gives the same Dataset, timings aside (quick settings, one point)
    again = sparsey_digits.run(quick=True, progress=False, per_class=(10,), samples=1)
    first = sparsey_digits.run(quick=True, progress=False, per_class=(10,), samples=1)
    assert "timing_learn_ms_per_image" in again.attrs
    assert _without_timings(again).identical(_without_timings(first))
    # and the quick run's variables at that point are those of the same seed's grid point
    # 0 (its first sample)
    np.testing.assert_array_equal(
        again["nearest_code"].values[0], digits["nearest_code"].sel(per_class=10).values[0]
    )
