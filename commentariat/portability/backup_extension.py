"""The `commentariat` extension of our WXR export: what a site holds that WordPress has no place for.

Elements in the namespace BACKUP_NAMESPACE sit beside WordPress's own, which its importer (and
any reader of WXR) passes over: one <commentariat:site> in the channel, before the first item,
with the moderation policy, sanctions and moderators' notes on commenters; one
<commentariat:post> in each item, with the thread's settings, its old addresses, the comments it
quotes, the editors' picks among its comments and the confirmed subscriptions to it. Comments
are named by their wp:comment_id, people by their wp:author_login.

Reading gives plain records (BackupSite, PostBackup); restore_backup.BackupRestore applies them.
The site element also carries a key derived from the site's secret: a file with this site's
key is this site's own export, whose ids are the site's own (see BackupRestore.adopt).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.crypto import salted_hmac
from lxml import etree

from commentariat.discussion.models import Comment
from commentariat.moderation.models import CommenterNote, ModerationPolicy, Sanction
from commentariat.publishing.models import Post

# Stable for as long as the format below is read the same way; a new format gets a new version.
BACKUP_NAMESPACE = "https://commentariat.example/export/1.0/"
_NS = f"{{{BACKUP_NAMESPACE}}}"
SITE_TAG = f"{_NS}site"
POST_TAG = f"{_NS}post"
# The policy's fields a backup carries (updated_at is the row's own bookkeeping).
POLICY_FIELDS = [f.name for f in ModerationPolicy._meta.concrete_fields if f.name not in ("id", "updated_at")]
# What XML 1.0 cannot carry (control characters, lone surrogates): dropped, not a failed export.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SANCTION_FIELDS = ("kind", "email", "ip_network", "name", "expires_at", "created_at", "revoked_at")


@dataclass
class BackupSite:
    key: str
    policy: dict[str, str] = field(default_factory=dict)
    sanctions: list[dict[str, str]] = field(default_factory=list)  # attributes, "reason" and "by"
    notes: list[dict[str, str]] = field(default_factory=list)  # email, body, by, created_at
    people: list[dict[str, str]] = field(default_factory=list)  # login, groups (comma-separated)


@dataclass
class PostBackup:
    created_at: str = ""  # to the microsecond: with the id, how a site knows its own post again
    comment_mode: str = ""
    moderation_note: str = ""
    old_addresses: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)  # wp:comment_id of each comment this post quotes
    picks: list[dict[str, str]] = field(default_factory=list)  # comment, at, by
    subscriptions: list[dict[str, str]] = field(default_factory=list)  # email, kind, comment, …
    # Comments withdrawn by their authors (WXR says "trash") or decided on by a moderator.
    comments: list[dict[str, str]] = field(default_factory=list)  # id, status, decided_…


def site_key() -> str:
    """This site's mark on its exports: the same for every export of this installation, and
    telling nothing of the secret it comes from."""
    return salted_hmac("commentariat.portability.backup", "site").hexdigest()[:32]


# Writing


def site_element(nsmap: dict, people=()):
    """<commentariat:site>: the site-wide part of the backup (emails included: it is the operator's file).

    people: the users written as wp:author, whose groups (editor, moderator…) are listed here.
    """
    site = etree.Element(SITE_TAG, nsmap=nsmap)
    site.set("key", site_key())
    for user in people:
        groups = ",".join(sorted(user.groups.values_list("name", flat=True)))
        _child(site, "person", "", login=user.get_username(), groups=groups)
    current = ModerationPolicy.objects.filter(pk=1).first()  # none yet: the defaults, nothing to carry
    if current is not None:
        policy = etree.SubElement(site, f"{_NS}policy")
        for name in POLICY_FIELDS:
            _child(policy, "field", _value(getattr(current, name)), name=name)
    for sanction in Sanction.objects.select_related("created_by").order_by("pk"):
        attributes = {name: _value(getattr(sanction, name)) for name in _SANCTION_FIELDS}
        _child(site, "sanction", sanction.reason, by=_login(sanction.created_by), **attributes)
    for note in CommenterNote.objects.select_related("author").order_by("pk"):
        _child(
            site,
            "note",
            note.body,
            email=note.email,
            by=_login(note.author),
            created_at=_value(note.created_at),
        )
    return site


def add_post_element(item, post: Post) -> None:
    """<commentariat:post> in the post's item: its thread's settings and everything hung on it."""
    element = etree.SubElement(item, POST_TAG)
    element.set("created_at", _value(post.created_at))
    _child(element, "thread", post.moderation_note, comment_mode=post.comment_mode)
    for address in post.old_addresses.order_by("address").values_list("address", flat=True):
        _child(element, "old_address", address)
    quoted = Comment.quoted_in.through.objects.filter(post_id=post.pk).order_by("comment_id")
    for comment_id in quoted.values_list("comment_id", flat=True):
        _child(element, "quotes", "", comment=str(comment_id))
    picks = post.comments.filter(picked_at__isnull=False).select_related("picked_by").order_by("pk")
    for comment in picks:
        _child(element, "pick", "", comment=str(comment.pk), at=_value(comment.picked_at),
               by=_login(comment.picked_by))  # fmt: skip
    decided = post.comments.filter(Q(status=Comment.Status.WITHDRAWN) | ~Q(decided_status=""))
    for comment in decided.select_related("decided_by").order_by("pk"):
        _child(element, "comment", "", id=str(comment.pk), status=comment.status,
               decided_status=comment.decided_status, decided_by=_login(comment.decided_by),
               decided_at=_value(comment.decided_at), erased_at=_value(comment.erased_at))  # fmt: skip
    # Confirmed only: an unconfirmed address never asked for mail, as far as anyone knows.
    confirmed = post.subscriptions.filter(confirmed_at__isnull=False).order_by("pk")
    for subscription in confirmed:
        _child(element, "subscription", "", email=subscription.email, kind=subscription.kind,
               comment=str(subscription.comment_id or ""), created_at=_value(subscription.created_at),
               confirmed_at=_value(subscription.confirmed_at))  # fmt: skip


def people_in_backup() -> set[int]:
    """Ids of the users the extension names (pickers, deciders, note writers, sanctions' authors)."""
    ids = set(Comment.objects.exclude(picked_by=None).values_list("picked_by_id", flat=True))
    ids |= set(CommenterNote.objects.exclude(author=None).values_list("author_id", flat=True))
    ids |= set(Sanction.objects.exclude(created_by=None).values_list("created_by_id", flat=True))
    ids |= set(Comment.objects.exclude(decided_by=None).values_list("decided_by_id", flat=True).distinct())
    return ids


def _child(parent, local_name: str, text: str, **attributes: str):
    element = etree.SubElement(parent, f"{_NS}{local_name}")
    for key, value in attributes.items():
        element.set(key, _xml_safe(value))
    element.text = _xml_safe(text)
    return element


def _value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()  # to the microsecond: a restore gives back the same moment
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _login(user) -> str:
    return user.get_username() if user is not None else ""


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", str(text))


# Reading (called by wxr_reader on the elements of our namespace)


def read_site(element) -> BackupSite:
    site = BackupSite(key=element.get("key", ""))
    for child in element:
        tag = _local(child)
        if tag == "policy":
            site.policy = {f.get("name", ""): f.text or "" for f in child if _local(f) == "field"}
        elif tag == "sanction":
            site.sanctions.append({**child.attrib, "reason": child.text or ""})
        elif tag == "note":
            site.notes.append({**child.attrib, "body": child.text or ""})
        elif tag == "person":
            site.people.append(dict(child.attrib))
    return site


def read_post(item) -> PostBackup | None:
    """The item's <commentariat:post>, or None when the item has none (a plain WordPress item)."""
    element = item.find(POST_TAG)
    if element is None:
        return None
    backup = PostBackup(created_at=element.get("created_at", ""))
    for child in element:
        tag, text = _local(child), child.text or ""
        if tag == "thread":
            backup.comment_mode, backup.moderation_note = child.get("comment_mode", ""), text
        elif tag == "old_address":
            backup.old_addresses.append(text.strip())
        elif tag == "quotes":
            backup.quotes.append(child.get("comment", ""))
        elif tag == "pick":
            backup.picks.append(dict(child.attrib))
        elif tag == "subscription":
            backup.subscriptions.append(dict(child.attrib))
        elif tag == "comment":
            backup.comments.append(dict(child.attrib))
    return backup


def _local(element) -> str:
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith(_NS):
        return ""
    return tag[len(_NS) :]


def users_by_login(logins) -> dict[str, int]:
    User = get_user_model()
    wanted = {login for login in logins if login}
    return dict(User.objects.filter(username__in=wanted).values_list("username", "pk")) if wanted else {}
