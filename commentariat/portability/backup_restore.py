"""Restoring the `commentariat` extension of a WXR file (backup_extension.py) during its import.

The WordPress importer calls four hooks: the site record when it is read, adopt() before each
item, post_imported() after each item's comments are stored, and finish() at the end, when every
comment and author of the file has its row here. What the file says is restored; what it says
badly (an unknown mode, a malformed address or email) is skipped and reported, never stored.
A restore is not a moderator's act: picks, sanctions and notes keep their authors and dates.
"""

import ipaddress
from datetime import datetime
from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from commentariat.core import text
from commentariat.discussion.models import Comment, Subscription
from commentariat.discussion.services.status import restore_from_backup
from commentariat.moderation.models import CommenterNote, ModerationPolicy, Sanction
from commentariat.moderation.services import update_policy, update_thread
from commentariat.publishing.models import OldAddress, Post

from .backup_extension import POLICY_FIELDS, BackupSite, PostBackup, site_key, users_by_login
from .models import ImportedItem
from .report import ImportReport

_RESTORED = "Restored from a backup"


class BackupRestore:
    def __init__(self, report: ImportReport):
        self.report = report
        self.site: BackupSite | None = None
        self.posts: list[tuple[int, PostBackup]] = []
        self.labels: dict[int, str] = {}  # post id → "item 12 (line 40)", as the importer names it

    def read_site(self, site: BackupSite) -> None:
        self.site = self.site or site

    def adopt(self, item, *, source: str) -> int | None:
        """The id of this site's own post when the file is this site's own export and the item is
        that post (same id, created at the same moment) not yet known to the import; its comments
        are adopted too, so that importing a site's export into itself finds everything in place."""
        if (
            self.site is None
            or self.site.key != site_key()
            or item.backup is None
            or not item.post_id.isdigit()
        ):
            return None
        known = ImportedItem.objects.filter(
            source=source, kind=ImportedItem.Kind.POST, legacy_id=item.post_id
        )
        if known.exists():
            return None
        post = Post.objects.filter(pk=int(item.post_id)).first()
        # The same row, not one that took a deleted post's id: same creation time (or slug).
        if post is None or (
            post.created_at != _moment(item.backup.created_at)
            and post.slug not in (item.post_name, unquote(item.post_name))
        ):
            return None
        ImportedItem.objects.create(source=source, kind=ImportedItem.Kind.POST, legacy_id=item.post_id,
                                    object_id=post.pk)  # fmt: skip
        ids = [int(c.id) for c in item.comments if c.id.isdigit()]
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(source=source, kind=ImportedItem.Kind.COMMENT, legacy_id=str(pk), object_id=pk)
                for pk in Comment.objects.filter(post=post, pk__in=ids).values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )
        return post.pk

    def post_imported(self, post: Post, item) -> None:
        if item.backup is not None:
            self.posts.append((post.pk, item.backup))
            self.labels[post.pk] = f"item {item.post_id or '?'} (line {item.line})"

    def finish(self, *, source: str) -> None:
        if self.site is not None:
            if self.site.key == site_key():
                # Roles come back only to the installation they were given on: another site's
                # file must not make its people moderators here.
                self._roles(self.site.people)
            self._policy(self.site.policy)
            self._sanctions(self.site.sanctions)
            self._notes(self.site.notes)
        if not self.posts:
            return
        comments = self._comment_ids(source)
        for post_id, backup in self.posts:
            self._thread(post_id, backup)
            self._old_addresses(post_id, backup.old_addresses)
        for post_id, backup in self.posts:
            self._quotes(post_id, backup.quotes, comments)
            self._picks(backup.picks, comments)
            self._subscriptions(post_id, backup.subscriptions, comments)
            self._comment_states(backup.comments, comments)

    # Site-wide

    def _policy(self, fields: dict[str, str]) -> None:
        if not fields:
            return  # the exporting site never changed its defaults
        policy = ModerationPolicy.current()
        changes = {}
        for name, raw in fields.items():
            if name not in POLICY_FIELDS:
                continue
            model_field = ModerationPolicy._meta.get_field(name)
            try:
                value = model_field.to_python(raw if raw != "" or not model_field.null else None)
                model_field.clean(value, policy)
            except ValidationError:
                self.report.skip(f"moderation policy, {name}", f"{raw[:50]!r} is not a value it takes")
                continue
            changes[name] = value
        if update_policy(policy=policy, changes=changes, by=None, reason=_RESTORED):
            self.report.count("moderation policy restored")

    def _roles(self, people: list[dict[str, str]]) -> None:
        groups = {group.name: group for group in Group.objects.all()}  # never a group the site lacks
        User = get_user_model()
        for person in people:
            user = User.objects.filter(username=person.get("login", "")).first()
            if user is None:
                continue
            wanted = {groups[name] for name in person.get("groups", "").split(",") if name in groups}
            if set(user.groups.all()) != wanted:
                user.groups.set(wanted)
                self.report.count("roles restored")

    def _sanctions(self, sanctions: list[dict[str, str]]) -> None:
        users = users_by_login(s.get("by", "") for s in sanctions)
        for s in sanctions:
            fields = {
                "kind": s.get("kind", ""), "email": text.clean_line(s.get("email", "")),
                "ip_network": text.clean_line(s.get("ip_network", "")), "name": text.clean_name(s.get("name", "")),
                "expires_at": _moment(s.get("expires_at")), "revoked_at": _moment(s.get("revoked_at")),
            }  # fmt: skip
            created_at = _moment(s.get("created_at"))
            problem = _sanction_problem(fields, created_at)
            if problem:
                self.report.skip(f"sanction {fields['kind']!r}", problem)
                continue
            if Sanction.objects.filter(created_at=created_at, **fields).exists():
                continue
            sanction = Sanction.objects.create(
                reason=text.clean_text(s.get("reason", "")),
                created_by_id=users.get(s.get("by", "")),
                **fields,
            )
            Sanction.objects.filter(pk=sanction.pk).update(created_at=created_at)  # auto_now_add otherwise
            self.report.count("sanctions restored")

    def _notes(self, notes: list[dict[str, str]]) -> None:
        users = users_by_login(n.get("by", "") for n in notes)
        for n in notes:
            email, body, created_at = (
                n.get("email", "").strip().lower(),
                text.clean_text(n.get("body", "")),
                _moment(n.get("created_at")),
            )
            if not (_is_email(email) and body and created_at):
                self.report.skip("moderator's note", "no valid email, text or date")
                continue
            if CommenterNote.objects.filter(email=email, body=body, created_at=created_at).exists():
                continue
            note = CommenterNote.objects.create(email=email, body=body, author_id=users.get(n.get("by", "")))
            CommenterNote.objects.filter(pk=note.pk).update(created_at=created_at)
            self.report.count("moderators' notes restored")

    # Per post

    def _thread(self, post_id: int, backup: PostBackup) -> None:
        mode = backup.comment_mode if backup.comment_mode in Post.CommentMode.values else None
        if mode is None:
            self.report.skip(self.labels[post_id], f"moderation mode {backup.comment_mode[:30]!r} is unknown")
        changes = {"moderation_note": text.clean_text(backup.moderation_note).strip()[:500]}
        if mode is not None:
            changes["comment_mode"] = mode
        post = Post.objects.get(pk=post_id)
        if update_thread(post=post, changes=changes, by=None, reason=_RESTORED):
            self.report.count("thread settings restored")

    def _old_addresses(self, post_id: int, addresses: list[str]) -> None:
        """The post's old addresses become the backup's list (which holds the ones the import added)."""
        wanted = set()
        for address in addresses:
            if _is_site_path(address):
                wanted.add(address)
            else:
                self.report.skip(
                    f"{self.labels[post_id]}, old address {address[:60]!r}", "not an address on this site"
                )
        post = Post.objects.get(pk=post_id)
        wanted.discard(post.get_absolute_url())
        OldAddress.objects.filter(post_id=post_id).exclude(address__in=wanted).delete()
        present = set(OldAddress.objects.filter(address__in=wanted).values_list("address", "post_id"))
        for address in sorted(wanted):
            if (address, post_id) not in present:
                OldAddress.objects.update_or_create(address=address, defaults={"post_id": post_id})
                self.report.count("old addresses restored")

    def _quotes(self, post_id: int, quotes: list[str], comments: dict[str, int]) -> None:
        rows = []
        for legacy_id in quotes:
            if legacy_id in comments:
                rows.append(Comment.quoted_in.through(comment_id=comments[legacy_id], post_id=post_id))
            else:
                self.report.skip(
                    f"{self.labels[post_id]}, quoted comment {legacy_id[:30]!r}", "not in the file"
                )
        Comment.quoted_in.through.objects.bulk_create(rows, ignore_conflicts=True)

    def _picks(self, picks: list[dict[str, str]], comments: dict[str, int]) -> None:
        users = users_by_login(p.get("by", "") for p in picks)
        for pick in picks:
            comment_id, at = comments.get(pick.get("comment", "")), _moment(pick.get("at"))
            if comment_id is None or at is None:
                self.report.skip(
                    f"editors' pick {pick.get('comment', '')[:30]!r}", "no such comment, or no date"
                )
                continue
            picked = Comment.objects.filter(pk=comment_id).exclude(picked_at=at)
            if picked.update(picked_at=at, picked_by_id=users.get(pick.get("by", ""))):
                self.report.count("editors' picks restored")

    def _subscriptions(
        self, post_id: int, subscriptions: list[dict[str, str]], comments: dict[str, int]
    ) -> None:
        for s in subscriptions:
            email, kind, legacy_comment = s.get("email", "").strip(), s.get("kind", ""), s.get("comment", "")
            comment_id = comments.get(legacy_comment) if legacy_comment else None
            confirmed_at, created_at = _moment(s.get("confirmed_at")), _moment(s.get("created_at"))
            wrong = (not _is_email(email) or kind not in Subscription.Kind.values or confirmed_at is None
                     or (legacy_comment and comment_id is None))  # fmt: skip
            if wrong:
                self.report.skip(
                    f"{self.labels[post_id]}, a subscription", "no valid email, kind, confirmation or comment"
                )
                continue
            subscription, created = Subscription.objects.get_or_create(
                email=email, kind=kind, post_id=post_id, comment_id=comment_id,
                defaults={"confirmed_at": confirmed_at},
            )  # fmt: skip
            if created:
                Subscription.objects.filter(pk=subscription.pk).update(created_at=created_at or confirmed_at)
                self.report.count("subscriptions restored")

    def _comment_states(self, states: list[dict[str, str]], comments: dict[str, int]) -> None:
        users = users_by_login(s.get("decided_by", "") for s in states)
        User = get_user_model()
        for state in states:
            comment = Comment.objects.filter(pk=comments.get(state.get("id", ""), 0)).first()
            if comment is None:
                self.report.skip(
                    f"comment {state.get('id', '')[:30]!r}", "its state names no comment in the file"
                )
                continue
            decided_by = users.get(state.get("decided_by", ""))
            if restore_from_backup(
                comment=comment, status=state.get("status", ""), decided_status=state.get("decided_status", ""),
                decided_by=User(pk=decided_by) if decided_by else None, decided_at=_moment(state.get("decided_at")),
                erased_at=_moment(state.get("erased_at")),
            ):  # fmt: skip
                self.report.count("comment states restored")

    def _comment_ids(self, source: str) -> dict[str, int]:
        wanted = {c for _, b in self.posts for c in [*b.quotes, *(p.get("comment", "") for p in b.picks),
                                                     *(s.get("comment", "") for s in b.subscriptions),
                                                     *(s.get("id", "") for s in b.comments)] if c}  # fmt: skip
        found = {}
        wanted = sorted(wanted)
        for start in range(0, len(wanted), 500):
            found.update(
                ImportedItem.objects.filter(
                    source=source, kind=ImportedItem.Kind.COMMENT, legacy_id__in=wanted[start : start + 500]
                ).values_list("legacy_id", "object_id")
            )
        return found


def _moment(raw: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(raw or "")
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= 254


def _is_site_path(address: str) -> bool:
    """A path on this site ("/2019/05/slug/", "/?p=12"): never another site, a scheme or a control character."""
    return (
        address.startswith("/") and not address.startswith("//") and len(address) <= 500
        and address.isprintable() and " " not in address and "\\" not in address
    )  # fmt: skip


def _sanction_problem(fields: dict, created_at) -> str:
    if fields["kind"] not in Sanction.Kind.values:
        return "an unknown kind"
    if created_at is None:
        return "no date"
    if fields["email"] and not _is_email(fields["email"]):
        return "an email that is not one"
    if fields["ip_network"]:
        try:
            ipaddress.ip_network(fields["ip_network"], strict=False)
        except ValueError:
            return "an IP network that is not one"
    if not (fields["email"] or fields["ip_network"] or fields["name"]):
        return "nothing to match a commenter by"
    return ""
