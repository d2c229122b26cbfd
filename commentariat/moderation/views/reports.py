"""A reader reports a comment to the moderators (no account needed)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from commentariat.core import text
from commentariat.core.net import client_ip
from commentariat.discussion.models import Comment
from commentariat.discussion.visibility import is_shown
from commentariat.publishing.visibility import may_read

from ..exceptions import ReportRefused
from ..forms import ReportForm
from ..models import Report
from ..reports import file_report


def report_comment(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    if not (is_shown(comment) and may_read(request, comment.post)):
        raise Http404("No such comment.")
    form = ReportForm(request.POST or None)
    status, refusal = 200, ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report, created = file_report(
                comment=comment, reason=data["reason"], explanation=text.clean_text(data["explanation"]),
                email=data["email"], ip=client_ip(request),
            )  # fmt: skip
        except ReportRefused as refused:
            status, refusal = refused.status_code, str(refused)
        else:
            context = {"comment": comment, "report": report, "created": created, "illegal": Report.Reason.ILLEGAL}
            return render(request, "moderation/report_thanks.html", context)
    elif request.method == "POST":
        status = 400
    return render(
        request, "moderation/report_form.html", {"comment": comment, "form": form, "refusal": refusal},
        status=status,
    )  # fmt: skip
