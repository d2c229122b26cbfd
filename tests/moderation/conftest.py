import pytest
from django.contrib.auth.models import Group


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
    user.groups.add(Group.objects.get(name="moderator"))
    return user


@pytest.fixture
def second_moderator(django_user_model):
    user = django_user_model.objects.create_user(
        username="mod2", password="pw", first_name="Sam", last_name="Second", is_staff=True
    )
    user.groups.add(Group.objects.get(name="moderator"))
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client
