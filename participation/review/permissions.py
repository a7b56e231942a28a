"""The review process's permission policy: what Wagtail asks (the ViewSet's add, change and
delete of processes) and what the editors' pages ask, in one object registered for the model.

Actions are Wagtail's model permissions (``add``, ``change``, ``delete``, ``view``) plus
``manage``: running a process from its editors' pages, reports and exports. For the model it is
``rules.can_manage`` (staff with the review permission); for one process ``visibility.manages``
(also edit rights on the call or edition it belongs to, and not one of its reviewers).
"""

from wagtail.permission_policies import ModelPermissionPolicy

MANAGE = "manage"


class ReviewProcessPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action == MANAGE:
            from . import rules

            return rules.can_manage(user)
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == MANAGE:
            from . import visibility

            return visibility.manages(user, instance)
        return super().user_has_permission_for_instance(user, action, instance)
