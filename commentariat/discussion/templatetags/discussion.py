from django import template

from commentariat.discussion.rendering import render_thread

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_thread(context):
    """The comments of this page of the thread, with the reply form under the comment it answers."""
    thread, reply_to = context["thread"], context.get("reply_to")
    reply_form = ""
    if reply_to is not None:
        reply_form = context.template.engine.get_template("discussion/_comment_form.html").render(context)
    return render_thread(
        thread.nodes,
        page_query=thread.query(thread.number),
        accepts_replies=context.get("comments_open", False),
        reply_to_id=reply_to.pk if reply_to else None,
        reply_form=reply_form,
        quoted_in=context.get("quoted_in") or {},
        can_quote=context.get("can_quote", False),
        can_pick=context.get("can_pick", False),
        editable=context.get("editable") or {},
        can_report=not context.get("static_archive", False),  # the static export has no server to report to
    )
