"""The task backend: django_tasks_db's, with the row of a new task written by one INSERT whose
text is written once per process (``submissions.statements.prepare_insert``) instead of the
ORM's ``create``. Every submit queues its confirmation in its own transaction, at the
deadline's peak; the ORM's create cost about a sixth of the submit's Python time in the
bench's profile. The row, its signals and the returned result are the library's."""

from django.db import router
from django.db.models.signals import post_save, pre_save
from django_tasks_db.backend import DatabaseBackend as LibraryBackend
from django_tasks_db.compat import normalize_json

from participation.submissions.statements import prepare_insert


class DatabaseBackend(LibraryBackend):
    def _task_to_db_task(self, task, args, kwargs):
        from django_tasks_db.models import DBTaskResult

        row = DBTaskResult(  # what the library's _task_to_db_task gives create()
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
        using = router.db_for_write(DBTaskResult)
        # As Model.save sends them (the library sets run_after on pre_save).
        pre_save.send(DBTaskResult, instance=row, raw=False, using=using, update_fields=None)
        prepare_insert(row, using)()
        post_save.send(
            DBTaskResult, instance=row, created=True, update_fields=None, raw=False, using=using
        )
        return row
