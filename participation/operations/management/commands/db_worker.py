"""django_tasks_db's ``db_worker`` with a heartbeat, so that a dead worker's task is requeued.

Same options and behaviour (this app comes before django_tasks_db in INSTALLED_APPS, so this
command is the one ``manage.py db_worker`` runs); see participation/operations/workers.py.
"""

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from participation.operations.workers import Heartbeat, beat, forget


class Command(DBWorkerCommand):
    help = DBWorkerCommand.help + " (with a heartbeat: see participation.operations.workers)"

    def handle(self, *args, worker_id: str, **options):
        beat(worker_id)  # alive before the first claim, so a kill right after is seen
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            heartbeat.stop()
            heartbeat.join(5)
            forget(worker_id)
