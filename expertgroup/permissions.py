"""The applications' permission policy: who may act on an application in the admin, in one
object registered for the model (``participation.permissions.allowed`` asks it).

An application is handled by the editors in charge of its call (``rules.can_manage_call``:
edit rights on the call page, not a member of its committee), whatever Wagtail's model
permissions say; its special-category data (``VIEW_SENSITIVE``) only by those of them who also
hold the dedicated permission (``rules.can_view_sensitive``). Without an instance, an action is
allowed to whoever manages at least one call, as the admin menu shows it.
"""

from wagtail.permission_policies import ModelPermissionPolicy

VIEW_SENSITIVE = "view_sensitive"


class ApplicationPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        from . import rules
        from .models import ExpertCallPage

        calls = ExpertCallPage.objects.all()
        check = rules.can_view_sensitive if action == VIEW_SENSITIVE else rules.can_manage_call
        return any(check(user, call) for call in calls)

    def user_has_permission_for_instance(self, user, action, instance):
        from . import rules

        call = instance.call
        if action == VIEW_SENSITIVE:
            return rules.can_view_sensitive(user, call)
        return rules.can_manage_call(user, call)
