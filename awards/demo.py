"""Demo content for this plugin, called by `manage.py load_demo`. Idempotent."""


def load(home):
    """Build the demo pages under `home`; return the page to link from the navigation."""
    return None
