"""The claim's figure, registered with the suite's report."""

from reports._figures import figure


@figure("quadratic.contraction")
def contraction(records, ax):
    ax.scatter([r["config"]["q"] for r in records], [abs(r["measured"]) for r in records], s=10)
    ax.set_yscale("log")
    ax.set_xlabel("steps $q$")
    ax.set_ylabel(r"$|w_q - w^*|$")
