"""Queue shortcuts a moderator can trust (WCAG 2.1.4): plain button names, keys shown apart,
and a per-moderator setting that turns single keys off or puts them behind Alt+Shift."""

import re

import pytest

from commentariat.discussion.services import hold_comment
from commentariat.moderation.models import ModeratorPreferences
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(post):
    return hold_comment(comment=make_comment(post, name="Waiting Reader", body="Please approve me."))


def _approve_button(html: str) -> str:
    return re.search(r'<button name="decision" value="approve" class="act-approve"[^>]*>.*?</button>', html, re.S).group(0)


def test_buttons_are_named_plainly_and_show_their_key_apart(moderator_client, held):
    html = moderator_client.get("/moderation/").content.decode()
    button = _approve_button(html)
    assert 'aria-keyshortcuts="a"' in button
    # The visible key is hidden from the accessible name: a screen reader says "Approve".
    assert '<kbd class="key-hint" aria-hidden="true">a</kbd>' in button
    assert re.sub(r"<kbd[^>]*aria-hidden[^>]*>.*?</kbd>", "", button).count(">a<") == 0
    assert 'data-shortcuts="single"' in html


def test_a_moderator_turns_single_keys_off(moderator_client, moderator, held):
    response = moderator_client.post("/moderation/keys/", {"shortcuts": "off"}, follow=True)
    html = response.content.decode()
    assert "Keyboard shortcuts: Off." in html
    assert "Keyboard shortcuts are off" in html
    assert 'data-shortcuts="off"' in html
    assert "aria-keyshortcuts" not in html and "key-hint" not in html
    assert ModeratorPreferences.objects.get(user=moderator).shortcuts == "off"
    # Only for this moderator: the detail page follows the same setting.
    detail = moderator_client.get(f"/moderation/comments/{held.pk}/").content.decode()
    assert 'data-shortcuts="off"' in detail and "aria-keyshortcuts" not in detail


def test_shortcuts_behind_a_modifier_are_labelled_so(moderator_client, held):
    moderator_client.post("/moderation/keys/", {"shortcuts": "modifier"})
    html = moderator_client.get("/moderation/").content.decode()
    assert 'aria-keyshortcuts="Alt+Shift+A"' in _approve_button(html)
    assert "<kbd>Alt+Shift+J</kbd>" in html


def test_an_unknown_setting_changes_nothing(moderator_client, moderator):
    moderator_client.post("/moderation/keys/", {"shortcuts": "modifier"})
    response = moderator_client.post("/moderation/keys/", {"shortcuts": "always"}, follow=True)
    assert "Choose one of the keyboard shortcut settings." in response.content.decode()
    assert ModeratorPreferences.objects.get(user=moderator).shortcuts == "modifier"


def test_readers_cannot_change_a_moderators_keys(client, moderator):
    response = client.post("/moderation/keys/", {"shortcuts": "off"})
    assert response.status_code in (302, 403)
    assert not ModeratorPreferences.objects.filter(user=moderator).exists()
