"""Two storages: public media and private files.

- ``STORAGES["default"]``: public media (Wagtail images and documents). Served at ``MEDIA_URL``
  by the web server (or, on S3, straight from a public bucket).
- ``STORAGES["private"]`` (``PARTICIPATION_FILES_PRIVATE_STORAGE``): CVs, attachments, award
  evidence and photos, generated documents. Never under a served folder; a view that checks
  rights streams the file, or, on S3, redirects to a short-lived signed URL (:mod:`.serve`).

Model fields take ``storage=private_storage``: a callable, so the field is deconstructed as a
reference (no settings in migrations), returning a lazy object that follows ``STORAGES`` when
settings change (tests switch it to a bucket).
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, cached_property, empty

from . import conf

# Not routed and never to be served: a private file's URL leads nowhere (views serve them).
PRIVATE_URL = "/_private/"


class PrivateFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage rooted at ``PRIVATE_MEDIA_ROOT`` rather than ``MEDIA_ROOT``."""

    def __init__(self, location=None, base_url=PRIVATE_URL, **kwargs):
        super().__init__(location=location, base_url=base_url, **kwargs)

    @cached_property
    def base_location(self):
        root = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        if self._location is None and not root:
            raise ImproperlyConfigured("Set PRIVATE_MEDIA_ROOT, a folder outside MEDIA_ROOT.")
        return self._value_or_setting(self._location, str(root))

    @cached_property
    def location(self):
        location = os.path.abspath(self.base_location)
        media = os.path.abspath(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else None
        if media and (location == media or location.startswith(media + os.sep)):
            # Under MEDIA_ROOT, the web server would publish every private file.
            raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT must be outside MEDIA_ROOT.")
        return location

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("PRIVATE_MEDIA_ROOT", "MEDIA_ROOT"):
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


class LazyStorage(LazyObject):
    """``storages[alias()]``, looked up on first use and again after STORAGES changes."""

    instances = []

    def __init__(self, alias):
        self.__dict__["_alias"] = alias  # a callable: the setting is read when needed
        super().__init__()
        LazyStorage.instances.append(self)

    def _setup(self):
        self._wrapped = storages[self.__dict__["_alias"]()]


private = LazyStorage(lambda: conf.get("PRIVATE_STORAGE"))


def private_storage():
    """For ``FileField(storage=private_storage)``."""
    return private


@receiver(setting_changed)
def _forget_storage(setting, **kwargs):
    if setting == "STORAGES" or setting.startswith("PARTICIPATION_"):
        for lazy in LazyStorage.instances:
            lazy._wrapped = empty
