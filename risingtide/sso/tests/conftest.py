"""The test OpenID provider, one process for the whole run, reset before each test."""

import pytest

from risingtide.sso.tests.running import start_provider


@pytest.fixture(scope="session")
def _provider_process():
    running = start_provider()
    yield running
    running.stop()


@pytest.fixture
def oidc(_provider_process, settings):
    """The running provider, reset, reachable by the server through the test allow-list."""
    _provider_process.control(reset=True)
    settings.FETCH_ALLOW_HOSTS = [_provider_process.host]
    return _provider_process


@pytest.fixture
def provider_process(_provider_process):
    """The running provider, not on the allow-list: what production would make of it."""
    _provider_process.control(reset=True)
    return _provider_process
