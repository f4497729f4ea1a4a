"""Shared test configuration: the hypothesis profile CI uses (DECISIONS.md section 7)."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ci")

# pytester: tests/conformance/execution/test_pytest_plugin.py runs pytest inside pytest;
# zn5.reference.testing.servers: the moto S3 server and the static HTTP server of the remote-store tests.
pytest_plugins = ["pytester", "zn5.reference.testing.servers"]
