"""Background tasks (django-tasks): they take ids and call the services."""

from django_tasks import task

from participation.operations.queues import queue_for


@task(queue_name=queue_for("documents"))
def build_generated_document(document_id: int) -> dict:
    """Build the GeneratedDocument with this id; see services.run_build."""
    from .services import run_build

    return run_build(document_id)
