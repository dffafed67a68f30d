"""The fuzz folder's Hypothesis profile, registered here so no other test's settings change.

Each fuzz test picks a public service function and arguments for it per example, so a few
hundred examples per test cover every function it names. `XIANGCUN_FUZZ_EXAMPLES` raises the
count for a long run on a workstation (the CI figure keeps the folder under about 3 minutes
on SQLite on 2 cores). The examples are the same on every run (see tests/conftest.py), so a
run passes or fails by the code alone; `HYPOTHESIS_RANDOM=1` draws new ones to look further.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "xiangcun-fuzz",
    max_examples=int(os.environ.get("XIANGCUN_FUZZ_EXAMPLES", "300")),
    # Services hit the database: timings vary with the machine, not with the input.
    deadline=None,
    # The fixtures (users, shops, an order...) are built once per test, and every example
    # runs in a savepoint that is rolled back (see driver.example_isolated).
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    print_blob=True,
    derandomize=os.environ.get("HYPOTHESIS_RANDOM") != "1",
)
