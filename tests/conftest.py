"""Test configuration shared by the whole suite."""

import os

from hypothesis import HealthCheck, settings

# Derandomized so CI is reproducible; no deadline (symbolic work varies in speed).
settings.register_profile(
    "derive", deadline=None, derandomize=True, max_examples=40,
    suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "derive"))
