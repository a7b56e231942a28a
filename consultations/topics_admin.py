"""The editors' topics page (consultations.topics): per open question, run the analysis, see
its progress (the page reloads itself while it runs, no JavaScript needed) and the topics with
their terms, size, languages and representative answers; accept, rename, merge, split, and turn
topics into analysis tags in bulk. Every action is a POST that redirects back (so a reload never
repeats it); the page's queries do not grow with the number of answers."""

from django.contrib import messages
from django.db.models import Count
from django.db.models.fields.json import KeyTransform
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participation.accounts.languages import language_name

from . import topics as service
from .admin_views import ConsultationAdminView
from .models import Response, Topic, TopicRun

REFRESH_SECONDS = 3
QUOTE_CHARS = 400


def reason_labels() -> dict[str, str]:
    """What the analysis skipped, in the editor's language (keys: analysis.topics.REASONS)."""
    return {
        "empty": gettext("empty answers"),
        "no_words": gettext("answers without letters (only emoji, punctuation or numbers)"),
        "one_word": gettext("answers of a single word, however often repeated"),
        "too_few": gettext("answers in a language with too few answers to form a topic"),
        "no_shared_words": gettext("answers sharing no word with the others"),
    }


class TopicsView(ConsultationAdminView):
    template_name = "consultations/admin/topics.html"
    page_title = _("Topics")
    header_icon = "tag"

    def questions(self):
        return service.open_questions(self.page)

    def chosen(self, questions, asked: str | None):
        by_id = {q.id: q for q in questions}
        if asked in by_id:
            return by_id[asked]
        return questions[0] if questions else None

    def url(self, question_id: str) -> str:
        base = reverse("consultations_topics", args=[self.page.pk])
        return f"{base}?{urlencode({'question': question_id})}"

    def get_context_data(self, **kwargs):
        questions = self.questions()
        question = self.chosen(questions, self.request.GET.get("question"))
        runs = {
            run.question_id: run
            for run in TopicRun.objects.filter(consultation=self.page)
            .annotate(n_topics=Count("topics"))
            .order_by("pk")
        }
        run = runs.get(question.id) if question else None
        # The members (up to one id per answer) are not read to show the page.
        topics = list(run.topics.defer("members")) if run else []
        quotes = self.quotes(question, topics) if topics else {}
        reasons = reason_labels()
        for topic in topics:
            topic.quotes = [quotes[pk] for pk in topic.representatives if pk in quotes]
            topic.language_names = [
                (language_name(code) if code else gettext("unknown"), n)
                for code, n in sorted(topic.languages.items(), key=lambda item: -item[1])
            ]
            topic.campaign_answers = sum(size for _first, size in topic.campaigns)
        busy = run is not None and run.state in (TopicRun.State.QUEUED, TopicRun.State.RUNNING)
        return super().get_context_data(
            questions=[(q, runs.get(q.id)) for q in questions],
            question=question,
            run=run,
            busy=busy,
            refresh_seconds=REFRESH_SECONDS,
            topics=topics,
            skipped=[
                (reasons.get(reason, reason), n)
                for reason, n in (run.skipped if run else {}).items()
            ],
            **kwargs,
        )

    def quotes(self, question, topics) -> dict:
        """The representative answers of every topic, in one query."""
        wanted = {pk for topic in topics for pk in topic.representatives}
        rows = (
            Response.objects.filter(pk__in=wanted, consultation=self.page)
            .annotate(text=KeyTransform(question.id, "answers"))
            .values_list("pk", "receipt_number", "text", "text_languages")
        )
        return {
            pk: {
                "pk": pk,
                "receipt": receipt,
                "text": text if isinstance(text, str) else "",
                "lang": (languages or {}).get(question.id, ""),
            }
            for pk, receipt, text, languages in rows
        }

    def post(self, request, page_id):
        questions = self.questions()
        question = self.chosen(questions, request.POST.get("question"))
        if question is None:
            messages.error(request, gettext("This consultation has no open question."))
            return redirect(reverse("consultations_topics", args=[self.page.pk]))
        action = request.POST.get("action", "")
        if action == "run":
            service.start(self.page, question.id)
            messages.success(request, gettext("The topics are being computed."))
            return redirect(self.url(question.id))
        topics = Topic.objects.filter(run__consultation=self.page, run__question_id=question.id)
        topic = topics.filter(pk=_number(request.POST.get("topic"))).first()
        if action == "tags":
            chosen = list(topics.filter(pk__in=_numbers(request.POST.getlist("topics"))))
            if not chosen:
                messages.error(request, gettext("Choose the topics to turn into tags."))
            else:
                added = service.to_tags(chosen)
                messages.success(
                    request,
                    gettext("%(topics)d topics turned into tags on %(answers)d answers.")
                    % {"topics": len(chosen), "answers": added},
                )
        elif topic is None:
            messages.error(
                request, gettext("That topic no longer exists; the page is shown again.")
            )
        elif action in ("accept", "unaccept"):
            service.accept(topic, action == "accept")
            messages.success(request, gettext("Topic “%(name)s” saved.") % {"name": topic.name})
        elif action == "rename":
            label = request.POST.get("label", "")
            service.rename(topic, label)
            messages.success(request, gettext("Topic renamed."))
        elif action == "merge":
            other = topics.filter(pk=_number(request.POST.get("other"))).first()
            if other is None or other.pk == topic.pk:
                messages.error(
                    request, gettext("Choose another topic of this question to merge with.")
                )
            else:
                service.merge(topic, other)
                messages.success(request, gettext("Topics merged."))
        elif action == "split":
            if service.split(topic):
                messages.success(request, gettext("Topic split in two."))
            else:
                messages.warning(
                    request, gettext("Its answers could not be told apart: the topic is unchanged.")
                )
        else:
            messages.error(request, gettext("Unknown action."))
        return redirect(self.url(question.id))


def _number(value) -> int:
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def _numbers(values) -> list[int]:
    return [int(v) for v in values if isinstance(v, str) and v.isdigit()]
