"""What an import sets off around it: the spam filter learns, the progress bar moves."""

import io

import pytest

from commentariat.moderation.models import SpamFilterModel
from commentariat.moderation.spam_filter import spam_score
from commentariat.portability.progress import CountingReader, ProgressBar
from commentariat.portability.report import ImportReport

from .conftest import run_command

pytestmark = pytest.mark.django_db

SPAM = "Cheap watches discount, buy now at the best online store, limited offer"
HAM = "The council's housing figures for the old quarter look different from the survey"


def comment(n: int, status: str, text: str) -> str:
    return f"""<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>Person {n}</wp:comment_author>
    <wp:comment_author_email>p{n}@example.net</wp:comment_author_email>
    <wp:comment_date_gmt>2020-01-01 10:{n % 60:02d}:00</wp:comment_date_gmt>
    <wp:comment_content>{text} ({n})</wp:comment_content><wp:comment_approved>{status}</wp:comment_approved>
    <wp:comment_parent>0</wp:comment_parent></wp:comment>"""


def test_imported_approved_and_spam_comments_train_the_spam_filter(
    tmp_path, django_capture_on_commit_callbacks
):
    comments = "".join(comment(n, "spam", SPAM) for n in range(1, 16))
    comments += "".join(comment(n, "1", HAM) for n in range(16, 31))
    path = tmp_path / "history.xml"
    path.write_text(
        f"""<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"
        xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
        <wp:base_site_url>https://history.example.org</wp:base_site_url><item><title>History</title>
        <wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
        <wp:post_name>history</wp:post_name><wp:post_date_gmt>2020-01-01 09:00:00</wp:post_date_gmt>
        <content:encoded>Body</content:encoded>{comments}</item></channel></rss>"""
    )
    assert not SpamFilterModel.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        run_command("import_wxr", path)  # the task runs at once under the test settings
    model = SpamFilterModel.objects.get()
    assert (model.spam_examples, model.ham_examples) == (15, 15)
    assert (
        spam_score("buy cheap watches at a discount now") > 0.5 > spam_score("housing figures in the quarter")
    )


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_draws_on_a_terminal_and_writes_plain_lines_elsewhere():
    reader = CountingReader(io.BytesIO(b"x" * 1000))
    reader.read(250)
    report = ImportReport()
    report.count("posts created", 3)
    report.count("comments approved", 40)
    terminal, pipe = Terminal(), io.StringIO()
    ProgressBar(reader, 1000, stream=terminal, every=0).update(report)
    quiet = io.StringIO()
    ProgressBar(reader, 1000, stream=quiet, every=0).update(report)  # not yet due: no line
    ProgressBar(reader, 1000, stream=pipe, every=0, line_items=1).update(report)
    assert "25%" in terminal.getvalue() and "3 posts/pages, 40 comments" in terminal.getvalue()
    assert quiet.getvalue() == ""
    assert pipe.getvalue() == " 25% read, 1 items: 3 posts/pages, 40 comments, 0 skipped\n"
