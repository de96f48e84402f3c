import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """A request under /es/ leaves Spanish active in the test's thread; what the test itself
    reverses or renders must not depend on which request ran before."""
    translation.activate("en")
    yield
    translation.deactivate()
