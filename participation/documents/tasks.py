"""Background tasks (django-tasks): they take ids and call the services."""

from django_tasks import task


@task()
def build_generated_document(document_id: int) -> dict:
    """Build the GeneratedDocument with this id; see services.run_build."""
    from .services import run_build

    return run_build(document_id)
