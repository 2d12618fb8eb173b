"""Closed form (SymPy), experiment (plain gradient descent), configurations (Hypothesis) and assumptions."""

import sympy
from hypothesis import strategies as st

from theorems._claim import Measurement

alpha, lam, q, e0 = sympy.symbols("alpha lam q e0", real=True)
ERROR = (1 - alpha * lam) ** q * e0


def predict(closed_form, config):
    return float(closed_form.subs({alpha: config["alpha"], lam: config["lam"], q: config["q"],
                                   e0: config["w0"] - config["w_star"]}))


def measure(configs, keys):
    out = []
    for c in configs:
        w = c["w0"]
        for _ in range(c["q"]):
            w = w - c["alpha"] * c["lam"] * (w - c["w_star"])
        out.append(Measurement(value=w - c["w_star"]))
    return out


def configurations(profile):
    one = st.fixed_dictionaries({"lam": st.sampled_from([0.5, 1.0, 2.0]), "alpha": st.sampled_from([0.1, 0.5, 0.9]),
                                 "q": st.integers(1, 50), "w0": st.sampled_from([-1.0, 2.0]),
                                 "w_star": st.sampled_from([0.0, 0.5])})
    return st.lists(one, min_size=1, max_size=4).map(tuple)


def assumptions(config):
    if config["alpha"] * config["lam"] >= 2:
        return "alpha lambda >= 2: past the stability limit"
    return None
