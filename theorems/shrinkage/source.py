"""The paper the shrinkage family checks, as every claim's ``source`` names it."""

SOURCE = "Lucey (2025), Gradient Descent as a Shrinkage Operator for Spectral Bias, arXiv 2504.18207"
