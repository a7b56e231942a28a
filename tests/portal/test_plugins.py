"""The plugins meet only through the core: none imports another, and the site starts without
each of them."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ("consultations", "expertgroup", "awards", "monitoring")
TAXONOMY = "themes"
CORE = "participation"
HOST = "portal"


def _imports(package: str):
    """(file, line, top-level package) of every absolute import in ``package``'s modules."""
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                yield path.relative_to(ROOT), node.lineno, name.split(".")[0]


def test_plugins_import_no_other_plugin():
    """The rule (DESIGN.md: "plugins import the core, never each other, and never the host
    site"), as the code keeps it:

    - a plugin (consultations, expertgroup, awards, monitoring) imports no other plugin and not
      the host site (``portal``); it may import the core (``participation``) and ``themes``, the
      action plan's taxonomy every call is tagged with, as all of them do;
    - ``themes`` imports no plugin and not the host site;
    - the core imports no plugin and not the host site (it may use the taxonomy).

    What one plugin needs of another comes through a hook or registry of the core
    (``register_participation_figures``, ``register_participation_api``,
    ``register_participation_outcomes``).
    """
    forbidden = {package: {*PLUGINS, HOST} - {package} for package in PLUGINS}
    forbidden[TAXONOMY] = {*PLUGINS, HOST}
    forbidden[CORE] = {*PLUGINS, HOST}
    found = [
        f"{path}:{line} imports {name}"
        for package, refused in forbidden.items()
        for path, line, name in _imports(package)
        if name in refused
    ]
    assert found == []


def test_plugins_import_check_sees_imports():
    # The check above reads real imports: the host site's demo command imports every plugin.
    names = {name for _path, _line, name in _imports("site")}
    assert set(PLUGINS) <= names


# In a fresh interpreter: for each plugin a child (forked once the heavy libraries that need no
# Django app are imported, so they are imported once) takes the settings without that plugin,
# runs the system checks (manage.py check), loads the URLconf and renders the migration graph
# (what `migrate` would need).
START = """
import os, sys, tempfile, traceback
import numpy, pydantic, scipy.optimize
from django.conf import settings

full = list(settings.INSTALLED_APPS)
logs = tempfile.mkdtemp()
children = {}
for plugin in sys.argv[1:]:
    pid = os.fork()
    if pid:
        children[pid] = plugin
        continue
    sys.stdout = sys.stderr = open(os.path.join(logs, plugin), "w")
    try:
        assert plugin in full, "not in the full site"
        settings.INSTALLED_APPS = [app for app in full if app != plugin]
        import django
        django.setup()
        from django.core.management import call_command
        from django.db.migrations.loader import MigrationLoader
        from django.urls import get_resolver
        call_command("check")
        get_resolver().url_patterns
        MigrationLoader(None, ignore_no_migrations=True).project_state().apps
        print("started without", plugin)
        code = 0
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    os._exit(code)
for pid, plugin in children.items():
    _, status = os.waitpid(pid, 0)
    with open(os.path.join(logs, plugin)) as log:
        print(f"--- without {plugin} (exit {status}):", log.read())
"""


def test_site_starts_without_each_plugin():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "site"), str(ROOT)]),
    }
    run = subprocess.run(
        [sys.executable, "-c", START, *PLUGINS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    for plugin in PLUGINS:
        assert f"--- without {plugin} (exit 0):" in run.stdout, run.stdout[-6000:]
        assert f"started without {plugin}" in run.stdout, run.stdout[-6000:]
