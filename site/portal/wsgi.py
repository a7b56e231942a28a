import os
import sys
from pathlib import Path

from django.core.wsgi import get_wsgi_application

sys.path.insert(1, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

from portal.startup import GUNICORN_APP_LOAD_ERROR, load_settings_or_exit  # noqa: E402

# A configuration error is one line on stderr, and gunicorn stops instead of looping.
load_settings_or_exit(GUNICORN_APP_LOAD_ERROR)

application = get_wsgi_application()
