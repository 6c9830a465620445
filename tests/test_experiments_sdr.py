"""The SDR experiments' quick modes: their Datasets, figures and summaries, the papers'
numbers on their theory axes, and Monte Carlo within binomial error of theory."""

import matplotlib
import numpy as np
import pytest

from experiments import (
    sdr_false_positive_vs_n,
    sdr_false_positive_vs_s,
    sdr_noise_robustness,
    sdr_optimal_threshold,
    sdr_unions,
)
from experiments._sdr import binomial_interval, binomial_pvalues

matplotlib.use("Agg")

EXPERIMENTS = {
    "vs_n": sdr_false_positive_vs_n,
    "vs_s": sdr_false_positive_vs_s,
    "noise": sdr_noise_robustness,
    "unions": sdr_unions,
    "threshold": sdr_optimal_threshold,
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
    for name in ("fp_theory", "fp_theory_exact", "union_size"):
        assert ds[name].dims == ("kind", "N", "union")
    # union figure (projects/sdr_paper/sdr_paper_unions.py): N = 10000, w = 200, 25
    # synapses, theta = 15, union = 1 and 19
    paper = ds["fp_theory"].sel(kind="segment", N=10000)
    assert float(paper.sel(union=1)) == pytest.approx(5.30352419025194e-20, rel=1e-9)
    assert float(paper.sel(union=19)) == pytest.approx(4.53789479134073e-2, rel=1e-9)
    # one pattern: no union, the two theories agree
    one = {"union": 1}
    np.testing.assert_allclose(ds["fp_theory_exact"].sel(one), ds["fp_theory"].sel(one), rtol=1e-9)
    # and differ by a few per cent at union > 1 (the rounded expected size)
    gap = np.abs(ds["fp_theory"] / ds["fp_theory_exact"] - 1).sel(N=10000)
    assert 1e-3 < float(gap.max()) < 0.1


def test_optimal_threshold_dataset_and_minimum(runs):
    ds = runs["threshold"]
    assert ds["error"].dims == ("v", "theta") and ds["theta_opt"].dims == ("v",)
    assert ds["scan_error_median"].dims == ("noise", "theta")
    # the optimal threshold falls as noise grows, in the population and over the grid
    assert np.all(np.diff(ds["theta_opt_theory"].values) < 0)
    assert np.all(np.diff(ds["scan_theta_opt"].values) < 0)
    # at v = 20 and v = 25 (minima above 1e-3) the Monte Carlo minimum lies within one
    # threshold of the predicted one
    for v in (20, 25):
        assert abs(float(ds["theta_opt"].sel(v=v) - ds["theta_opt_theory"].sel(v=v))) <= 1
    # the median false positive rate over the paper's grid falls steeply with theta
    median = ds["scan_fp_median"]
    assert float(median.sel(theta=3)) > 1e-2 and float(median.sel(theta=12)) < 1e-13


@pytest.mark.parametrize("key", EXPERIMENTS)
def test_monte_carlo_agrees_with_theory_within_binomial_error(runs, key):
    ds = runs[key]
    for name in ("fp", "fn"):
        if f"{name}_hits" not in ds:
            continue
        theory = "fp_theory_exact" if key == "unions" else f"{name}_theory"
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
