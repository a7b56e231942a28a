"""One question for every admin page and hook: may ``user`` do ``action`` (to ``instance``)?
Asked of the permission policy registered for the model (``wagtail.permissions``, via
``register_permission_policy``), the same object Wagtail's own views and ViewSets ask, so a
hand-built page and a ViewSet's listing never disagree about who gets in."""

from wagtail.hooks import search_for_hooks
from wagtail.permissions import policy_registry


def allowed(user, model, action: str, instance=None) -> bool:
    # The plugins register their policies in their wagtail_hooks modules, which Wagtail imports
    # on the first hook asked for: a task or a command may ask before any hook was.
    search_for_hooks()
    policy = policy_registry.get_by_type(model)
    if instance is None:
        return policy.user_has_permission(user, action)
    return policy.user_has_permission_for_instance(user, action, instance)
