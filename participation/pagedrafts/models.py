from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AutosavedNewPage(models.Model):
    """A page that Wagtail's autosave created on "Add page" and that nobody has saved or
    published by hand since: the only kind of page whose slug a new page may take over."""

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("page created by autosave")

    def __str__(self):
        return f"autosaved new page {self.page_id}"
