"""The site's Content Security Policy, with a looser one scoped to the Wagtail admin.

The public site runs no inline script or style at all (templates load JS and CSS from static
files), so its policy allows only our own origin. Wagtail's admin (/admin/) still relies on
inline styles and a few inline scripts of its own, so it alone gets 'unsafe-inline'; it is
reachable only by staff, behind two-factor authentication.
"""

from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIX = "/admin/"
ADMIN_RELAXED = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:", "https:"],  # image previews, and embeds' thumbnails
    "frame-src": ["https:"],  # embed previews (video providers)
}


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIX):
            parts.update = {**ADMIN_RELAXED, **(parts.update or {})}
        return parts
