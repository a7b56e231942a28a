#!/usr/bin/env python
"""Django's command-line utility for the wagtail-participation host site."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    # The repository root holds the plugins (participation, themes, ...); make them importable
    # even when the distribution is not installed in editable mode.
    sys.path.insert(1, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    from django.core.management import execute_from_command_line

    from portal.startup import load_settings_or_exit

    load_settings_or_exit()
    execute_from_command_line(sys.argv)
