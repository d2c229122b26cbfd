"""Schemathesis generates requests from the OpenAPI spec: the API never answers with a 5xx."""

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from commentariat.api.models import ApiToken
from tests.factories import make_comment

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_test_connection():
    """Requests go to the WSGI app directly, whose end-of-request handler would close the test's
    database connection (and its transaction); Django's test client unhooks it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def site(post, django_user_model, keep_test_connection):
    first = make_comment(post, name="Ada Reader", body="A first comment.")
    make_comment(post, parent=first, name="Ben Reply", body="A reply.")
    moderator = django_user_model.objects.create_user(username="mona", is_staff=True)
    moderator.groups.add(Group.objects.get(name="moderator"))
    _, key = ApiToken.issue(moderator)
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error(case, site):
    case.call_and_validate(headers=site, checks=[not_a_server_error])
