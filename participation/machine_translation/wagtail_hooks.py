from datetime import timedelta

from wagtail import hooks


@hooks.register("register_periodic_jobs")
def machine_translation_periodic_jobs():
    from participation.operations.periodic import PeriodicJob

    from .services import prune_unused

    return [PeriodicJob("prune_machine_translations", timedelta(days=1), func=prune_unused)]
