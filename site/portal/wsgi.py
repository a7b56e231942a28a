import os
import sys
from pathlib import Path

from django.core.wsgi import get_wsgi_application

sys.path.insert(1, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()
