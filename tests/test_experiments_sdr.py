"""The SDR experiments' quick modes: their Datasets, figures and summaries, the papers'
numbers on their theory axes, and Monte Carlo within binomial error of theory."""

import matplotlib
import numpy as np
import pytest

from experiments import (
    _sdr,
    sdr_false_positive_vs_n,
    sdr_false_positive_vs_s,
    sdr_noise_robustness,
    sdr_optimal_threshold,
    sdr_sets,
    sdr_unions,
)
from experiments._sdr import binomial_interval, binomial_pvalues
from theory import dendritic as d

matplotlib.use("Agg")

EXPERIMENTS = {
    "vs_n": sdr_false_positive_vs_n,
    "vs_s": sdr_false_positive_vs_s,
    "noise": sdr_noise_robustness,
    "unions": sdr_unions,
    "threshold": sdr_optimal_threshold,
    "sets": sdr_sets,
}


@pytest.fixture(scope="module")
def runs():
    return {key: module.run(quick=True, progress=False) for key, module in EXPERIMENTS.items()}


RATES = ("", "_low", "_high", "_hits", "_trials", "_theory")


def test_false_positive_vs_n_dataset(runs):
    ds = runs["vs_n"]
    assert ds["fp_hits"].dims == ("activity", "N", "sample")
    for suffix in RATES[:3] + RATES[5:]:
        assert ds[f"fp{suffix}"].dims == ("activity", "N")
    assert ds["w"].sel(activity="N/4").values.tolist() == [N // 4 for N in ds["N"].values]
    assert ds.attrs["synapses"] == 24
    assert ds.attrs["experiment"] == "sdr_false_positive_vs_n" and ds.attrs["theta"] == 12


def test_false_positive_vs_n_reproduces_the_papers_curves(runs):
    # Ahmad & Hawkins, arXiv:1601.00720 (2016), effect-of-n figure (24 synapses,
    # theta = 12), first points (N = 300) of the authors' data (numenta/htmresearch,
    # projects/sdr_paper/plot_effect_of_n.py).
    fp = runs["vs_n"]["fp_theory"].sel(N=300)
    printed = {"64": 1.09461662333690e-3, "128": 0.292078213737764, "N/4": 5.18604306750049e-3}
    for activity, value in printed.items():
        assert float(fp.sel(activity=activity)) == pytest.approx(value, rel=1e-12)
    # sparse codes fall by orders of magnitude with N, the dense one does not
    theory = runs["vs_n"]["fp_theory"]
    for activity in ("64", "128", "256"):
        assert float(theory.sel(activity=activity, N=5000)) < 1e-9
    dense = theory.sel(activity="N/4").values
    assert 5e-3 < dense.min() and dense.max() < 7.2e-3


def test_false_positive_vs_s_dataset_and_papers_values(runs):
    ds = runs["vs_s"]
    assert ds["fp"].dims == ("code", "synapses") and ds["theta"].values.tolist() == [
        synapses // 2 for synapses in ds["synapses"].values
    ]
    assert ds["w"].values.tolist() == [32, 32, 512, 4000]
    assert ds["N"].values.tolist() == [2000, 4000, 16000, 16000]
    # effect-of-s figure, 2 and 30 synapses (projects/sdr_paper/plot_effect_of_s.py)
    printed = {
        ("w=32,N=2000", 2): 0.0317518759379690,
        ("w=32,N=2000", 30): 3.26957224042626e-21,
        ("w=512,N=16000", 30): 3.07765573247024e-15,
        ("w=4000,N=16000", 2): 0.437511719482468,
        ("w=4000,N=16000", 30): 0.00272515634577904,
    }
    for (code, synapses), value in printed.items():
        fp = ds["fp_theory"].sel(code=code, synapses=synapses)
        assert float(fp) == pytest.approx(value, rel=1e-9)


def test_noise_robustness_dataset_and_papers_values(runs):
    ds = runs["noise"]
    assert ds["fn_hits"].dims == ("v", "sample", "theta")
    assert ds["fn"].dims == ds["fn_theory"].dims == ("v", "theta")
    np.testing.assert_allclose(ds["noise"], ds["v"] / 128)
    assert (ds.attrs["N"], ds.attrs["w"], ds.attrs["synapses"]) == (2048, 128, 30)
    # noise figure (projects/sdr_paper/plot_noise_results.py): w = 128, 30 synapses
    printed = {(8, 51): 3.45576265561118e-6, (12, 38): 1.09248135880715e-5}
    printed[(16, 90)] = 0.998319255844748
    for (theta, v), value in printed.items():
        assert float(ds["fn_theory"].sel(theta=theta, v=v)) == pytest.approx(value, rel=1e-9)


def test_unions_dataset(runs):
    ds = runs["unions"]
    assert ds["fp"].dims == ("kind", "N", "union")
    for name in ("fp_theory", "fp_paper", "union_size"):
        assert ds[name].dims == ("kind", "N", "union")
    # union figure (projects/sdr_paper/sdr_paper_unions.py): N = 10000, w = 200, 25
    # synapses, theta = 15, union = 1 and 19, at the rounded expected size
    paper = ds["fp_paper"].sel(kind="segment", N=10000)
    assert float(paper.sel(union=1)) == pytest.approx(5.30352419025194e-20, rel=1e-9)
    assert float(paper.sel(union=19)) == pytest.approx(4.53789479134073e-2, rel=1e-9)
    # one pattern: no union, the two theories agree
    one = {"union": 1}
    np.testing.assert_allclose(ds["fp_theory"].sel(one), ds["fp_paper"].sel(one), rtol=1e-9)
    # and differ by a few per cent at union > 1 (the rounded expected size)
    gap = np.abs(ds["fp_paper"] / ds["fp_theory"] - 1).sel(kind="segment", N=10000)
    assert 1e-2 < float(gap.max()) < 0.1


def test_sets_dataset_and_the_union_bound(runs):
    ds = runs["sets"]
    assert ds["hits"].dims == ds["hits_squared"].dims == ("store", "M", "sample", "theta")
    for name in ("fp", "fp_se", "fp_theory", "fp_paper", "z_theory", "z_paper"):
        assert ds[name].dims == ("store", "M", "theta")
    assert ds["capacity"].dims == ("size", "code", "target")
    # The Monte Carlo of both stores agrees with the exact rates: |z| < 4 at every
    # resolved point (about 40 of them; 4 sigma leaves a chance below 3e-3 of a false
    # alarm), and the union bound fails where M fp nears 1 (list, theta = 2, M >= 8:
    # the bound is 0.64..1, the exact rate 0.48..0.63).
    resolved = sdr_sets.resolved_points(ds)
    assert int(resolved.sum()) >= 30
    assert float(np.abs(ds["z_theory"].where(resolved)).max()) < 4
    loose = ds["z_paper"].sel(store="list", theta=2, M=[8, 12, 16])
    assert bool((loose < -10).all())
    # the capacity is a step function of the target rate, the paper's never above
    capacity = ds["capacity"]
    assert bool((capacity.diff("target") >= 0).all())
    assert bool((capacity.sel(size="paper") <= capacity.sel(size="exact")).all())


def test_union_exact_match_monte_carlo_rejects_the_papers_formula():
    # A random SDR inside the union of M = 4 SDRs of w = 4 of N = 64 bits: exact rate
    # 1.95e-3, the paper's (1 - p0)^w 2.67e-3 (37 % higher). 6000 unions x 100 queries:
    # standard error 5.7e-5 (the spread of the hit fraction over the unions), so the
    # paper's formula lies about 12 standard errors off (11-14 over seeds 7-9) while the
    # exact rate is within 4.
    N, w, M = 64, 4, 4
    counts = sdr_sets.sample("union", M, N=N, w=w, theta=(w,), stores=6000, queries=100, rng=7)
    mean = counts["hits"][0] / 6000 / 100
    spread = np.sqrt((counts["hits_squared"][0] / 6000 / 100**2 - mean**2) * 6000 / 5999)
    se = spread / np.sqrt(6000)
    exact = d.union_exact_match_probability(N, w, M)
    paper = d.union_exact_match_probability(N, w, M, size="mean")
    assert abs(mean - exact) < 4 * se
    assert (paper - mean) / se > 8


def test_union_segment_monte_carlo_rejects_the_rounded_size():
    # A segment storing 2 patterns of 25 synapses, N = 1000, w = 200, theta = 15: the
    # exact rate is 0.0508, the authors' rounded size (49 synapses) gives 6.7 % less.
    # 40000 segments x 20 inputs: binomial standard error 2.5e-4, inflated by 1.5 % by
    # the spread of segment sizes (inputs sharing a segment), so the rounded rate lies
    # about 14 standard errors off while the exact one is within 4.
    N, w, synapses, theta = 1000, 200, 25, 15
    counts = _sdr.false_positive_counts(
        N, w, synapses, theta, segments=40_000, queries=20, union=2, rng=3
    )
    rate = counts["fp_hits"] / counts["fp_trials"]
    exact = d.union_segment_false_positive(N, w, synapses, theta, 2)
    se = np.sqrt(exact * (1 - exact) / counts["fp_trials"] * 1.015)
    assert abs(rate - exact) < 4 * se
    rounded = d.union_segment_false_positive(N, w, synapses, theta, 2, size="rounded")
    assert (rate - rounded) / se > 8


@pytest.mark.parametrize("key", [key for key in EXPERIMENTS if key != "sets"])
def test_monte_carlo_agrees_with_theory_within_binomial_error(runs, key):
    ds = runs[key]
    for name in ("fp", "fn"):
        if f"{name}_hits" not in ds:
            continue
        theory = f"{name}_theory"
        pvalues = binomial_pvalues(ds, name, theory).values
        resolved = np.isfinite(pvalues)
        assert resolved.sum() >= 5, f"{key}: too few points resolved"
        # exact two-sided binomial test at every resolved point (10 to 40 of them):
        # p > 1e-4 everywhere, and at most a tenth of them below 0.05
        assert np.all(pvalues[resolved] > 1e-4), (key, name, pvalues[resolved])
        assert np.mean(pvalues[resolved] < 0.05) <= 0.1
        inside = (ds[f"{name}_low"] <= ds[theory]) & (ds[theory] <= ds[f"{name}_high"])
        assert inside.mean() > 0.8


@pytest.mark.parametrize("key", EXPERIMENTS)
def test_plot_and_summary(runs, key):
    fig = EXPERIMENTS[key].plot(runs[key])
    assert fig.axes
    text = EXPERIMENTS[key].summary(runs[key])
    assert "resolved by the Monte Carlo" in text
    matplotlib.pyplot.close(fig)


def test_binomial_interval():
    low, high = binomial_interval([0, 5, 10], 10)
    assert low[0] == 0.0 and high[2] == 1.0
    # Clopper-Pearson for 0 of 10 at 95 %: upper end 1 - 0.025^(1/10) = 0.3085
    assert high[0] == pytest.approx(1 - 0.025**0.1, rel=1e-9)
    assert low[1] < 0.5 < high[1]
