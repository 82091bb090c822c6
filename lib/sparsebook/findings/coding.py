"""What the Part I chapters (sparse coding in numpy) conclude from their committed studies.

Each function takes loaded study results (``summary`` dicts and ``arrays`` of
:func:`sparsebook.sweep.load_study`, or the solver benchmark's JSON) and returns a dict of
numbers and whole sentences, which the chapters glue under the same keys.
"""

from __future__ import annotations

import math
import re

import numpy as np

SOLVER_NAMES = {"ista": "ISTA", "fista": "FISTA", "restart": "FISTA with restarts"}
NEGATIVE_SHARE = 0.1  #: An atom whose negative pixels hold more than this share of its energy counts as "partly negative".


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def _change(start: float, end: float, fmt: str, up: str = "rises", down: str = "falls") -> str:
    """``"falls from 3.0 to 1.0"`` or ``"rises from ..."`` (or ``"stays at ..."``)."""
    if end == start:
        return f"stays at {start:{fmt}}"
    return f"{down if end < start else up} from {start:{fmt}} to {end:{fmt}}"


def _e(x: float, digits: int = 0) -> str:
    """``1e-4``, ``3.7e-13``: scientific notation without the exponent's leading zero."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(x: float, digits: int = 1) -> str:
    """``2.4 × 10²⁵``: a large or small number as the prose writes it (no markup needed)."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPTS)}"


def _times(x: float) -> str:
    """A ratio to two significant digits, with thousands separators: ``810,000``, ``7.0``."""
    rounded = float(f"{x:.2g}")
    return f"{rounded:,.0f}" if rounded >= 10 else f"{rounded:.1f}"


def _at_least(x: float) -> str:
    """A lower bound rounded *down* to two significant digits: ``214.5`` -> ``"210"``."""
    if x <= 0 or not math.isfinite(x):
        return _times(x) if math.isfinite(x) else "infinitely many"
    unit = 10.0 ** (math.floor(math.log10(x)) - 1)
    rounded = math.floor(x / unit + 1e-9) * unit
    return f"{rounded:,.0f}" if rounded >= 10 else f"{rounded:.1f}"


def _duration(seconds: float) -> str:
    return f"{seconds / 3600:.1f} hours" if seconds >= 7200 else f"{seconds / 60:.0f} minutes"


def _on_device(device: str) -> str:
    """The words " on a 2-core CPU" for a record's device ``"cpu (2 cores)"``, else ``""``."""
    match = re.fullmatch(r"cpu \((\d+) cores?\)", device)
    return f" on a {match.group(1)}-core CPU" if match else ""


def _listed(words) -> str:
    """``1, 2 and 4``: words joined as a sentence lists them."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _monotone(values, rising: bool) -> bool:
    steps = np.diff(np.asarray(values, dtype=float))
    return bool(np.all(steps > 0) if rising else np.all(steps < 0))


# -- The sparse coding objective -----------------------------------------------------------------

def scale_findings(objective: dict) -> dict:
    """The norm-bound study: objective and L0 at unit norm and at the largest scale, as a sentence."""
    scales = objective["scales"]
    unit = min(scales, key=lambda row: abs(row["scale"] - 1.0))
    largest = max(scales, key=lambda row: row["scale"])
    objectives = [row["objective"] for row in sorted(scales, key=lambda row: row["scale"])]
    l0s = [row["l0"] for row in sorted(scales, key=lambda row: row["scale"])]
    falls, rises = largest["objective"] < unit["objective"], largest["l0"] > unit["l0"]
    every = _monotone(objectives, rising=False) and _monotone(l0s, rising=True)
    sentence = (f"At full size, from unit-norm atoms to atoms {largest['scale']:.0f} times longer, the best objective "
                f"{_change(unit['objective'], largest['objective'], ',.0f')}, and the average number of "
                f"non-zeros per code {_change(unit['l0'], largest['l0'], ',.1f')}")
    if falls and rises:
        sentence += (f"{' (both at every larger scale)' if every else ''}: the optimiser “wins” by making "
                     "the penalty irrelevant, and sparsity is lost")
    else:
        sentence += ": in this study, inflating the atoms did not buy a lower objective with denser codes"
    return {"scale_max": largest["scale"], "objective_unit": unit["objective"],
            "objective_large": largest["objective"], "l0_unit": unit["l0"], "l0_large": largest["l0"],
            "scale_objective_falls": falls, "scale_l0_rises": rises, "scale_monotone": every,
            "scale_sentence": sentence + ".",
            "scale_summary": ("Without the norm bound the penalty can be scaled away: at full size the objective "
                              "keeps falling while the codes become dense." if falls and rises and every else
                              "Without the norm bound the penalty could be scaled away; at full size, growing the "
                              "atoms did not both lower the objective and densify the codes at every scale.")}


def learning_findings(dictionary: dict) -> dict:
    """The shared dictionary's learning: objective before and after, increases, codes, atom norms."""
    objectives = dictionary["objectives"]
    increases = int(dictionary["objective_increases"])
    epochs = len(objectives) - 1
    in_between = ("with no increase in between" if increases == 0
                  else f"rising at {_count(increases, 'epoch')} of {epochs}")
    sentence = (f"In {_count(epochs, 'epoch')} on {dictionary['n_examples']:,} training digits of "
                f"{dictionary['side']} × {dictionary['side']} pixels, the objective "
                f"{_change(objectives[0], objectives[-1], ',.0f')} ({in_between}); the codes use "
                f"{dictionary['training_l0']:.1f} atoms per digit on average, and the longest atom has norm "
                f"{dictionary['largest_atom_norm']:.4f}")
    return {"learn_epochs": epochs, "objective_start": objectives[0], "objective_end": objectives[-1],
            "objective_increases": increases, "learned_l0": dictionary["training_l0"],
            "largest_atom_norm": dictionary["largest_atom_norm"],
            "learn_time": _duration(dictionary["train_seconds"]) + _on_device(dictionary.get("device", "")), "learning_sentence": sentence + ".",
            "learning_summary": ("Alternating a code step (ISTA or FISTA) with a dictionary step never increases "
                                 f"the objective: it rose at none of the {epochs} full-size epochs." if increases == 0
                                 else "Alternating a code step (ISTA or FISTA) with a dictionary step should never "
                                 f"increase the objective, yet at full size it rose at {_count(increases, 'epoch')} "
                                 f"of {epochs}.")}


def _iterations(n: int | None, limit: int) -> str:
    return f"{n:,}" if n is not None else f"more than {limit:,}"


def convergence_findings(objective: dict, gap_fista) -> dict:
    """The solvers' convergence at full size: iterations to the target gap and the gaps at the end,
    whether momentum (and restarting it) pays, FISTA's wobbles (iterations at which its gap rises),
    and how cautious the certified stop is.

    f* is itself known only to its certified relative gap r (``reference_certified_gap``, else
    ``reference_gap``): a measured gap g means a true gap between g and (g + r) / (1 - r), so
    "closer" factors are stated as lower bounds and gaps below r as "within about r"."""
    limit, target = objective["iterations"], objective["target_gap"]
    needed, final = objective["iterations_to_target"], objective["final_gap"]
    precision = float(objective.get("reference_certified_gap", objective["reference_gap"]))

    def at_most(gap: float) -> float:  # the largest true gap a measured gap allows
        return (gap + precision) / (1 - precision)

    reached = {key: (n if n is not None else math.inf) for key, n in needed.items()}
    out = {f"{key}_iterations_1e4": _iterations(needed[key], limit) for key in SOLVER_NAMES}
    out.update({f"{key}_gap_end": final[key] for key in SOLVER_NAMES})
    out["reference_gap"] = _e(objective["reference_gap"])
    below = [key for key in SOLVER_NAMES if final[key] < precision]
    caveat = ""
    if below:
        caveat = (f"; a gap below {_e(precision)}, the precision to which f* itself is certified, says only that "
                  f"{' and '.join(SOLVER_NAMES[key] for key in below)} {'is' if len(below) == 1 else 'are'} within "
                  f"{_e(max(at_most(final[key]) for key in below))} of the minimum")
    out["convergence_sentence"] = (
        f"To a relative gap of {_e(target)} (the grey line), ISTA needs {out['ista_iterations_1e4']} iterations, "
        f"FISTA {out['fista_iterations_1e4']} and FISTA with restarts {out['restart_iterations_1e4']}. After "
        f"{limit:,} iterations they stand at {_e(final['ista'], 1)}, {_e(final['fista'], 1)} and "
        f"{_e(final['restart'], 1)}{caveat}.")

    momentum_pays = reached["fista"] < reached["ista"] and at_most(final["fista"]) < final["ista"]
    restart_closer = at_most(final["restart"]) < final["fista"]
    restart_sooner = reached["restart"] < reached["fista"]
    closer = final["fista"] / at_most(final["restart"])  # a lower bound on the true ratio
    first = ("FISTA's momentum pays: it gets there sooner than ISTA and ends closer" if momentum_pays
             else "FISTA's momentum does not beat ISTA on both counts here")
    if restart_closer and restart_sooner:
        second = f"restarting it pays again, sooner still and at least {_at_least(closer)} times closer at the end"
    elif restart_closer:
        second = (f"restarting it ends at least {_at_least(closer)} times closer after {limit:,} iterations, "
                  f"though it reaches {_e(target)} no sooner")
    else:
        second = "restarting it does not end measurably closer"
    out["momentum_sentence"] = f"{first}; {second}."
    out.update(momentum_pays=momentum_pays, restart_closer=restart_closer, restart_sooner=restart_sooner,
               restart_closer_factor=closer, reference_precision=precision)
    out["momentum_summary"] = (
        ("FISTA's momentum buys its faster O(1/k²) rate" if momentum_pays
         else "FISTA's momentum promises a faster O(1/k²) rate, but did not beat ISTA at full size")
        + (f", and restarting the momentum buys more: at least {_at_least(closer)} times closer to the minimum "
           f"after {limit:,} iterations at full size." if restart_closer else
           ", and restarting the momentum did not end measurably closer at full size."))

    rises = int(np.sum(np.diff(np.asarray(gap_fista, dtype=float)) > 1e-12))  # not rounding noise
    out["fista_rises"] = rises
    out["wobble_sentence"] = (
        f"FISTA's curve wobbles, its gap rising at {_count(rises, 'iteration')} of {limit:,}, because "
        "momentum carries it past the minimum." if rises else
        "Summed over the digits, FISTA's gap never rises here, although momentum can carry a single "
        "code past its minimum.")

    true_gap, iterations = objective["certified_true_gap"], objective["certified_iterations"]
    bound = at_most(true_gap)
    head = (f"stopped when it certifies {_e(target)} for every digit, FISTA with restarts ran "
            f"{iterations:,} iterations and was in fact within {_e(bound)} of the minimum")
    if bound < target:
        sentence = (f"The bound is cautious at full size: {head}, at least {_at_least(target / bound)} times "
                    "closer than certified.")
    else:
        sentence = f"The bound is tight at full size: {head}, no measurably closer than certified."
    out.update(certified_iterations=iterations, certified_true_gap=true_gap, certified_cautious=bound < target,
               certified_sentence=sentence)
    return out


def benchmark_findings(benchmark: dict) -> dict:
    """The solver benchmark (``results/solver_benchmark.json``): each scikit-learn solver against
    FISTA in float32, and which was fastest to its gap."""
    problem, machine = benchmark["problem"], benchmark["machine"]
    methods = {m["name"]: m for m in benchmark["methods"]}
    fista = methods["fista_float32"]
    out = {"bench_fista_seconds": float(fista["seconds"]), "bench_fista_iterations": f"{fista['iterations']:,}",
           "bench_fista_gap": _e(fista["relative_gap"]),
           "bench_fista_how": (f"extrapolated from {fista['n_digits_run']:,} digits" if fista["extrapolated"]
                               else "measured on all of them"),
           "bench_n_digits": f"{problem['n_digits']:,}", "bench_lam": problem["lam"],
           "bench_l0": float(problem["avg_l0"]), "bench_cpus": machine["cpu_count"]}
    for key, name in (("cd", "sklearn_lasso_cd"), ("lars", "sklearn_lasso_lars")):
        ratio = methods[name]["seconds"] / fista["seconds"]
        out[f"bench_{key}_seconds"] = float(methods[name]["seconds"])
        out[f"bench_{key}_gap"] = _e(methods[name]["relative_gap"], 0 if methods[name].get("reached_tol", True) else 2)
        if not methods[name].get("reached_tol", True):  # e.g. it stopped at its iteration limit
            out[f"bench_{key}_gap"] += f", short of the {_e(problem['tol'])} asked for"
        out[f"bench_{key}_versus"] = (f"{ratio:.1f} times FISTA's time" if ratio >= 1
                                      else f"{1 / ratio:.0f} times faster than FISTA")
    lars = methods["sklearn_lasso_lars"]
    lars_wins = lars["seconds"] < fista["seconds"] and lars["relative_gap"] <= fista["relative_gap"]
    out["bench_lars_wins"] = lars_wins
    out["bench_why"] = ("Where each solver spends its time explains why LARS wins." if lars_wins
                        else "Where each solver spends its time:")
    out["bench_side"] = math.isqrt(problem["n_features"])
    out["bench_atoms"] = f"{problem['n_atoms']:,}"
    start, end = machine.get("loadavg_start"), machine.get("loadavg_end")
    cpu = f"a {machine['cpu_count']}-core CPU"
    if start is None or end is None:
        out["bench_machine_sentence"] = (f"The methods ran one after another on {cpu} whose load was not recorded: "
                                         "other work may have slowed any of them.")
        where = f"On {cpu}"
    else:
        out["bench_machine_sentence"] = (
            f"The methods ran one after another on {cpu} whose load average (over a minute) was {start:.1f} when "
            f"the benchmark started and {end:.1f} when it ended, so other work may have shared its cores: the "
            "seconds are that machine's on that day, and their ratios are rough.")
        where = f"On {cpu} that other work may have shared (load average {start:.1f} when the benchmark started)"
    out["bench_sentence"] = (
        f"{where}, scikit-learn's LARS, whose cost grows with the number of non-zeros, reached a smaller "
        f"gap than FISTA in {fista['seconds'] / lars['seconds']:.0f} times less time at full size."
        if lars_wins else
        f"{where}, at full size, scikit-learn's LARS did not beat FISTA on both time and gap: "
        f"{lars['seconds']:,.0f} s to a gap of {_e(lars['relative_gap'])}, against FISTA's "
        f"{fista['seconds']:,.0f} s to {_e(fista['relative_gap'])}.")
    return out


#: How the benchmark's methods are named on the page.
METHOD_NAMES = {"fista_float32": "FISTA, float32", "fista_float64": "FISTA, float64",
                "ista_float32": "ISTA, float32", "sklearn_lasso_lars": "scikit-learn LARS",
                "sklearn_lasso_cd": "scikit-learn coord. descent"}


def benchmark_table(benchmark: dict):
    """The solver benchmark as the page shows it: one row per method, readable names.

    A time measured on part of the digits and extrapolated to all of them is marked ``*``,
    and the table's caption says on how many digits it ran.
    """
    from ..tables import format_value, table

    methods = benchmark["methods"]
    rows = [{"method": METHOD_NAMES.get(m["name"], m["name"]), "iterations": m["iterations"],
             "seconds": format_value(m["seconds"], "seconds") + (" *" if m["extrapolated"] else ""),
             "gap": m["relative_gap"], "l0": m["avg_l0"]} for m in methods]
    partial = sorted({m["n_digits_run"] for m in methods if m["extrapolated"]})
    caption = (f"* extrapolated from a run on {' or '.join(f'{n:,}' for n in partial)} digits"
               if partial else None)
    return table(rows, {"method": ("method", "text"), "seconds": ("time", str),
                        "iterations": ("iterations", "int"), "gap": ("relative gap", "sci"),
                        "l0": ("average L0", "number")}, caption=caption)

# -- An over-complete basis ----------------------------------------------------------------------

def plane_findings(most_atoms: int, min_norm_fewest_atoms: int, n_atoms: int, dimensions: int,
                   smallest_lam_mse: float) -> dict:
    """The 2-D example: the most atoms an l1 code uses at the smallest λ (where its mean squared
    error is ``smallest_lam_mse``), against the fewest the smallest-l2 code uses."""
    where = (f"where the reconstructions are almost exact (mean squared error {_e(smallest_lam_mse, 1)})"
             if smallest_lam_mse < 1e-3 else f"where the mean squared error is already {smallest_lam_mse:.3f}")
    if most_atoms <= dimensions:
        sparse = (f"no point uses more than {most_atoms} of the {n_atoms} atoms, at most the {dimensions} "
                  "dimensions of the plane")
    else:
        sparse = f"some point uses {most_atoms} of the {n_atoms} atoms, more than the {dimensions} dimensions"
    contrast = "while" if min_norm_fewest_atoms > most_atoms else "and"
    dense = (f"uses all {n_atoms} atoms for every point" if min_norm_fewest_atoms == n_atoms
             else f"uses at least {min_norm_fewest_atoms} for every point")
    sentence = f"Even at the smallest λ, {where}, {sparse}, {contrast} the smallest-ℓ2 code {dense}."
    if most_atoms <= dimensions:
        sentence += (" This is no accident: in m dimensions the ℓ1-best code generically needs no more than m "
                     "atoms, and the dashed polygon shows which ones.")
    else:
        sentence += (" In m dimensions the ℓ1-best code generically needs no more than m atoms, so here the solver "
                     "has not converged, or the points are not in general position.")
    return {"plane_sentence": sentence}


def min_l1_codes(D, points) -> np.ndarray:
    """Exact codes of least ℓ1 norm, ``min ||h||_1`` subject to ``D h = x``, for points of the plane.

    ``D`` is (2, K), one atom per column; ``points`` is (n, 2). The least norm is reached on
    the edge of the polygon conv{±d_j} that the ray from 0 through x crosses, so each code uses
    the (at most two) signed atoms at the ends of that edge: found here by trying every pair
    of signed atoms with non-negative weights. Where a ray passes through a corner, one atom.
    """
    D = np.asarray(D, dtype=np.float64)
    points = np.asarray(points, dtype=np.float64)
    if D.ndim != 2 or D.shape[0] != 2 or D.shape[1] < 2 or points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"D must be (2, atoms) with at least 2 atoms and points (n, 2); got {D.shape} and "
                         f"{points.shape}")
    if np.linalg.matrix_rank(D) < 2:
        raise ValueError("the atoms of D must span the plane (two of them not parallel)")
    K = D.shape[1]
    signed = np.concatenate([D, -D], axis=1)
    codes = np.zeros((len(points), K))
    for n, x in enumerate(points):
        best = (math.inf, None)
        for i in range(2 * K):
            for j in range(i + 1, 2 * K):
                pair = signed[:, [i, j]]
                if i % K == j % K or abs(np.linalg.det(pair)) < 1e-12:
                    continue
                weights = np.linalg.solve(pair, x)
                if np.all(weights >= -1e-12) and weights.sum() < best[0]:
                    best = (weights.sum(), (i, j, weights))
        if best[1] is None:  # x = 0
            continue
        i, j, weights = best[1]
        for index, weight in ((i, weights[0]), (j, weights[1])):
            codes[n, index % K] += weight if index < K else -weight
    codes[np.abs(codes) < 1e-12] = 0.0
    return codes


def plane_face_findings(D, points, codes_by_lam) -> dict:
    """The 2-D example against the geometry of the ℓ1 norm: at the smallest λ, how many points use
    exactly the signed atoms at the ends of the edge their ray crosses (:func:`min_l1_codes`); for how many
    those are not the two signed atoms closest in direction; and whether any point uses an atom
    off its edge at some λ. ``codes_by_lam`` maps each λ to the (n, K) codes FISTA found."""
    if not codes_by_lam:
        raise ValueError("codes_by_lam must map at least one λ to its codes")
    D = np.asarray(D, dtype=np.float64)
    points = np.asarray(points, dtype=np.float64)
    face = np.sign(min_l1_codes(D, points))
    lams = sorted(codes_by_lam)
    signs = {lam: np.sign(np.asarray(codes_by_lam[lam], dtype=np.float64)) for lam in lams}
    if any(sign.shape != face.shape for sign in signs.values()):
        raise ValueError(f"every λ's codes must be (points, atoms) = {face.shape}")
    n = len(points)
    exact = int(np.sum(np.all(signs[lams[0]] == face, axis=1)))
    off = {lam: int(np.sum(np.any((sign != 0) & (sign != face), axis=1))) for lam, sign in signs.items()}
    signed = np.concatenate([D, -D], axis=1)
    cosines = (points @ signed) / np.linalg.norm(signed, axis=0)
    closest = np.argsort(-cosines, axis=1)[:, :2]
    K = D.shape[1]
    corners = np.zeros_like(face)
    for row, pair in enumerate(closest):
        for index in pair:
            corners[row, index % K] = 1 if index < K else -1
    differ = np.any(corners != face, axis=1)
    n_differ = int(differ.sum())
    sentence = ("The dashed polygon is the convex hull of the atoms and their negatives, the image through D of "
                "the codes of ℓ1 norm at most 1. The least ℓ1 norm of an exact code of a point is the factor by "
                "which the polygon must grow to reach it. A code with that norm uses only atoms that lie, with "
                "their signs, on the edge that the ray from the origin through the point crosses, and one such "
                "code uses just the two at the ends of that edge. ")
    at = f"At λ = {lams[0]:g}, "
    sentence += (f"{at}all {n} points use exactly those atoms" if exact == n else
                 f"{at}{exact} of the {n} points use exactly those atoms")
    if n_differ:
        sentence += (f"; for {_count(n_differ, 'point')} they are not the two atoms closest in direction "
                     "to the point, which a nearest-direction rule would pick.")
    else:
        sentence += ("; here they are also the two closest in direction to each point, which is not true in "
                     "general.")
    worst = max(off.values())
    sentence += (f" At every λ shown, no point uses an atom off its edge." if worst == 0 else
                 f" At larger λ, as many as {_count(worst, 'point')} use an atom off {'its' if worst == 1 else 'their'} "
                 "edge: the penalty, not exactness, decides there.")
    return {"face_exact": exact, "face_points": n, "face_not_closest": n_differ,
            "face_off_edge": off, "plane_face_sentence": sentence}


def _small(x: float) -> str:
    """``0.31``, or ``1.5e-5`` below 0.001."""
    return _e(x, 1) if 0 < abs(x) < 1e-3 else f"{x:.2g}"


def plane_path_findings(lams, atoms_used, point_norms, mse, dimensions: int) -> dict:
    """The 2-D example as λ grows: ``atoms_used[i]`` holds each point's number of atoms at
    ``lams[i]`` (λ increasing), ``mse[i]`` the mean squared error; whether any point ever gains an
    atom, how the counts of points using ``dimensions`` atoms and none move, and whether the first
    points to use none are the nearest to the origin."""
    lams = [float(lam) for lam in lams]
    if any(b <= a for a, b in zip(lams, lams[1:])):
        raise ValueError(f"lams must increase, got {lams}")
    used = np.asarray(atoms_used)
    norms = np.asarray(point_norms, dtype=float)
    if used.ndim != 2 or used.shape != (len(lams), len(norms)) or len(mse) != len(lams):
        raise ValueError(f"atoms_used must be (len(lams), n_points) = ({len(lams)}, {len(norms)}) and mse one "
                         f"value per λ; got {used.shape} and {len(mse)}")
    n = len(norms)
    never_gains = bool(np.all(np.diff(used, axis=0) <= 0))
    full = [int(np.sum(row == dimensions)) for row in used]
    none = [int(np.sum(row == 0)) for row in used]
    head = (f"As λ grows from {lams[0]:g} to {lams[-1]:g}, "
            + ("no point ever gains an atom: " if never_gains else "some point gains an atom on the way; ")
            + f"of the {n} points, the number using {dimensions} atoms {_change(full[0], full[-1], 'd')}, the "
            f"number using none {_change(none[0], none[-1], 'd')}, and the mean squared error "
            f"{'rises' if mse[-1] > mse[0] else 'falls'} from {_small(mse[0])} to {_small(mse[-1])}"
            + (": reconstruction traded for sparsity" if mse[-1] > mse[0] else ""))
    first = next((i for i, k in enumerate(none) if k > 0), None)
    nearest_first = None
    if first is not None:
        zero = used[first] == 0
        k = int(zero.sum())
        nearest_first = bool(norms[zero].max() < norms[~zero].min()) if (~zero).any() else True
        who = "the point" if k == 1 else f"the {k} points"
        head += (f". The first {'point' if k == 1 else 'points'} to use none, at λ = {lams[first]:g}, "
                 + (f"{'is' if k == 1 else 'are'} {who} nearest the origin" if nearest_first else
                    f"{'is' if k == 1 else 'are'} not {who} nearest the origin: the direction matters too"))
    return {"plane_path_sentence": head + ".", "plane_never_gains": never_gains,
            "plane_nearest_first": nearest_first}


def _share_word(fraction: float) -> str:
    return "most" if fraction > 0.5 else "many" if fraction >= 0.2 else "few"


def atoms_findings(dictionary: dict, closest_cosine=None) -> dict:
    """The shared dictionary's atoms: how many are near copies of training digits, and their use.

    ``closest_cosine`` (the study's per-atom ``closest_digit_cosine``, optional) adds how far the
    other atoms are from their closest training digit."""
    near, atoms = dictionary["near_copies"], dictionary["n_atoms"]
    per_atom = dictionary["n_examples"] / atoms
    word = _share_word(near / atoms)
    cosine = dictionary["near_copy_cosine"]
    sentence = (f"Learning started from {atoms:,} training digits as atoms (there are {per_atom:.1f} training "
                f"digits per atom), and {word} atoms are still close to a training digit: {near:,} of the "
                f"{atoms:,} have a cosine similarity above {cosine:g} with some training digit")
    unused = dictionary["unused_atoms"]
    usage = (f"Each training digit uses {dictionary['training_l0']:.1f} atoms on average; "
             + ("every atom is used by some training digit." if unused == 0
                else f"{_count(unused, 'atom')} {'is' if unused == 1 else 'are'} used by no training digit."))
    out = {"near_copies": near, "near_copy_pct": 100 * near / atoms, "near_copy_word": word,
           "atoms_sentence": sentence + ".", "usage_sentence": usage, "unused_atoms": unused,
           "learned_l0": dictionary["training_l0"]}
    if closest_cosine is not None:
        closest = np.asarray(closest_cosine, dtype=float)
        others = closest[closest <= cosine]
        out["others_sentence"] = (
            f"The other {_count(len(others), 'atom')} {'has' if len(others) == 1 else 'have'} moved further from any "
            f"single digit: their closest training digit is at a cosine of {others.min():.2f} to {cosine:g}."
            if len(others) else "No atom has moved further than that from every training digit.")
        out["closest_cosine_min"] = float(closest.min())
    return out


def _dictionary_array(dictionary) -> np.ndarray:
    D = np.asarray(dictionary, dtype=np.float64)
    if D.ndim != 2 or D.size == 0 or not np.all(np.isfinite(D)):
        raise ValueError(f"dictionary must be a finite (pixels, atoms) array, got shape {D.shape}")
    return D


def span_findings(dictionary) -> dict:
    """What the learned atoms can reach: pixels zero in every atom bound the dimension of their span
    (a frame of that span, not a basis), and so how many atoms there are per dimension at least."""
    D = _dictionary_array(dictionary)
    m, K = D.shape
    silent = int(np.sum(np.all(D == 0, axis=1)))
    if silent:
        sentence = (f"Counted against what the atoms can reach, the dictionary is more over-complete than that: "
                    f"{_count(silent, 'pixel')} {'is' if silent == 1 else 'are'} zero in every atom, so every "
                    f"reconstruction Dh is zero there, and the atoms span at most the other {m - silent:,} "
                    f"dimensions: at least {K / (m - silent):.1f} atoms per dimension.")
    else:
        sentence = f"Every pixel is non-zero in some atom, so the atoms may span all {m:,} dimensions."
    return {"silent_pixels": silent, "span_overcompleteness": K / (m - silent) if silent < m else math.inf,
            "span_sentence": sentence}


def negative_findings(dictionary, shown=None) -> dict:
    """How much of each atom is negative: the share of its energy (squared norm) in negative pixels,
    over all atoms, and over the ``shown`` ones (indices) if given."""
    D = _dictionary_array(dictionary)
    energy = np.sum(D**2, axis=0)
    share = np.sum(np.minimum(D, 0.0) ** 2, axis=0) / np.where(energy > 0, energy, 1.0)
    some = int(np.sum(share > 0))
    K = D.shape[1]
    over = int(np.sum(share > NEGATIVE_SHARE))
    head = ("Every atom has some negative (blue) pixels" if some == K else
            f"{some:,} of the {K:,} atoms have some negative (blue) pixels")
    sentence = (f"{head}: the median atom keeps {100 * np.median(share):.0f} % of its energy (its squared norm) "
                f"in them, and {over:,} of the {K:,} keep more than {100 * NEGATIVE_SHARE:.0f} %")
    out = {"negative_share_median": float(np.median(share)), "negative_some": some, "negative_over": over}
    if shown is not None:
        shown_share = share[np.asarray(shown, dtype=int)]
        shown_over = int(np.sum(shown_share > NEGATIVE_SHARE))
        sentence += f" ({shown_over} of the {len(shown_share)} shown above)"
        out["negative_over_shown"] = shown_over
    out["negative_sentence"] = sentence + "."
    return out


def frontier_findings(frontier: dict, arrays: dict) -> dict:
    """Reconstruction against sparsity: the refitted dictionary against PCA's largest terms at the
    same L0, the price of shrinkage, and PCA's own terms against its first components."""
    rows = frontier["frontier"]
    middle = next(row for row in rows if row["lam"] == frontier["lam"])
    wins = [row for row in rows if row["mse_refit"] < row["mse_pca_largest"]]
    if len(wins) == len(rows):
        comparison = (f"the refitted dictionary reconstructs test digits better than PCA's largest terms "
                      f"at every λ, from {min(r['l0'] for r in rows):.0f} to {max(r['l0'] for r in rows):.0f} "
                      "non-zeros per digit")
    elif wins:
        comparison = (f"the refitted dictionary reconstructs test digits better than PCA's largest terms "
                      f"at {len(wins)} of the {len(rows)} λ values, those with {min(r['l0'] for r in wins):.0f} "
                      f"to {max(r['l0'] for r in wins):.0f} non-zeros per digit")
    else:
        comparison = "PCA's largest terms reconstruct test digits better than the refitted dictionary at every λ"
    refit_better = sum(row["mse_refit"] < row["mse_l1"] for row in rows)
    shrinkage = (f"refitting lowers the error at every λ: the gap between the two dictionary curves is the "
                 "price of shrinkage" if refit_better == len(rows) else
                 f"refitting lowers the error at {refit_better} of the {len(rows)} λ values")
    largest, first = np.asarray(arrays["mse_pca_largest"]), np.asarray(arrays["mse_pca_first"])
    budgets = np.asarray(arrays["pca_terms"])
    tied = np.isclose(largest, first, rtol=1e-9, atol=0)
    own_better = int(np.sum((largest < first) & ~tied))
    own = "choosing each digit's own terms (the dashed line) beats a fixed list of components (dotted) "
    if own_better == len(largest):
        own += "at every budget"
    elif own_better + tied.sum() == len(largest):
        where = ", ".join(f"{s:,}" for s in budgets[tied])
        own += (f"at every budget where the two differ (they coincide at {where} "
                f"{'term' if list(budgets[tied]) == [1] else 'terms'})")
    else:
        own += f"at {own_better} of the {len(largest)} budgets"
    return {
        "mid_lam": middle["lam"], "mid_l0": middle["l0"], "mid_dictionary": middle["mse_refit"],
        "mid_dictionary_l1": middle["mse_l1"], "mid_s": middle["pca_terms"],
        "mid_pca_best": middle["mse_pca_largest"], "mid_pca_first": middle["mse_pca_first"],
        "frontier_wins": len(wins), "frontier_points": len(rows), "refit_better": refit_better,
        "own_terms_better": own_better, "own_terms_tied": int(tied.sum()), "pca_budgets": len(largest),
        "comparison": comparison, "shrinkage_sentence": shrinkage[0].upper() + shrinkage[1:] + ".",
        "own_terms_sentence": own[0].upper() + own[1:] + ".",
        "shrinkage_summary": ("Refitting the coefficients on the chosen atoms removes the shrinkage that the ℓ1 "
                              "penalty adds, and lowers the error at every λ." if refit_better == len(rows) else
                              "Refitting the coefficients on the chosen atoms removes the shrinkage that the ℓ1 "
                              f"penalty adds; it lowered the error at {refit_better} of the {len(rows)} λ values."),
        "own_terms_summary": ("Letting each digit choose its own terms beats a fixed list of components"
                              + (" wherever the two differ." if own_better + tied.sum() == len(largest)
                                 else f" at {own_better} of the {len(largest)} budgets.")),
    }


def frontier_table(frontier: dict):
    """The full-size frontier as the page shows it: per λ, the L0 and each method's error."""
    from ..tables import table

    return table(frontier["frontier"], {
        "lam": ("λ", "lam"), "l0": ("L0", "number"), "mse_l1": ("dictionary, ℓ1 codes", _mse),
        "mse_refit": ("dictionary, refitted", _mse), "mse_pca_largest": ("PCA, largest terms", _mse)})


def _mse(value: float) -> str:
    """A small error to 3 significant digits, without e-notation: 0.00497, 0.0125."""
    return f"{value:.{max(2 - math.floor(math.log10(abs(value))), 0)}f}" if value else "0"


# -- From sparse coding to neural networks -------------------------------------------------------

def _untrained_threshold(lam: float, atom_norms) -> tuple[str, float, float]:
    """One ISTA step's threshold on dⱼᵀx, λ / (2 ||dⱼ||), as the prose writes it, with its range."""
    if atom_norms is None:
        return f"λ/(2‖dⱼ‖) ≥ λ/2 = {lam / 2:g}", lam / 2, math.inf
    norms = np.asarray(atom_norms, dtype=np.float64)
    low, high = lam / (2 * norms.max()), lam / (2 * norms.min())
    if high - low < 1e-3 * low:
        return f"λ/(2‖dⱼ‖) = {lam / 2:g} for every unit (the atoms have norm 1 to within 1e-3)", low, high
    return f"λ/(2‖dⱼ‖), from {low:.3g} to {high:.3g} across units", low, high


def _spread(values) -> dict:
    if isinstance(values, dict):
        return {key: float(values[key]) for key in ("mean", "min", "max")}
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"thresholds must be one value per unit, got shape {values.shape}")
    return {"mean": float(values.mean()), "min": float(values.min()), "max": float(values.max())}


def _signed(x: float) -> str:
    """``0.25``, ``−0.01``: two decimals, with a true minus sign."""
    return f"{x:.2f}".replace("-", "−")


def threshold_change_findings(untrained, trained, untrained_l0: float, trained_l0: float, where: str) -> dict:
    """How training moved the layer's thresholds −b/‖w‖ (:func:`sparsebook.metrics.relu_thresholds`),
    next to how its codes' L0 moved. ``untrained`` / ``trained``: one threshold per unit, or a
    ``{mean, min, max}`` record; ``where`` opens the sentence ("In this small run")."""
    before, after = _spread(untrained), _spread(trained)
    rises, sparser = after["mean"] > before["mean"], trained_l0 < untrained_l0
    same = before["max"] - before["min"] < 1e-3 * abs(before["mean"])
    whose = "every unit of the untrained layer" if same else "the untrained layer's mean"
    start = f"{_signed(before['mean'])} ({whose})"
    sentence = (f"{where}, the threshold −b/‖w‖ {'rises' if rises else 'falls'} from {start} to "
                f"{_signed(after['mean'])} on average ({_signed(after['min'])} to {_signed(after['max'])} across "
                "units), while the codes go from "
                f"{untrained_l0:,.0f} to {trained_l0:,.1f} active atoms per digit")
    raised = None  # units whose own threshold rose, when both are given per unit
    if not isinstance(untrained, dict) and not isinstance(trained, dict) and np.size(untrained) == np.size(trained):
        raised = int(np.sum(np.asarray(trained, dtype=np.float64) > np.asarray(untrained, dtype=np.float64)))
    if sparser and not rises:
        few = ("" if raised is None else
               f" (only {raised:,} of the {np.size(trained):,} units raised their own)" if raised else
               " (no unit raised its own)")
        sentence += (f": the trained layer is sparser with a lower threshold{few}, so its extra zeros come from "
                     "where its weights now point, no longer along the atoms, not from a higher bar.")
    elif sparser:
        sentence += ": a higher bar, measured against the weights, and sparser codes."
    else:
        sentence += "."
    return {"threshold_before": before, "threshold_after": after, "threshold_rises": rises,
            "threshold_sparser": sparser, "threshold_raised_units": raised, "threshold_change_sentence": sentence}


def encoder_findings(encoder: dict, atom_norms=None) -> dict:
    """One ISTA step, the trained ReLU layer and FISTA as encoders, compared as the chapter states it.

    ``atom_norms`` (the norms of the dictionary's atoms, optional) states one ISTA step's
    threshold −b/‖w‖ = λ / (2 ||dⱼ||) exactly. A study that recorded ``threshold_per_norm``
    compares the trained layer's thresholds with it at full size; older ones say they cannot."""
    e = encoder["encoders"]
    untrained, trained, fista = e["untrained"], e["trained"], e["fista"]
    m, K = encoder["n_features"], encoder["n_atoms"]
    out = {f"{key}_{field}": e[key][name] for key in ("untrained", "trained", "fista")
           for field, name in (("objective", "objective"), ("gap_pct", "gap_pct"), ("l0", "l0"),
                               ("error", "reconstruction"))}
    worth = trained["fista_iterations_worth"]
    out["trained_worth"] = f"{worth:,}" if worth is not None else f"more than {encoder['tracked_iterations']:,}"
    out["untrained_worth"] = untrained["fista_iterations_worth"]
    for key in ("one_step_difference", "lipschitz", "threshold", "linear_zero_pct", "untrained_zero_pct",
                "fista_iterations", "trained_threshold", "input_norm", "support_overlap_pct",
                "encoder_steps", "n_train", "n_test", "n_atoms", "n_features", "side", "lam"):
        out[key] = encoder[key]

    difference = encoder["one_step_difference"]
    out["one_step_sentence"] = (
        f"On {encoder['n_test']:,} full-size test digits the network and ISTA agree to {_e(difference)} "
        "(float32 rounding)." if difference < 1e-4 else
        f"On {encoder['n_test']:,} full-size test digits the network and ISTA differ by up to "
        f"{_e(difference, 1)}, more than float32 rounding: check the layer's weights.")
    zeros = encoder["untrained_zero_pct"]
    bar, low, high = _untrained_threshold(encoder["lam"], atom_norms)
    rule = (f"unit j is zero only when dⱼᵀx ≤ λ/2 = {encoder['lam'] / 2:g}, a threshold −b/‖w‖ of {bar}")
    out["one_step_sparse_sentence"] = (
        f"Yet this one-step code is barely sparse, {zeros:.1f} % zeros. Its bias, −λ/L = "
        f"−{encoder['threshold']:.4f}, looks tiny, but the weights (2/L)dⱼ are just as small "
        f"(L = {encoder['lipschitz']:,.0f}): {rule}; dⱼᵀx is larger than that for {100 - zeros:.1f} % of the "
        "(digit, atom) pairs."
        if zeros < 50 else
        f"This one-step code has {zeros:.1f} % zeros: with the bias −λ/L = −{encoder['threshold']:.4f} and the "
        f"weights (2/L)dⱼ (L = {encoder['lipschitz']:,.0f}), {rule}.")
    out["untrained_threshold_low"], out["untrained_threshold_high"] = low, high
    worth_one = untrained["fista_iterations_worth"]
    out["untrained_sentence"] = (
        (f"The untrained layer, one ISTA step, is worth {worth_one} FISTA iteration by construction (FISTA's "
         "first step is that same step)" if worth_one == 1 else
         f"The untrained layer, one ISTA step, is worth {worth_one} FISTA iterations")
        + f" and its objective, {untrained['objective']:.2f} per digit, is {untrained['gap_pct']:.0f} % above "
        f"the optimum {fista['objective']:.2f}")
    out["crossing_sentence"] = (
        "the blue line, the trained layer, crosses the curve at the vertical line: the number of iterations "
        "one forward pass replaces." if worth is not None else
        f"the blue line, the trained layer, stays below the curve for all {encoder['tracked_iterations']:,} "
        "iterations shown.")
    out["untrained_active_pct"] = 100 * untrained["l0"] / K

    closed = (untrained["gap_pct"] - trained["gap_pct"]) / untrained["gap_pct"] if untrained["gap_pct"] else 0.0
    how_much = ("closes most of that" if closed > 0.5 else "closes some of that" if closed > 0
                else "does not close that gap")
    share = "half" if 2 * m == K else f"{m / K:.2g} times"
    cost = (f"for the cost of one matrix product: m·K multiplications per digit, "
            + (f"{share} the K² of a single FISTA iteration here" if m < K
               else "no less than the K² of a single FISTA iteration here"))
    out["cheaper_than_one_iteration"] = m < K
    out["cost_summary"] = "less than the cost of one" if m < K else "no less than the cost of one"
    out["trained_sentence"] = (
        f"Training the same layer {how_much}: {trained['objective']:.2f}, a gap of {trained['gap_pct']:.0f} %, "
        f"as good as {out['trained_worth']} FISTA iterations, {cost}.")
    out["gap_closed_pct"] = 100 * closed
    out["reaches_optimum"] = trained["gap_pct"] <= 0
    out["optimum_sentence"] = (
        "It does not reach the optimum. A likely reason, which this page does not test: the layer decides every "
        "atom's value from the input alone, in one pass, while the solver's iterations let atoms that explain "
        "the same strokes compete until one of them wins." if trained["gap_pct"] > 0
        else "It reaches the optimum on these digits.")
    sparser = trained["l0"] < untrained["l0"]
    bias = (f"At full size, training moves the bias from −λ/L = −{encoder['threshold']:.4f} to "
            f"−{encoder['trained_threshold']:.3f} on average" if encoder["trained_threshold"] >= 0 else
            f"At full size, training moves the bias from −λ/L = −{encoder['threshold']:.4f} to "
            f"+{-encoder['trained_threshold']:.3f} on average")
    codes = (f", and the codes get sparser ({untrained['l0']:,.0f} to {trained['l0']:.1f} active atoms per digit)"
             if sparser else f", and the codes do not get sparser ({untrained['l0']:,.0f} to {trained['l0']:.1f} "
             "active atoms per digit)")
    meaning = (". A bias alone is not a threshold: a unit fires when wᵀx > −b, that is when x reaches −b/‖w‖ along "
               "the direction of w, and training changed the weights as well as the bias")
    if "threshold_per_norm" in encoder:
        change = threshold_change_findings(encoder["threshold_per_norm"]["untrained"],
                                           encoder["threshold_per_norm"]["trained"], untrained["l0"], trained["l0"],
                                           "Measured that way at full size")
        out["threshold_sentence"] = f"{bias}{codes}{meaning}. {change['threshold_change_sentence']}"
        out["threshold_measured"] = True
        out["threshold_rises"] = change["threshold_rises"]
    else:
        out["threshold_sentence"] = (f"{bias}{codes}{meaning}. The full-size study recorded the biases but not the "
                                     "weights' norms, so it cannot say how that threshold moved; the small run "
                                     "measures it below.")
        out["threshold_measured"] = False
    between = untrained["l0"] > trained["l0"] > fista["l0"]
    out["codes_between"] = between
    out["codes_sentence"] = (
        ("At full size, the trained layer reaches its objective with a sparser code than one ISTA step but a "
         "denser one than FISTA's: " if between else "At full size, the encoders use ")
        + f"{untrained['l0']:,.0f}, {trained['l0']:.1f} and {fista['l0']:.1f} active atoms per digit on average"
        + ("." if between else " for one ISTA step, the trained layer and FISTA."))
    out["summary_codes_sentence"] = (
        f"The trained layer's codes are sparser than one step's ({trained['l0']:.1f} against "
        f"{untrained['l0']:,.0f} active atoms) but denser than the true sparse code's ({fista['l0']:.1f})."
        if between else
        f"Active atoms per digit: {untrained['l0']:,.0f} for one step, {trained['l0']:.1f} for the trained "
        f"layer, {fista['l0']:.1f} for the true sparse code.")
    return out


def shown_codes_findings(arrays: dict) -> dict:
    """How many atoms each encoder switches on in the digits the chapter draws (numbers, no verdict)."""
    counts = {key: [int(n) for n in (np.asarray(arrays[f"shown_{key}"]) > 0).sum(axis=1)]
              for key in ("untrained", "trained", "fista")}
    atoms = np.asarray(arrays["shown_untrained"]).shape[1]

    def listed(numbers):
        return _listed(f"{n:,}" for n in numbers)

    largest = {key: float(np.asarray(arrays[f"shown_{key}"]).max()) for key in ("untrained", "trained", "fista")}
    scale = (f"each a little (mind the scales: its largest value is {largest['untrained']:.2g}, FISTA's "
             f"{largest['fista']:.2g})" if largest["untrained"] < 0.1 * largest["fista"] else
             f"with values up to {largest['untrained']:.2g} (FISTA's: {largest['fista']:.2g})")
    return {"shown_sentence": (
        f"In these digits one ISTA step switches on {listed(counts['untrained'])} of the {atoms:,} atoms, "
        f"{scale}; the trained layer switches on {listed(counts['trained'])}, and FISTA {listed(counts['fista'])}.")}


# -- Learned ISTA ---------------------------------------------------------------------------------

def _rate(x: float) -> str:
    """A learning rate as ``3e-5`` or ``2.5e-4``: the fewest digits that give it back."""
    for digits in range(4):
        text = _e(x, digits)
        if math.isclose(float(text), x, rel_tol=1e-9):
            return text
    return _e(x, 4)


def _worth(n: int | None, limit: int) -> str:
    return f"{n:,}" if n is not None else f"more than {limit:,}"


def lista_findings(lista: dict, encoder: dict | None = None, arrays: dict | None = None) -> dict:
    """Learned ISTA against ISTA and FISTA at the same depth T (the ``coding_lista`` study), as the
    chapter states it. ``encoder`` (the ``coding_encoder`` study, optional) compares depth 1 with the
    chapter's trained ReLU layer, the same network trained longer. ``arrays`` (the study's arrays,
    optional) say whether the training objective was still falling when training stopped."""
    rows = sorted(lista["rows"], key=lambda row: row["depth"])
    depths = [row["depth"] for row in rows]
    first, last = rows[0], rows[-1]
    limit = lista["tracked_iterations"]
    steps, n_test = lista["steps"], lista["n_test"]
    out = {"lista_steps": f"{steps:,}", "lista_test": f"{n_test:,}", "lista_train": f"{lista['n_train']:,}",
           "lista_learning_rate": _rate(lista["learning_rate"]), "lista_depth_max": last["depth"],
           "lista_depth_list": _listed(str(d) for d in depths),
           "lista_fista_iterations": f"{lista['fista_iterations']:,}", "lista_optimum": lista["optimum"],
           "lista_tracked": f"{limit:,}"}
    for row in rows:
        out[f"lista_gap_{row['depth']}"] = row["gap_pct"]["lista"]
        out[f"lista_worth_{row['depth']}"] = _worth(row["lista_fista_iterations_worth"], limit)

    difference = max(row["untrained_difference"] for row in rows)
    worst = max(rows, key=lambda row: row["untrained_difference"])["depth"]
    out["lista_untrained_difference"] = difference
    out["lista_identity_sentence"] = (
        f"Untrained, the network of every depth computes as many ISTA steps from h = 0: on the {n_test:,} "
        f"full-size test digits its codes and ISTA's agree to {_e(difference)} at every depth from T = "
        f"{first['depth']} to {last['depth']} (float32 rounding)." if difference < 1e-4 else
        f"Untrained, the network should compute T ISTA steps from h = 0, yet on the {n_test:,} full-size test "
        f"digits its codes and ISTA's differ by up to {_e(difference, 1)} (at T = {worst}), more than float32 "
        "rounding: check the weights.")

    def gaps(row, *keys):
        return ", ".join(f"{row['gap_pct'][key]:.1f} %" for key in keys)

    below_ista = [row["depth"] for row in rows if row["lista"] < row["ista"]]
    out["lista_beats_ista"] = len(below_ista)
    opening = f"Trained for {steps:,} steps on the {lista['n_train']:,} training digits, LISTA"
    ends = (f"at T = {first['depth']} its gap to the optimum is {first['gap_pct']['lista']:.1f} % against ISTA's "
            f"{first['gap_pct']['ista']:.1f} %, and at T = {last['depth']}, {last['gap_pct']['lista']:.1f} % against "
            f"{last['gap_pct']['ista']:.1f} %")
    if len(below_ista) == len(rows):
        out["lista_ista_sentence"] = f"{opening} is below ISTA at every depth on the test digits: {ends}."
    else:
        not_below = [str(row["depth"]) for row in rows if row["lista"] >= row["ista"]]
        out["lista_ista_sentence"] = (
            f"{opening} is below ISTA at {len(below_ista)} of the {len(rows)} depths on the test digits, not at "
            f"T = {_listed(not_below)}: {ends}.")

    below_fista = [row["depth"] for row in rows if row["lista"] < row["fista"]]
    out["lista_beats_fista"] = len(below_fista)
    worths = [row["lista_fista_iterations_worth"] for row in rows]
    ratios = [(row["depth"], w / row["depth"]) for w, row in zip(worths, rows) if w is not None]
    listed = _listed(_worth(w, limit) for w in worths)
    compare = (f"It is below FISTA run for as many iterations at every depth" if len(below_fista) == len(rows) else
               "It is below FISTA run for as many iterations at none of the depths" if not below_fista else
               f"It is below FISTA run for as many iterations at {len(below_fista)} of the {len(rows)} depths "
               f"(T = {_listed(str(d) for d in below_fista)})")
    out["lista_fista_sentence"] = (
        f"{compare}: the depths T = {out['lista_depth_list']} are worth {listed} FISTA iterations"
        + (f"; that is {_times(ratios[0][1])} FISTA iterations per layer at T = {ratios[0][0]} and "
           f"{_times(ratios[-1][1])} at T = {ratios[-1][0]}." if len(ratios) > 1 else "."))
    out["lista_worth_per_layer"] = {depth: ratio for depth, ratio in ratios}

    lista_gaps = [row["gap_pct"]["lista"] for row in rows]
    falls = _monotone(lista_gaps, rising=False)
    out["lista_gap_falls"] = falls
    if falls:
        depth_sentence = (f"Deeper is better at every step of the table: LISTA's gap falls from "
                          f"{lista_gaps[0]:.1f} % at T = {first['depth']} to {lista_gaps[-1]:.1f} % at T = "
                          f"{last['depth']}")
    else:
        rises = [f"T = {a['depth']} to {b['depth']}" for a, b in zip(rows, rows[1:])
                 if b["gap_pct"]["lista"] >= a["gap_pct"]["lista"]]
        depth_sentence = (f"LISTA's gap goes from {lista_gaps[0]:.1f} % at T = {first['depth']} to "
                          f"{lista_gaps[-1]:.1f} % at T = {last['depth']}, but not down at every step of the "
                          f"table (not from {_listed(rises)})")
    reaches = last["gap_pct"]["lista"] <= 0
    out["lista_reaches_optimum"] = reaches
    out["lista_depth_sentence"] = depth_sentence + (
        f"; at T = {last['depth']} it reaches the optimum on these digits." if reaches else
        f", still above the optimum that FISTA certifies after {lista['fista_iterations']:,} iterations.")
    out["lista_summary"] = (
        f"Learned ISTA unrolls T ISTA steps into a network whose shared weights are trained on the objective. "
        f"At full size, after {steps:,} training steps at one learning rate, depth {last['depth']} is "
        f"{last['gap_pct']['lista']:.1f} % above the optimum, against {last['gap_pct']['ista']:.1f} % for "
        f"{last['depth']} ISTA and {last['gap_pct']['fista']:.1f} % for {last['depth']} FISTA iterations: worth "
        f"{_worth(last['lista_fista_iterations_worth'], limit)} FISTA iterations.")

    if encoder is not None:
        layer = encoder["encoders"]["trained"]
        longer = layer["gap_pct"] < first["gap_pct"]["lista"]
        out["lista_one_layer_sentence"] = (
            f"At T = {first['depth']}, LISTA is the trained ReLU layer of the sections above, here trained for "
            f"{steps:,} steps at a learning rate of {_rate(lista['learning_rate'])} instead of "
            f"{encoder['encoder_steps']:,} at {_rate(encoder['learning_rate'])}: "
            f"{first['gap_pct']['lista']:.1f} % above the optimum against the longer-trained layer's "
            f"{layer['gap_pct']:.1f} % (scored on the first {encoder['n_test']:,} test digits), "
            + ("so this study's training, the same at every depth, stops short of what at least the single "
               "layer can reach" if longer else "so the longer training did not help the single layer"))
        deeper = last["gap_pct"]["lista"] < layer["gap_pct"]
        out["lista_one_layer_sentence"] += (
            f". Depth {last['depth']} after {steps:,} steps is {'below' if deeper else 'not below'} that "
            f"longer-trained single layer ({last['gap_pct']['lista']:.1f} % against {layer['gap_pct']:.1f} %).")
        out["lista_short_training"] = longer
        out["lista_depth_beats_training"] = deeper

    if arrays is not None:  # the training curves: block means of the training objective
        falls = {}
        for row in rows:
            curve = np.asarray(arrays[f"training_loss_{row['depth']}"], dtype=float)
            n, tenth = len(curve), max(1, len(curve) // 10)
            middle, end = curve[n // 2 - tenth: n // 2].mean(), curve[n - tenth:].mean()
            falls[row["depth"]] = 100 * (middle - end) / middle
        block = steps // len(curve)
        window = (f"means over steps {(n // 2 - tenth) * block + 1:,}–{n // 2 * block:,} and "
                  f"{(n - tenth) * block + 1:,}–{n * block:,}")
        still = [depth for depth, fall in falls.items() if fall > 1.0]  # more than 1 %: still learning
        out["lista_still_falling"] = len(still)
        opening = (f"These are the scores of one short training, not the best LISTA can do: {steps:,} steps at one "
                   f"learning rate, {_rate(lista['learning_rate'])}, for every depth")
        low, high = min(falls, key=falls.get), max(falls, key=falls.get)
        if len(still) == len(rows):
            out["lista_training_sentence"] = (
                f"{opening}. Over the second half of the training the objective on the training batches still fell "
                f"at every depth, by {falls[low]:.1f} % (T = {low}) to {falls[high]:.1f} % (T = {high}) ({window}): "
                "trained longer, every LISTA row of the table would likely be lower.")
        elif still:
            out["lista_training_sentence"] = (
                f"{opening}. Over the second half of the training the objective on the training batches still fell "
                f"by more than 1 % at T = {_listed(str(d) for d in still)}, and not at the other depths ({window}).")
        else:
            out["lista_training_sentence"] = (
                f"{opening}. Over the second half of the training the objective on the training batches fell by "
                f"1 % or less at every depth ({window}): longer training at this rate would change little.")
    return out


# --- tables of the networks chapter (for sparsebook.tables.table) -------------------------------

#: The encoders of the networks chapter, as its tables name them.
ENCODER_NAMES = {"untrained": "one ISTA step (untrained layer)", "trained": "trained ReLU layer",
                 "fista": "FISTA"}
#: Columns of :func:`encoder_score_rows`.
ENCODER_SCORE_COLUMNS = {
    "encoder": ("encoder", "text"),
    "objective": ("objective", "number"),
    "reconstruction": ("error", "number"),
    "penalty": ("λ‖h‖₁", "number"),
    "l0": ("active", "number"),
    "gap_pct": ("gap", lambda v: "–" if v is None else f"{v:.1f} %"),
    "fista_iterations_worth": ("FISTA its.", "int"),
}
#: Shorter names of the encoders, for tables and panel titles.
ENCODER_SHORT_NAMES = {"untrained": "one ISTA step", "trained": "trained layer", "fista": "FISTA"}


def encoder_score_rows(scores: dict) -> list[dict]:
    """One row per encoder of ``scores`` (key -> objective, reconstruction, penalty, l0, gap_pct,
    fista_iterations_worth), named by :data:`ENCODER_SHORT_NAMES`; a value a record lacks is None
    (the table shows a dash)."""
    missing = [key for key in scores if key not in ENCODER_NAMES]
    if missing:
        raise ValueError(f"unknown encoders {missing}; expected keys of {sorted(ENCODER_NAMES)}")
    return [{"encoder": ENCODER_SHORT_NAMES[key], **{k: s.get(k) for k in list(ENCODER_SCORE_COLUMNS)[1:]}}
            for key, s in scores.items()]


def lista_depth_rows(lista: dict) -> list[dict]:
    """The LISTA study's rows flattened for two tables: ``LISTA_OBJECTIVE_COLUMNS`` and
    ``LISTA_GAP_COLUMNS`` (the whole would be wider than the page's column)."""
    if "rows" not in lista or not lista["rows"]:
        raise ValueError("lista must hold the study's non-empty 'rows'")
    return [{"depth": r["depth"], "parameters": r["parameters"], "lista": r["lista"], "ista": r["ista"],
             "fista": r["fista"], "gap_lista": r["gap_pct"]["lista"], "gap_ista": r["gap_pct"]["ista"],
             "gap_fista": r["gap_pct"]["fista"], "worth": r["lista_fista_iterations_worth"]}
            for r in lista["rows"]]


def _pct1(v) -> str:
    return "–" if v is None else f"{v:,.1f} %"


LISTA_OBJECTIVE_COLUMNS = {  #: Objective per test digit at each depth T.
    "depth": ("T", "int"), "parameters": ("LISTA weights", "int"),
    "lista": ("LISTA", "number"), "ista": ("ISTA", "number"), "fista": ("FISTA", "number")}
LISTA_GAP_COLUMNS = {  #: Gap to the optimum at each depth T, and LISTA's worth in FISTA iterations.
    "depth": ("T", "int"), "gap_lista": ("LISTA", _pct1), "gap_ista": ("ISTA", _pct1),
    "gap_fista": ("FISTA", _pct1), "worth": ("LISTA worth (FISTA its.)", "int")}
