"""A small fixed-window rate limit on the cache (Redis in production), for public forms."""

import time

from django.core.cache import cache


def client_ip(request) -> str:
    # Behind the production proxy REMOTE_ADDR is the proxy; the proxy sets X-Forwarded-For.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")) or "unknown"


def hit(request, action: str, limit: int, period_seconds: int) -> bool:
    """Count one use of `action` by this client; False once `limit` is reached in the window."""
    window = int(time.time() // period_seconds)
    key = f"ratelimit:{action}:{client_ip(request)}:{window}"
    if cache.add(key, 1, period_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, period_seconds)
        return True
    return count <= limit
