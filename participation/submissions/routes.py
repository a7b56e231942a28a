"""The routes of a submission flow on its call page, declared once instead of one method each.

``submission_routes(module, prefix, routes)`` returns a mixin for a ``RoutablePageMixin`` page:
one route ``<prefix>_<name>`` per entry of ``routes``, which calls ``<module>.<view>(request,
page, *url_arguments)``. An entry is a name (a standard address below), or ``(name, pattern)``,
or ``(name, pattern, view)`` when the view function has another name::

    class ExpertCallPage(
        submission_routes("expertgroup.apply", "apply", [
            "start", ("details", "<int:submission_id>/details/"), "step", "review", ...
        ]),
        RoutablePageMixin, Page,
    ): ...

The module is imported when a route is first served (it imports the page's models).
"""

from importlib import import_module

from wagtail.contrib.routable_page.models import path

STANDARD = {
    "start": "",
    "step": "<int:submission_id>/step/<int:step>/",
}


def _pattern(prefix: str, name: str, pattern: str | None) -> str:
    if pattern is None:
        pattern = STANDARD.get(name, f"<int:submission_id>/{name}/")
    return f"{prefix}/{pattern}"


def _route(module: str, route_name: str, pattern: str, view: str):
    def route(self, request, *args, **kwargs):
        # Arguments in the pattern's order, as the views take them.
        return getattr(import_module(module), view)(request, self, *args, *kwargs.values())

    route.__name__ = route.__qualname__ = route_name
    return path(pattern, name=route_name)(route)


def submission_routes(module: str, prefix: str, routes, mixin_name: str | None = None):
    attributes = {"__module__": __name__}
    for entry in routes:
        name, pattern, view = (entry, None, None) if isinstance(entry, str) else (*entry, None)[:3]
        route_name = f"{prefix}_{name}"
        attributes[route_name] = _route(
            module, route_name, _pattern(prefix, name, pattern), view or name
        )
    return type(mixin_name or f"{prefix.title()}Routes", (), attributes)
