"""The hierarchical bootstrap: determinism, the resampling itself, and interval coverage."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from horizon.fit import bootstrap
from horizon.fit.bootstrap import bootstrap_fits
from horizon.fit.horizons import fit_runs
from horizon.fit.results import FitOptions
from horizon.fit.runtable import Cells


def _cells(seed=0, n_families=12, agents=3):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 4, n_families)
    family = np.repeat(np.arange(n_families), sizes)
    x = rng.uniform(0, 10, family.size)
    runs = rng.integers(1, 9, (agents, family.size))
    p = 1 / (1 + np.exp(-(np.linspace(1, 4, agents)[:, None] - 0.6 * x)))
    successes = rng.binomial(runs, p)
    return Cells(x=x, family=family, runs=runs, successes=successes, n_families=n_families)


def _boot(cells, **kw):
    args = {"n_replicates": 250, "seed": 7, "C": 10.0, "weighting": "invsqrt"}
    args.update(kw)
    return bootstrap_fits(cells, **args)


def test_same_seed_gives_identical_replicates_and_another_seed_different_ones():
    cells = _cells()
    a, b, c = _boot(cells), _boot(cells), _boot(cells, seed=8)
    np.testing.assert_array_equal(a.beta0, b.beta0)
    np.testing.assert_array_equal(a.beta1, b.beta1)
    assert not np.array_equal(a.beta1, c.beta1, equal_nan=True)


def test_replicates_do_not_depend_on_memory_chunking(monkeypatch):
    cells = _cells()
    whole = _boot(cells)
    monkeypatch.setattr(bootstrap, "CHUNK_ELEMENTS", 1)  # one block of replicates per chunk
    chunked = _boot(cells)
    # same draws; only BLAS summation order may differ with the batch shape (last bits)
    np.testing.assert_allclose(whole.beta1, chunked.beta1, rtol=1e-12, atol=1e-14)


def test_a_shorter_run_is_a_prefix_of_a_longer_one_with_the_same_seed():
    cells = _cells()
    short, long = _boot(cells, n_replicates=150), _boot(cells, n_replicates=250)
    np.testing.assert_allclose(short.beta1, long.beta1[:150], rtol=1e-12, atol=1e-14)


def test_recompute_and_carry_weights_differ_but_both_centre_on_the_point_estimate():
    cells = _cells(agents=1)
    w = cells.runs / cells.runs.sum()
    a = _boot(cells, n_replicates=400)
    b = _boot(cells, n_replicates=400, bootstrap_weights="carry", carry_weight=w / cells.runs)
    assert not np.array_equal(a.beta1, b.beta1)
    assert abs(np.nanmedian(a.beta1) - np.nanmedian(b.beta1)) < 0.1


def test_inverse_cdf_binomial_draws_have_binomial_mean_and_variance():
    runs = np.array([[10, 40, 3]])
    successes = np.array([[3, 38, 1]])
    cells = Cells(x=np.zeros(3), family=np.array([0, 1, 2]), runs=runs, successes=successes, n_families=3)
    tables = bootstrap._tables(cells, None)
    rng = np.random.default_rng(1)
    m = 200_000
    for cell, copies in ((0, 1), (1, 1), (2, 3)):
        k = bootstrap._binomial(rng, tables, np.full(m, cell), np.full(m, copies))
        n, p = copies * runs[0, cell], successes[0, cell] / runs[0, cell]
        assert k.min() >= 0 and k.max() <= n
        # 6 standard errors of the sample mean / variance
        assert abs(k.mean() - n * p) < 6 * np.sqrt(n * p * (1 - p) / m)
        assert k.var() == pytest.approx(n * p * (1 - p), rel=0.03)


def test_pure_cells_resample_to_themselves():
    # every run of every task fails for agent 0 and succeeds for agent 1: no replicate can fit
    runs = np.full((2, 4), 5)
    successes = np.array([[0] * 4, [5] * 4])
    cells = Cells(x=np.arange(4.0), family=np.array([0, 0, 1, 1]), runs=runs, successes=successes, n_families=2)
    fits = _boot(cells, n_replicates=50)
    assert not fits.usable.any()
    assert np.isnan(fits.beta1).all()


def _simulated_runs(rng, task_sd=2.0, n_families=40, runs=8, b0=3.0, b1=-0.6):
    rows = []
    for f in range(n_families):
        for t in range(rng.integers(1, 4)):
            x = rng.uniform(0, 10)
            p = 1 / (1 + np.exp(-(b0 + b1 * x + rng.normal(0, task_sd))))
            for _ in range(runs):
                rows.append((f"f{f}/t{t}", f"f{f}", "agent", 2.0**x, int(rng.random() < p)))
    return pl.DataFrame(
        rows, schema=["task_id", "task_family", "source_model", "human_minutes", "score_binarized"], orient="row"
    )


@pytest.mark.slow
def test_bootstrap_interval_covers_the_true_p50_about_95_percent_of_the_time():
    """200 simulated suites (40 families of 1-3 tasks, 8 runs each, logit p = 3 - 0.6 log2 min
    plus a task effect with sd 2, so the true p50 is 32 min by symmetry), 300 replicates each.

    Measured: 97% here (97.9% over 1,000 suites). Without task effects the same bootstrap
    covers ~100%: resampling runs within resampled tasks counts run noise twice, so METR's
    hierarchical bootstrap is conservative. The band is ~3 binomial SDs (0.015 at n=200)
    around 95% on the low side and stops short of 100% on the high side.
    """
    rng = np.random.default_rng(12345)
    true_p50 = 2 ** (3 / 0.6)
    n_sims = 200
    hits = 0
    for i in range(n_sims):
        fit = fit_runs(_simulated_runs(rng), FitOptions(levels=(50,), n_bootstrap=300, seed=i))
        h = fit.agents[0].horizons[0]
        hits += h.ci_low is not None and h.ci_low <= true_p50 <= h.ci_high
    coverage = hits / n_sims
    assert 0.90 <= coverage <= 0.995, coverage
