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


def test_capacity_against_the_theory_of_shared_items(capacity):
    ds = capacity
    assert ds["exact"].dims == ("codes", "P", "sample")
    np.testing.assert_array_equal(ds["G_stored"], 1.0)  # stored items: G = 1 exactly
    uniform = ds.sel(codes="uniform")
    n = uniform.sizes["sample"]
    # uniform codes: exact recall and the fraction of CMs right within 4 standard errors
    # of the theory (from the spread over the MACs, at least the binomial one of
    # samples x cues items)
    for name, want in (("exact", "exact_theory"), ("overlap", "overlap_theory")):
        mean, p = uniform[name].mean("sample"), ds[want]
        binomial = np.sqrt(p * (1 - p) / (n * ds.attrs["cues"]))
        se = np.maximum(uniform[name].std("sample", ddof=1) / np.sqrt(n), binomial)
        assert (np.abs(mean - p) <= 4 * se + 1e-9).all(), name
    # a novel input's G: mean within 4 standard errors of the exact mean; its spread over
    # inputs within 4 standard errors (~3 % each) plus 3 % (the terms of three and more
    # shared items the theory leaves out) of the theory, twice the independent CMs' value
    se = uniform["G_novel_sd"].mean("sample") / np.sqrt(n * ds.attrs["cues"])
    assert (np.abs(uniform["G_novel"].mean("sample") - ds["G_novel_theory"]) < 4 * se).all()
    ratio = uniform["G_novel_sd"].mean("sample") / ds["G_novel_sd_theory"]
    assert (np.abs(ratio - 1) < 4 / np.sqrt(2 * n * ds.attrs["cues"]) + 0.03).all()
    assert (uniform["G_novel_sd"].mean("sample") > 1.5 * ds["G_novel_sd_independent"]).all()
    # uniform codes cross 1/2 near the theory's capacity (601; the grid has 600)
    assert abs(float(ds["capacity"].sel(codes="uniform")) - int(ds["capacity_theory"])) < 25
    # codes chosen by familiarity: win counts spread beyond the binomial, capacity falls
    # (at P = 600 the difference of two means of 600 items has standard error <= 0.05)
    low = ds.sel(codes="G_minus=0.2", P=600).mean("sample")
    assert float(low["exact"]) < float(uniform["exact"].sel(P=600).mean("sample")) - 0.2
    assert float(ds["wins_spread"].sel(codes="G_minus=0.2", P=400).mean()) > 2
    assert abs(float(uniform["wins_spread"].mean()) - 1) < 0.1
    # ... and the competitors of a stored item tie less often than random items with
    # their win counts would make them; with uniform codes exactly as often (within 10 %
    # at P = 600 and 700, where hundreds of ties are counted per sample)
    near = dict(P=[600, 700])
    ratio = (ds["ties"] / ds["ties_random"]).sel(**near).mean("sample")
    assert (np.abs(ratio.sel(codes="uniform") - 1) < 0.1).all()
    assert (ratio.sel(codes="G_minus=0.2") < 0.9).all()
    assert len(sparsey_capacity.plot(ds).axes) == 4
    assert "capacity" in sparsey_capacity.summary(ds)


def test_digits_are_learned_in_one_trial(digits):
    ds = digits
    assert ds["nearest_code"].dims == ("per_class", "sample", "setting")
    assert list(ds["setting"].values) == list(sparsey_digits.QUICK["settings"])
    quick = ds.sel(per_class=30).mean("sample")
    best = quick.sel(setting=sparsey_digits.BEST)
    for name in ("nearest_code", "linear_code"):
        assert float(best[name]) >= sparsey_digits.QUICK_ACCURACY > ds.attrs["chance"]
        # the demonstration's transform codes worse (two samples of 300 test images:
        # standard error of a difference <= 0.03)
        assert float(best[name]) > float(quick[name].sel(setting=ds["setting"][0])) + 0.05
    # test images are about as familiar as training ones at the top
    assert float(best["G_test"]) > 0.5 * float(best["G_train"]) > 0.2
    assert float(quick["nn_pixels"]) > 0.7 and float(quick["linear_pixels"]) > 0.7
    assert ds.attrs["rinkus_mnist_accuracy"] == 0.91
    # timings are attributes, one per per_class, not data variables
    assert not any("timing" in name or name.endswith("_ms") for name in ds.data_vars)
    for what in ("learn", "recall"):
        timing = np.atleast_1d(ds.attrs[f"timing_{what}_ms_per_image"])
        assert timing.shape == (ds.sizes["per_class"],) and (timing > 0).all()
    assert len(sparsey_digits.plot(ds).axes) == 2
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
        again["nearest_code"].sel(per_class=10, sample=0),
        digits["nearest_code"].sel(per_class=10, sample=0),
    )
