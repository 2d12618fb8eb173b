"""Training data of the splines family: the paper's data sets, random data drawn from a configuration's seed,
and the grids on which the limits are compared.  NumPy only."""

from __future__ import annotations

import numpy as np

from theorems._claim import Config
from theorems.splines.constants import DATA_HALF_WIDTH, EVAL_POINTS, GRID_2D

PAPER_X = (-2.0, -1.0, 0.0, 1.0, 2.0)
PAPER_Y = (1.5, 0.5, 1.5, 0.5, 1.5)
"""The training data of the paper's Figure 1 (App. A: Figure 7 adds 10x + 10 to them and lists
{(-2, -8.5), (-1, 0.5), (0, 11.5), (1, 20.5), (2, 31.5)})."""

PAPER_X2 = ((-1.0, -1.0), (1.0, 1.0), (0.0, 0.0), (-1.0, 1.0), (1.0, -1.0))
PAPER_Y2 = (1.5, 1.5, 0.5, -0.5, -0.5)
"""The data of the paper's two-dimensional experiment (Figure 2: W ~ U(S^1), B ~ U(-2, 2)), as set in
the authors' public code (huijin12/Implicit_Bias_Wide_Neural_Networks, notebook
ASI_trick_differenct_neuron_all_case_2D_const_curvature.ipynb); the paper's text does not list them."""


def dataset(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """Training inputs and outputs of a configuration.

    data_seed < 0: the paper's Figure 1 data, plus trend x + offset.  Otherwise M inputs in
    [-2, 2] with both ends included and gaps of at least min(0.8, 2/(M - 1)) (half the even
    spacing), outputs U(-1.5, 1.5), plus the linear function trend x + offset (which the affine
    adjustment removes).  ``target_scale`` (never drawn, 1 unless a configuration gives it) multiplies the
    outputs: in the linearised regime the trained network and g* scale with it, so the distance divided by it
    does not depend on it, and where it does the network is not yet in that regime (NOTES.md).
    """
    trend, offset = float(config.get("trend", 0.0)), float(config.get("offset", 0.0))
    scale = float(config.get("target_scale", 1.0))
    if config["data_seed"] < 0:
        xs, ys = np.array(PAPER_X), np.array(PAPER_Y)
    else:
        rng = np.random.default_rng(int(config["data_seed"]))
        M = int(config["M"])
        while True:
            inner = np.sort(rng.uniform(-DATA_HALF_WIDTH, DATA_HALF_WIDTH, M - 2))
            xs = np.concatenate([[-DATA_HALF_WIDTH], inner, [DATA_HALF_WIDTH]])
            if np.all(np.diff(xs) >= min(0.8, DATA_HALF_WIDTH / (M - 1))):
                break
        ys = rng.uniform(-1.5, 1.5, M)
    return xs, scale * (ys + trend * xs + offset)


def other_activation_dataset(config: Config):
    """dataset() plus curvature x^2: a quadratic p (L p = 0) that Corollary 4's adjustment absorbs."""
    xs, ys = dataset(config)
    return xs, ys + float(config.get("curvature", 0.0)) * xs**2


def eval_grid(xs: np.ndarray) -> np.ndarray:
    """The grid on S = [min x_j, max x_j] where the sup distance is taken."""
    return np.linspace(xs.min(), xs.max(), EVAL_POINTS)


def dataset_2d(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """data_seed < 0: the paper's 2-D data; otherwise M points uniform in the disc of radius 1.4 with
    gaps >= 0.5, outputs U(-1.5, 1.5).  Plus the affine function <trend, x> + offset."""
    if config["data_seed"] < 0:
        xs, ys = np.array(PAPER_X2), np.array(PAPER_Y2)
    else:
        rng = np.random.default_rng(int(config["data_seed"]))
        M = int(config["M"])
        while True:
            rad, ang = 1.4 * np.sqrt(rng.uniform(0, 1, M)), rng.uniform(0, 2 * np.pi, M)
            xs = np.stack([rad * np.cos(ang), rad * np.sin(ang)], axis=1)
            gaps = np.linalg.norm(xs[:, None] - xs[None], axis=-1) + 10 * np.eye(M)
            if gaps.min() >= 0.5:
                break
        ys = rng.uniform(-1.5, 1.5, M)
    trend = np.array([config.get("trend", 0.0), config.get("trend2", 0.0)])
    return xs, ys + xs @ trend + config.get("offset", 0.0)


def grid_2d(xs: np.ndarray, points: int = GRID_2D) -> np.ndarray:
    """[-R, R]^2 with R = max_j |x_j|_2, as in the paper's App. A."""
    R = float(np.max(np.linalg.norm(xs, axis=1)))
    g = np.linspace(-R, R, points)
    return np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
