from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from .models import ConflictDeclaration, Phase, Quota, Reviewer, SelectionRun
from .services import check_scores, parse_score

RADIO_POINTS = 11  # scales with up to this many whole points are answered with radio buttons


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Do you have a conflict of interest with this item?"),
        choices=ConflictDeclaration.Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A conflict means you could not judge it impartially, or could be seen not to. If "
            "you answer with a conflict, the item is taken off your list."
        ),
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “Another reason”; seen only by the editors."),
    )

    def __init__(self, *args, late=False, **kwargs):
        super().__init__(*args, **kwargs)
        if late:
            self.fields["kind"].label = _("What is the conflict?")
            self.fields["kind"].choices = [
                choice
                for choice in ConflictDeclaration.Kind.choices
                if choice[0] != ConflictDeclaration.Kind.NONE
            ]
            self.fields["kind"].help_text = _(
                "The item is taken off your list; a review you submitted will not count."
            )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("kind") == ConflictDeclaration.Kind.OTHER
            and not (cleaned.get("details") or "").strip()
        ):
            self.add_error("details", _("Say in a few words what the conflict is."))
        return cleaned


class ScoreField(forms.Field):
    """A score on a criterion's scale: radios for short whole-number scales, else a number."""

    def __init__(self, criterion, **kwargs):
        self.criterion = criterion
        points = criterion.scale_max - criterion.scale_min + 1
        if points <= RADIO_POINTS:
            widget = forms.RadioSelect(
                choices=[(v, str(v)) for v in range(criterion.scale_min, criterion.scale_max + 1)]
            )
        else:
            widget = forms.NumberInput(
                attrs={"min": criterion.scale_min, "max": criterion.scale_max, "step": "any"}
            )
        label = _("%(name)s (%(min)s to %(max)s)") % {
            "name": criterion.label,
            "min": criterion.scale_min,
            "max": criterion.scale_max,
        }
        if not criterion.counts_in_total:
            label += " · " + _("not added to the total")
        elif criterion.weight != 1:
            label += " · " + _("weight %(weight)s") % {"weight": f"{criterion.weight:g}"}
        super().__init__(
            required=False, label=label, help_text=criterion.guidance, widget=widget, **kwargs
        )

    def to_python(self, value):
        try:
            return parse_score(value)
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not a number. Enter a score from %(min)s to %(max)s.")
                % {
                    "value": str(value)[:40],
                    "min": self.criterion.scale_min,
                    "max": self.criterion.scale_max,
                }
            ) from None


class ReviewForm(forms.Form):
    """Scores per criterion (or the eligibility question), comments and the version seen."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Your reasons, for the committee. Applicants do not see them."),
    )

    def __init__(self, *args, criteria=(), phase=None, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.phase = phase
        self.submitting = submitting
        comments = self.fields.pop("comments")
        if phase is not None and not phase.uses_criteria:
            self.fields["eligible"] = forms.TypedChoiceField(
                label=_("Is it eligible?"),
                choices=[("yes", _("Yes, eligible")), ("no", _("No, not eligible"))],
                widget=forms.RadioSelect,
                required=False,
                coerce=lambda v: v == "yes",
                empty_value=None,
            )
        else:
            for criterion in self.criteria:
                self.fields[self.score_name(criterion)] = ScoreField(criterion)
        self.fields["comments"] = comments

    @staticmethod
    def score_name(criterion) -> str:
        return f"score_{criterion.key}"

    def score_fields(self):
        return [
            self[self.score_name(c)] for c in self.criteria if self.score_name(c) in self.fields
        ]

    def clean(self):
        cleaned = super().clean()
        if "eligible" in self.fields:
            if (
                self.submitting
                and cleaned.get("eligible") is None
                and "eligible" not in self.errors
            ):
                self.add_error(
                    "eligible", _("Say whether it is eligible to submit, or save a draft.")
                )
            return cleaned
        scores = {
            c.key: cleaned.get(self.score_name(c))
            for c in self.criteria
            if cleaned.get(self.score_name(c)) is not None
        }
        typed_wrongly = {c.key for c in self.criteria if self.score_name(c) in self.errors}
        errors = check_scores(scores, self.criteria, complete=self.submitting)
        for criterion in self.criteria:
            if criterion.key in errors and criterion.key not in typed_wrongly:
                self.add_error(self.score_name(criterion), errors[criterion.key])
        return cleaned

    def scores(self) -> dict:
        return {
            c.key: self.cleaned_data.get(self.score_name(c))
            for c in self.criteria
            if self.cleaned_data.get(self.score_name(c)) is not None
        }


# --- editors -----------------------------------------------------------------------------------


class ReviewerForm(forms.ModelForm):
    class Meta:
        model = Reviewer
        fields = ["role", "expertise", "languages"]


class AddReviewerForm(ReviewerForm):
    email = forms.EmailField(label=_("Email address of their account"))

    class Meta(ReviewerForm.Meta):
        fields = ["email", "role", "expertise", "languages"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(
                _("No account uses this address. Ask the person to create an account first.")
            )
        self.user = user
        return email


class AssignmentRunForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Random seed"),
        initial=0,
        min_value=0,
        max_value=2**31 - 1,
        help_text=_(
            "Ties between equally good assignments are broken with it; same seed, same result."
        ),
    )


class ManualAssignmentForm(forms.Form):
    item = forms.ModelChoiceField(queryset=None, label=_("Item"))
    reviewer = forms.ModelChoiceField(queryset=None, label=_("Reviewer"))

    def __init__(self, *args, items, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: item.label
        self.fields["reviewer"].queryset = reviewers


class WaiverForm(forms.Form):
    item = forms.ModelChoiceField(queryset=None, label=_("Item"))
    reviewer = forms.ModelChoiceField(queryset=None, label=_("Reviewer"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the conflict does not prevent a fair review. Kept in the audit trail."),
    )

    def __init__(self, *args, items, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: f"{item.label} · {item.title}"
        self.fields["reviewer"].queryset = reviewers


class ResultsForm(forms.Form):
    cutoff = forms.IntegerField(
        label=_("Cut-off (how many go through)"), min_value=1, max_value=100000, required=False
    )
    seed = forms.IntegerField(
        label=_("Bootstrap seed"), min_value=0, max_value=2**31 - 1, required=False
    )


class SelectionForm(forms.Form):
    phase = forms.ModelChoiceField(queryset=None, label=_("Merit from the reviews of"))
    n = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10000)
    basis = forms.ChoiceField(label=_("Merit"), choices=SelectionRun.Basis.choices)
    seed = forms.IntegerField(
        label=_("Tie-break seed"),
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text=_("Empty: equal merits are ordered by item number."),
    )

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = Phase.objects.filter(process=process).exclude(
            kind=Phase.Kind.ELIGIBILITY
        )


class QuotaForm(forms.ModelForm):
    class Meta:
        model = Quota
        fields = ["attribute", "value", "min", "max"]


QuotaFormSet = modelformset_factory(
    Quota, form=QuotaForm, extra=3, can_delete=True, max_num=200, validate_max=True
)
