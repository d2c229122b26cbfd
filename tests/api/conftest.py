import pytest

from commentariat.moderation.models import ModerationPolicy


@pytest.fixture
def policy(db):
    policy = ModerationPolicy.current()
    policy.mode = "hold_none"
    policy.save()
    return policy
