"""A concrete plugin for the engine's tests: an application to an expert call, and the call.

Their tables are created for the test database only (see conftest.py); nothing here ships.
"""

from django.contrib.auth import get_user_model
from django.db import models

from participation.organisations.models import Organisation
from participation.review.interface import ReviewField


class CallDouble(models.Model):
    """A process owner that offers its applications for import."""

    name = models.CharField(max_length=100)

    class Meta:
        app_label = "review"
        db_table = "review_test_calldouble"

    def __str__(self):
        return self.name

    def review_subjects(self, process):
        return ApplicationDouble.objects.filter(call=self).order_by("pk")


class ApplicationDouble(models.Model):
    call = models.ForeignKey(CallDouble, null=True, on_delete=models.CASCADE)
    # Plain ids, not foreign keys: deleting a user or an organisation in any other test must
    # never look for this table (it exists only when the review tests run).
    user_pk = models.IntegerField(null=True)
    nominee_pk = models.IntegerField(null=True)
    organisation_pk = models.IntegerField(null=True)
    applicant_name = models.CharField(max_length=100)
    motivation = models.TextField(default="")
    experience = models.TextField(default="")
    website = models.CharField(max_length=200, default="")
    themes = models.JSONField(default=list)
    language = models.CharField(max_length=8, default="en")
    attributes = models.JSONField(default=dict)

    class Meta:
        app_label = "review"
        db_table = "review_test_applicationdouble"

    def __str__(self):
        return self.applicant_name

    # --- the engine's interface (participation.review.interface.Reviewable)

    def review_title(self):
        return f"Application of {self.applicant_name}"

    def review_fields(self, blind):
        return [
            ReviewField("name", "Name", self.applicant_name, identifying=True),
            ReviewField("motivation", "Motivation", self.motivation),
            ReviewField("experience", "Experience", self.experience),
            ReviewField("website", "Website", self.website),
        ]

    @property
    def user(self):
        return get_user_model().objects.filter(pk=self.user_pk).first()

    @property
    def nominee(self):
        return get_user_model().objects.filter(pk=self.nominee_pk).first()

    @property
    def organisation(self):
        return Organisation.objects.filter(pk=self.organisation_pk).first()

    def review_organisation(self):
        return self.organisation

    def review_people(self):
        return [self.user, self.nominee]

    def review_tags(self):
        return self.themes

    def review_languages(self):
        return [self.language]

    def review_attributes(self):
        return self.attributes


class PlainThing(models.Model):
    """A model without the interface, reviewed through a registered adapter."""

    label = models.CharField(max_length=100)

    class Meta:
        app_label = "review"
        db_table = "review_test_plainthing"

    def __str__(self):
        return self.label


DOUBLES = [CallDouble, ApplicationDouble, PlainThing]
