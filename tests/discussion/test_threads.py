import pytest

from commentariat.discussion.services import remove_comment
from commentariat.discussion.threads import PageOutOfRange, thread_page
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


def _numbers(nodes):
    out = []
    for node in nodes:
        out.append(node.comment.number + ("(removed)" if node.is_placeholder else ""))
        out.extend(_numbers(node.children))
    return out


def test_removed_comment_with_replies_stays_as_a_placeholder(post):
    first = make_comment(post)
    make_comment(post, parent=first)
    lonely = make_comment(post)
    remove_comment(comment=first)
    remove_comment(comment=lonely)
    assert _numbers(thread_page(post).nodes) == ["1(removed)", "1.1"]


def test_pages_hold_fixed_ranges_of_top_level_numbers(post, comments_per_page):
    comments_per_page(2)
    tops = [make_comment(post) for _ in range(5)]
    make_comment(post, parent=tops[2])
    assert _numbers(thread_page(post, 2).nodes) == ["3", "3.1", "4"]
    assert thread_page(post, 3).num_pages == 3
    with pytest.raises(PageOutOfRange):
        thread_page(post, 4)
