"""Staff roles as Django groups: moderator, editor, admin."""

from django.db import migrations

ROLES = {
    "moderator": [("moderation", "moderate_comments")],
    "editor": [("publishing", "add_post"), ("publishing", "change_post"), ("publishing", "view_post")],
    "admin": [
        ("moderation", "moderate_comments"), ("moderation", "change_policy"),
        ("publishing", "add_post"), ("publishing", "change_post"), ("publishing", "view_post"),
        ("publishing", "delete_post"),
    ],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codename in codenames:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("publishing", "0002_post_comment_mode"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
