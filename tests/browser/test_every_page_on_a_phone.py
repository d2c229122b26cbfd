"""Every page in Chromium at 390 px, as the user who sees it: no sideways scrolling, and axe-core
finds nothing critical or serious, in light and in dark mode.

axe-core comes from the npm registry (`make axe`, part of `make test`, installs it into .cache/).
One browser context per kind of user; each page is loaded once and checked in both schemes.
"""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Browser, Page

from commentariat.discussion.services import hold_comment
from commentariat.moderation.services import claim_comment, decide_comment, update_thread
from commentariat.publishing.models import Category, Post
from tests.factories import make_comment, make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / ".cache/axe/node_modules/axe-core/axe.min.js"
PHONE = {"width": 390, "height": 844}
LONG_POST = "library-levy-and-trust"  # the demo site's long discussion


@pytest.fixture
def axe_script() -> Path:
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE}: run `make axe` (it needs npm)")
    return AXE


@pytest.fixture
def site(author, moderator, second_moderator, policy):
    """The demo site, a category, a protected post, a long unbroken title, comments waiting for a
    moderator (one claimed by another: a dimmed card), decisions and thread changes in the log."""
    moderator.groups.add(Group.objects.get(name="editor"))
    call_command("load_demo_site", stdout=open("/dev/null", "w"))
    long_post = Post.objects.get(slug=LONG_POST)
    category = Category.objects.create(name="Civic life", slug="civic-life")
    long_post.categories.add(category)
    make_post(author=author, title="For members", slug="for-members", password="sesame")
    make_post(author=author, title="Antidisestablishmentarianism-and-its-discontents-reconsidered", slug="long-word")
    held = []
    for n in range(3):
        comment = make_comment(long_post, name=f"Waiting {n}", url="https://a-rather-long-domain-name.example/",
                               email=f"a.very.long.address.for.waiting.reader.{n}@subdomain.example.org",
                               body=f"Held back {n}: " + "word " * 40)  # fmt: skip
        held.append(hold_comment(comment=comment) or comment)
    claim_comment(comment=held[0], by=second_moderator)
    decide_comment(comment=held[2], decision="approve", by=moderator, reason="Fine after all " * 8)
    update_thread(post=long_post, changes={"moderation_note": "Stay on topic, please. " * 6}, by=moderator)
    return {"long": long_post, "category": category}


def _public_pages(site) -> list[str]:
    long_url = site["long"].get_absolute_url()
    return [
        "/",
        long_url,
        f"{long_url}?replytocom={site['long'].comments.filter(status='approved').first().pk}",
        f"/comments/{site['long'].comments.filter(status='approved').first().pk}/report/",
        f"{long_url}print/",
        f"{long_url}print/?comments=1",
        f"{long_url}email/",
        f"/category/{site['category'].slug}/",
        long_url.rsplit("/", 2)[0] + "/",
        "/search/?q=library",
        "/search/?q=library&in=comments",
        Post.objects.get(slug="for-members").get_absolute_url(),
        "/no/such/page/",
        "/admin/login/",
        "/api/docs",
    ]


def _staff_pages(site) -> list[str]:
    return [
        "/moderation/",
        "/moderation/log/",
        "/moderation/refused/",
        "/moderation/appeals/",
        f"/moderation/posts/{site['long'].pk}/",
        "/editor/",
    ]


def _signed_in_context(browser: Browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # axe is injected inline
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return context


def _check(page: Page, url: str, axe: Path) -> list[str]:
    """What is wrong with one page: its overflow at 390 px and axe's serious findings, light and dark."""
    problems = []
    page.emulate_media(color_scheme="light")
    page.goto(url)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > PHONE["width"]:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
                 .slice(0, 3).map(e => e.tagName + '.' + e.className)"""
        )
        problems.append(f"{url}: {width} px wide ({wide})")
    page.add_script_tag(path=str(axe))
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                 .filter(v => v.impact === 'critical' || v.impact === 'serious')
                 .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"""
        )
        problems += [f"{url} ({scheme}): {violation}" for violation in violations]
    return problems


def test_no_page_overflows_a_phone_or_fails_axe(browser: Browser, live_server, site, moderator, axe_script):
    problems = []
    reader = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = reader.new_page()
    for path in _public_pages(site):
        problems += _check(page, live_server.url + path, axe_script)
    reader.close()
    staff = _signed_in_context(browser, live_server, moderator)
    page = staff.new_page()
    for path in _staff_pages(site):
        problems += _check(page, live_server.url + path, axe_script)
    staff.close()
    assert not problems, "\n".join(problems)


def test_dark_mode_follows_the_system_setting_and_print_stays_light(browser: Browser, live_server, post):
    make_comment(post, body="Read at night.")
    context = browser.new_context(viewport=PHONE, color_scheme="dark")
    page = context.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    colours = "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
    assert page.evaluate(colours) == ["rgb(22, 22, 24)", "rgb(232, 230, 227)"]
    page.emulate_media(media="print")
    assert page.evaluate(colours) == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    page.emulate_media(media="screen", color_scheme="light")
    assert page.evaluate(colours) == ["rgb(255, 253, 248)", "rgb(29, 29, 31)"]
    context.close()
