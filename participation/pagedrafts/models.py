from django.db import models
from django.utils.translation import gettext_lazy as _


class AutosavedNewPage(models.Model):
    """A page that Wagtail's autosave created on "Add page" and that nobody has saved or
    published by hand since: the only kind of page whose slug a new page may take over. (Who
    started it is the page's owner.)"""

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("page created by autosave")

    def __str__(self):
        return f"autosaved new page {self.page_id}"
