"""Registers the shared fixtures once, for every test package: the modules in tests/fixtures/.

Tests import plain helpers (constants, classes, functions) from those modules, never a fixture: a
fixture is found by its name through this registration.
"""

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.lifecycle",
    "tests.fixtures.pages",
    "tests.fixtures.client_request",
]
