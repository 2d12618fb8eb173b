"""JAX numerics behind the experiments: models, kernels, training loops and solvers.

Importing this package turns on float64 in JAX: every experiment runs in double
precision unless a claim says otherwise.
"""

import jax

jax.config.update("jax_enable_x64", True)
