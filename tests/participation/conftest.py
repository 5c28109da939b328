import pytest
from participation_helpers import found


@pytest.fixture
def council(db):
    return found()
