"""Load the settings before anything else, so a configuration error is one line, not a traceback.

manage.py and wsgi.py call ``load_settings_or_exit()``: an ImproperlyConfigured from the settings
(production.py names the variable) prints ``Configuration error: ...`` on stderr and exits with
status 78 (manage.py: EX_CONFIG, which the systemd units do not restart) or 4 (wsgi.py:
gunicorn's "App failed to load", so it stops instead of restarting workers that fail the same
way).
"""

import sys

from django.core.exceptions import ImproperlyConfigured

EX_CONFIG = 78  # sysexits.h: configuration error
GUNICORN_APP_LOAD_ERROR = 4  # the arbiter halts instead of booting new workers


def load_settings_or_exit(status: int = EX_CONFIG) -> None:
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading one setting loads the module
    except ImproperlyConfigured as error:
        sys.stderr.write(f"Configuration error: {error}\n")
        sys.stderr.flush()
        raise SystemExit(status) from None
