import pytest

import theorems


@pytest.fixture(scope="session")
def dev():
    return theorems.PROFILES["dev"]
