import numpy as np
import pytest
from sklearn.decomposition import sparse_encode
from sklearn.linear_model import Lasso

from sparsebook import solvers


def problem(seed=0, n=25, m=12, k=30):
    rng = np.random.default_rng(seed)
    D = rng.normal(size=(m, k))
    D /= np.linalg.norm(D, axis=0)
    return rng.normal(size=(n, m)), D


# -- definitions, by hand ------------------------------------------------------------------

def test_objective_by_hand():
    X = np.array([[1.0, 2.0]])
    D = np.array([[1.0, 0.0], [0.0, 1.0]])
    H = np.array([[1.0, -1.0]])
    # residual (0, 3): 9, penalty 0.5 * (1 + 1) = 1
    assert solvers.objective(X, D, H, 0.5) == pytest.approx(10.0)
    reconstruction, penalty = solvers.objective_terms(X, D, H, 0.5)
    assert reconstruction.tolist() == [9.0] and penalty.tolist() == [1.0]


def test_soft_threshold_by_hand():
    z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    assert solvers.soft_threshold(z, 1.0).tolist() == [-2.0, 0.0, 0.0, 0.0, 2.0]
    assert solvers.soft_threshold(z, 1.0, nonnegative=True).tolist() == [0.0, 0.0, 0.0, 0.0, 2.0]


def test_soft_threshold_solves_the_one_dimensional_problem():
    # min_h (x - h)^2 + lam |h| is solved by soft_threshold(x, lam / 2): check on a fine grid
    grid = np.linspace(-4, 4, 80001)
    for x in (-2.3, -0.2, 0.0, 0.7, 3.1):
        best = grid[np.argmin((x - grid) ** 2 + 1.5 * np.abs(grid))]
        assert solvers.soft_threshold(x, 1.5 / 2) == pytest.approx(best, abs=1e-4)


def test_hard_threshold_solves_the_counting_problem():
    lam = 1.0  # min_h (x - h)^2 + lam [h != 0]: keep x when x^2 > lam
    for x in (-1.5, -0.9, 0.5, 1.2):
        keep, drop = lam, x**2  # costs of h = x and of h = 0
        expected = x if keep < drop else 0.0
        assert solvers.hard_threshold(x, np.sqrt(lam)) == expected


def test_lipschitz_constant_is_twice_the_squared_spectral_norm():
    D = np.diag([3.0, 1.0])
    assert solvers.lipschitz_constant(D) == pytest.approx(18.0)


def test_duality_gap_is_zero_at_the_known_solution_of_an_orthonormal_basis():
    # With D = I the codes are soft_threshold(x, lam / 2) exactly.
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, 4))
    H = solvers.soft_threshold(X, 0.3)
    assert np.allclose(solvers.duality_gap(X, np.eye(4), H, 0.6), 0.0, atol=1e-12)
    assert np.all(solvers.duality_gap(X, np.eye(4), np.zeros_like(X), 0.6) > 0)


# -- against scikit-learn ----------------------------------------------------------------------

@pytest.mark.parametrize("nonnegative", [False, True])
def test_fista_reaches_scikit_learns_objective(nonnegative):
    X, D = problem()
    lam = 0.5
    ours = solvers.fista(X, D, lam, max_iter=50_000, tol=1e-12, nonnegative=nonnegative).codes
    theirs = sparse_encode(X, D.T, algorithm="lasso_cd", alpha=lam / 2, max_iter=100_000,
                           positive=nonnegative)
    f_ours, f_theirs = solvers.objective(X, D, ours, lam), solvers.objective(X, D, theirs, lam)
    assert abs(f_ours - f_theirs) <= 1e-6 * f_theirs
    if nonnegative:
        assert ours.min() >= 0


def test_ista_matches_lasso_on_one_example():
    X, D = problem(seed=2, n=1)
    lam = 0.3
    ours = solvers.ista(X, D, lam, max_iter=200_000, tol=1e-12).codes
    # Lasso minimises ||y - A w||^2 / (2 m) + alpha ||w||_1: alpha = lam / (2 m)
    lasso = Lasso(alpha=lam / (2 * D.shape[0]), fit_intercept=False, tol=1e-12, max_iter=100_000)
    theirs = lasso.fit(D, X[0]).coef_[None, :]
    f_ours, f_theirs = solvers.objective(X, D, ours, lam), solvers.objective(X, D, theirs, lam)
    assert abs(f_ours - f_theirs) <= 1e-6 * f_theirs


# -- properties --------------------------------------------------------------------------------

def test_fista_needs_fewer_iterations_than_ista_for_the_same_gap():
    X, D = problem(seed=3)
    ista = solvers.ista(X, D, 0.2, max_iter=100_000, tol=1e-6)
    fista = solvers.fista(X, D, 0.2, max_iter=100_000, tol=1e-6)
    assert fista.relative_gap <= 1e-6 and ista.relative_gap <= 1e-6
    assert fista.n_iter < ista.n_iter


def test_every_example_meets_the_tolerance_on_its_own():
    X, D = problem(seed=10, n=40)
    X[:5] = 0.0  # blank examples: code 0, done at the first check
    result = solvers.fista(X, D, 0.3, tol=1e-5, max_iter=100_000)
    gaps = solvers.duality_gap(X, D, result.codes, 0.3)
    reconstruction, penalty = solvers.objective_terms(X, D, result.codes, 0.3)
    assert np.all(gaps <= 1e-5 * (reconstruction + penalty) + 1e-15)
    assert np.all(result.codes[:5] == 0)


def test_restarts_reach_the_same_codes_in_fewer_iterations():
    X, D = problem(seed=11)
    plain = solvers.fista(X, D, 0.2, max_iter=100_000, tol=1e-7, restart=False)
    restarted = solvers.fista(X, D, 0.2, max_iter=100_000, tol=1e-7, restart=True)
    assert restarted.n_iter < plain.n_iter
    assert solvers.objective(X, D, restarted.codes, 0.2) == pytest.approx(
        solvers.objective(X, D, plain.codes, 0.2), rel=1e-6)


def test_ista_objective_never_increases_and_tracks_every_iterate():
    X, D = problem(seed=4)
    result = solvers.ista(X, D, 0.4, max_iter=50, tol=0, track=True)
    assert result.n_iter == 50 and len(result.objectives) == 50
    assert np.all(np.diff(result.objectives) <= 1e-12)
    assert result.objectives[-1] == pytest.approx(solvers.objective(X, D, result.codes, 0.4))


def test_duality_gap_bounds_the_distance_to_the_optimum():
    X, D = problem(seed=5)
    optimum = solvers.fista(X, D, 0.5, max_iter=50_000, tol=1e-13).codes
    rough = solvers.ista(X, D, 0.5, max_iter=5, tol=0).codes
    excess = solvers.objective(X, D, rough, 0.5) - solvers.objective(X, D, optimum, 0.5)
    assert 0 < excess <= solvers.duality_gap(X, D, rough, 0.5).sum()


def test_larger_lam_gives_sparser_codes():
    X, D = problem(seed=6)
    counts = [np.count_nonzero(solvers.fista(X, D, lam, tol=1e-8, max_iter=20_000).codes)
              for lam in (0.05, 0.5, 2.0)]
    assert counts[0] > counts[1] > counts[2]


def test_dictionary_learning_never_increases_the_objective_and_keeps_atoms_in_the_unit_ball():
    X, D = problem(seed=7, n=60, m=10, k=20)
    for nonnegative in (False, True):
        result = solvers.learn_dictionary(X, 20, 0.3, n_epochs=12, seed=1, nonnegative=nonnegative)
        assert len(result.objectives) == 13
        assert np.all(np.diff(result.objectives) <= 1e-9 * result.objectives[0])
        assert result.objectives[-1] < 0.7 * result.objectives[0]
        assert np.all(np.linalg.norm(result.dictionary, axis=0) <= 1 + 1e-12)
        assert result.objectives[-1] == pytest.approx(
            solvers.objective(X, result.dictionary, result.codes, 0.3))


def test_dictionary_step_moves_an_unused_atom_without_changing_the_objective():
    X, D = problem(seed=8, n=15, m=6, k=8)
    H = solvers.fista(X, D, 0.2, tol=1e-8, max_iter=20_000).codes
    H[:, 0] = 0.0
    D_new = solvers.update_dictionary(X, D, H)
    assert not np.allclose(D_new[:, 0], D[:, 0])
    assert np.linalg.norm(D_new[:, 0]) == pytest.approx(1.0)
    assert solvers.objective(X, D_new, H, 0.2) <= solvers.objective(X, D, H, 0.2) + 1e-12


def test_refit_on_support_keeps_the_zeros_and_removes_the_shrinkage():
    X = np.array([[3.0, 0.2]])
    H = solvers.soft_threshold(X, 0.5)  # D = I: codes (2.5, 0), shrunk by 0.5
    refit = solvers.refit_on_support(X, np.eye(2), H)
    assert refit.tolist() == [[3.0, 0.0]]


def test_refit_on_support_is_the_least_squares_fit_on_each_support():
    X, D = problem(seed=12, n=6, m=8, k=16)
    H = solvers.fista(X, D, 0.5, tol=1e-8, max_iter=20_000).codes
    H[0] = 1.0  # a support larger than the dimension: solved by lstsq
    refit = solvers.refit_on_support(X, D, H)
    for x, h, r in zip(X, H, refit):
        support = np.flatnonzero(h)
        expected = np.linalg.lstsq(D[:, support], x, rcond=None)[0]
        assert np.allclose(D[:, support] @ r[support], D[:, support] @ expected)
        assert np.all(r[h == 0] == 0)


def test_initial_dictionary_uses_distinct_non_blank_examples():
    X = np.vstack([np.zeros((3, 4)), np.eye(4)])
    D = solvers.initial_dictionary(X, 4, seed=0)
    assert sorted(np.argmax(D, axis=0).tolist()) == [0, 1, 2, 3]


def test_float32_input_is_solved_in_float32(monkeypatch):
    X, D = problem(seed=9)
    seen = set()
    threshold = solvers.soft_threshold

    def spy(z, *args, **kwargs):
        seen.add(np.asarray(z).dtype)
        return threshold(z, *args, **kwargs)

    monkeypatch.setattr(solvers, "soft_threshold", spy)
    for restart in (False, True):
        assert solvers.fista(X.astype(np.float32), D, 0.1, restart=restart).codes.dtype == np.float32
    assert seen == {np.dtype(np.float32)}


# -- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda X, D: solvers.fista(X, D, -0.1), "lam must be"),
    (lambda X, D: solvers.fista(X, D[:-1], 0.1), "features per example"),
    (lambda X, D: solvers.fista(X[0], D, 0.1), "must be 2-D"),
    (lambda X, D: solvers.fista(np.where(X > 1, np.nan, X), D, 0.1), "NaN or infinite"),
    (lambda X, D: solvers.fista(X, np.hstack([D, np.zeros((D.shape[0], 1))]), 0.1), "zero atoms"),
    (lambda X, D: solvers.ista(X, D, 0.1, tol=-1), "tol must be"),
    (lambda X, D: solvers.fista(X, D, 0.1, H0=np.zeros((2, 2))), "H must have shape"),
    (lambda X, D: solvers.fista(X, D, 0.1, nonnegative=True, H0=-np.ones((len(X), D.shape[1]))), "negative codes"),
    (lambda X, D: solvers.objective(X, D, np.zeros((1, 1)), 0.1), "H must have shape"),
    (lambda X, D: solvers.learn_dictionary(X, 1000, 0.1), "non-blank examples"),
    (lambda X, D: solvers.learn_dictionary(X, 30, 0.1, D0=2 * D), "norm > 1"),
    (lambda X, D: solvers.learn_dictionary(X, 5, 0.1, D0=D), "n_atoms=5"),
    (lambda X, D: solvers.soft_threshold(X, -1.0), "threshold must be"),
    (lambda X, D: solvers.hard_threshold(X, -1.0), "threshold must be"),
    (lambda X, D: solvers.update_dictionary(X, D, np.zeros((3, D.shape[1]))), "H must have shape"),
    (lambda X, D: solvers.lipschitz_constant(D[:, 0]), "must be 2-D"),
    (lambda X, D: solvers.duality_gap(X, D, np.zeros((len(X), 2)), 0.1), "H must have shape"),
    (lambda X, D: solvers.refit_on_support(X, D[:-1], np.zeros((len(X), D.shape[1]))), "features per example"),
    (lambda X, D: solvers.check_dictionary(2 * D, bounded=True), "norm > 1"),
])
def test_bad_input_is_refused_with_a_clear_message(call, message):
    X, D = problem()
    with pytest.raises(ValueError, match=message):
        call(X, D)


def test_wrong_types_raise_type_errors():
    X, D = problem()
    with pytest.raises(TypeError, match="numeric array"):
        solvers.fista([["a", "b"]], D, 0.1)
    with pytest.raises(TypeError, match="nonnegative"):
        solvers.fista(X, D, 0.1, nonnegative="yes")
    with pytest.raises(TypeError, match="restart"):
        solvers.fista(X, D, 0.1, restart=None)
    with pytest.raises(TypeError, match="max_iter"):
        solvers.fista(X, D, 0.1, max_iter=1.5)
