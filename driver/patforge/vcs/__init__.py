"""git: the few operations patforge needs, and render --branch's workflow."""
