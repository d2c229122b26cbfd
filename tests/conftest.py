import os

# pytest-playwright runs an event loop in the test thread; Django's ORM then refuses
# synchronous calls in live_server tests unless told this is fine (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(
        reason=f"Chromium is not installed at {CHROMIUM}; `make test` as root installs it"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty flood counters (the cache is Redis on the CI's second run)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _page_versions_bump_at_once(request, monkeypatch):
    """Pages go stale when a change commits; a test's writes never commit (its transaction is
    rolled back), so here they bump the page versions at once. Tests marked real_commit run the
    after-commit path itself (tests/core/test_cache_after_commit.py)."""
    if "real_commit" in request.keywords:
        return
    from commentariat.core import page_cache

    monkeypatch.setattr(page_cache, "after_commit", lambda callback: callback())


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_user(
        username="editor", first_name="Edith", last_name="Writer", password=None
    )


@pytest.fixture
def post(author):
    from tests.factories import make_post

    return make_post(author=author)


@pytest.fixture
def comments_per_page(settings):
    """Set the thread's page size for one test."""

    def set_size(size: int):
        settings.COMMENTARIAT = {**settings.COMMENTARIAT, "COMMENTS_PER_PAGE": size}

    return set_size


@pytest.fixture
def policy(db):
    """The site's policy, holding nobody by default so that each test turns on the rule it checks."""
    from commentariat.moderation.models import ModerationPolicy

    policy = ModerationPolicy.current()
    policy.mode = "hold_none"
    policy.save()
    return policy


# Moderators, as the site's groups make them (every migrate keeps the groups in place).


def _group(name: str):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name)


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(
        username="mod",
        password="pw",
        first_name="Mona",
        last_name="Moderator",
        is_staff=True,
        email="mona@example.org",
    )
    user.groups.add(_group("moderator"))
    return user


@pytest.fixture
def second_moderator(django_user_model):
    user = django_user_model.objects.create_user(
        username="mod2", password="pw", first_name="Sam", last_name="Second", is_staff=True
    )
    user.groups.add(_group("moderator"))
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client
