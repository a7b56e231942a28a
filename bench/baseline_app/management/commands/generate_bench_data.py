"""Generate the benchmarks' data in the bench database (bench/bench_settings.py).

    WP_BENCH_DATABASE_URL=sqlite:////tmp/wp_bench.sqlite3 DJANGO_SETTINGS_MODULE=bench_settings \\
    PYTHONPATH=bench .venv/bin/python site/manage.py generate_bench_data --responses 100000

Only the bench settings install this app, so the command never writes into the site's own
database. Run ``migrate`` first (same environment)."""

from django.core.management.base import BaseCommand, CommandError

from baseline_app.benchdata import generate


class Command(BaseCommand):
    help = "Build the bench site and add submitted responses up to --responses (incremental)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--responses",
            type=int,
            required=True,
            help="how many submitted responses the bench consultation should have",
        )

    def handle(self, *args, responses, **options):
        if responses < 0:
            raise CommandError("--responses must be 0 or more")
        result = generate(responses)
        self.stdout.write(
            f"{result['consultation'].url}: {result['responses']:,} submitted responses "
            f"({result['added']:,} added)"
        )
