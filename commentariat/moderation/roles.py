"""Staff roles as Django groups (moderator, editor, admin), kept in place after every migrate."""

from django.contrib.auth.models import Group, Permission

ROLES = {
    "moderator": [("moderation", "moderate_comments")],
    "editor": [("publishing", "add_post"), ("publishing", "change_post"), ("publishing", "view_post")],
    "admin": [
        ("moderation", "moderate_comments"),
        ("moderation", "change_policy"),
        ("publishing", "add_post"),
        ("publishing", "change_post"),
        ("publishing", "view_post"),
        ("publishing", "delete_post"),
    ],
}


def ensure_roles(**kwargs) -> None:
    """Create the role groups and give them their permissions; safe to run any number of times."""
    for role, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codename in codenames:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)
