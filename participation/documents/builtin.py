"""Built-in document kinds, so the engine can be tried and tested without any plugin.

- ``documents.specimen``: one sentence in every script the platform prints (Latin with
  diacritics, Greek, Cyrillic, Armenian, Georgian, Arabic for Arabic, Persian, Pashto, Sorani and
  Urdu, Hebrew, Ethiopic, Devanagari, Bengali, Gurmukhi, Tamil, Sinhala, Thai, Myanmar, Chinese,
  Japanese, Korean), a multilingual chart and a table.
  Any signed-in person may ask for it.
- ``documents.sample``: a summary of ``count`` made-up submissions (cover, contents with page
  numbers, charts, every answer), the shape of a real consultation summary. Staff only. The
  benchmark uses it with count=500.
"""

import random
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .charts import bar_chart
from .registry import BuiltFile, DocumentKind, register

SPECIMEN = [
    # (language code, name of the language, text), texts after art. 21 UDHR where possible.
    ("en", "English", "Everyone has the right to take part in the government of their country."),
    (
        "fr",
        "Français",
        "Toute personne a le droit de prendre part à la direction des affaires "
        "publiques de son pays — « égalité », œuvre, façade.",
    ),
    (
        "de",
        "Deutsch",
        "Jeder hat das Recht, an der Gestaltung der öffentlichen Angelegenheiten "
        "seines Landes mitzuwirken. Größe, Übung, Straße.",
    ),
    ("pl", "Polski", "Zażółć gęślą jaźń. Każdy człowiek ma prawo uczestniczyć w rządzeniu."),
    (
        "ro",
        "Română",
        "Orice persoană are dreptul de a lua parte la conducerea treburilor "
        "publice ale țării sale. Șase știuleți.",
    ),
    ("cs", "Čeština", "Příliš žluťoučký kůň úpěl ďábelské ódy."),
    (
        "tr",
        "Türkçe",
        "Herkes, memleketinin kamu işlerinin yönetimine katılmak hakkına sahiptir. "
        "Ağaç, ılık, İstanbul, şehir, göğüs.",
    ),
    ("so", "Soomaali", "Qof kastaa wuxuu xaq u leeyahay inuu ka qaybqaato maamulka dalkiisa."),
    ("el", "Ελληνικά", "Καθένας έχει το δικαίωμα να συμμετέχει στη διακυβέρνηση της χώρας του."),
    (
        "uk",
        "Українська",
        "Кожна людина має право брати участь в управлінні своєю країною. Ґанок, їжак, єдність.",
    ),
    ("ar", "العربية", "لكل شخص الحق في الاشتراك في إدارة الشؤون العامة لبلاده، ١٢٣٤٥."),
    ("fa", "فارسی", "هر کس حق دارد که در اداره امور عمومی کشور خود شرکت جوید. گفتگو، پژوهش، ۱۴۰۳."),
    ("ti", "ትግርኛ", "ነፍሲ ወከፍ ሰብ ኣብ ምምሕዳር ሃገሩ ናይ ምስታፍ መሰል ኣለዎ።"),
    ("am", "አማርኛ", "ማንኛውም ሰው በአገሩ አስተዳደር የመሳተፍ መብት አለው።"),
]

# The other scripts the platform prints, one sentence each (art. 1 UDHR where possible). Kept
# apart from SPECIMEN so the made-up sample submissions stay as they are for a given seed.
MORE_SCRIPTS = [
    ("ru", "Русский", "Все люди рождаются свободными и равными в своём достоинстве и правах."),
    (
        "hy",
        "Հայերեն",
        "Բոլոր մարդիկ ծնվում են ազատ ու հավասար իրենց արժանապատվությամբ ու իրավունքներով։",
    ),
    (
        "ka",
        "ქართული",
        "ყველა ადამიანი იბადება თავისუფალი და თანასწორი თავისი ღირსებითა და უფლებებით.",
    ),
    ("ps", "پښتو", "ټول انسانان آزاد پیدا شوي دي او د حيثيت او حقوقو له پلوه سره برابر دي."),
    ("ckb", "کوردیی ناوەندی", "هەموو مرۆڤێک بە ئازادی و یەکسانی لە ڕێز و مافەکاندا لەدایک دەبن."),
    ("ur", "اردو", "تمام انسان آزاد اور حقوق و عزت کے اعتبار سے برابر پیدا ہوئے ہیں۔"),
    ("he", "עברית", "כל בני האדם נולדו בני חורין ושווים בערכם ובזכויותיהם."),
    (
        "hi",
        "हिन्दी",
        "सभी मनुष्यों को गौरव और अधिकारों के मामले में जन्मजात स्वतन्त्रता और समानता प्राप्त है।",
    ),
    ("bn", "বাংলা", "সমস্ত মানুষ স্বাধীনভাবে সমান মর্যাদা এবং অধিকার নিয়ে জন্মগ্রহণ করে।"),
    ("pa", "ਪੰਜਾਬੀ", "ਸਾਰਾ ਮਨੁੱਖੀ ਪਰਿਵਾਰ ਆਪਣੀ ਮਹਿਮਾ, ਸ਼ਾਨ ਅਤੇ ਹੱਕਾਂ ਦੇ ਪੱਖੋਂ ਜਨਮ ਤੋਂ ਹੀ ਆਜ਼ਾਦ ਹੈ।"),
    (
        "ta",
        "தமிழ்",
        "மனிதப் பிறவியினர் சகலரும் சுதந்திரமாகவே பிறக்கின்றனர்; அவர்கள் மதிப்பிலும், உரிமைகளிலும் சமமானவர்கள்.",
    ),
    ("si", "සිංහල", "සියලු මනුෂ්‍යයෝ නිදහස්ව උපත ලබා ඇත. ගරුත්වයෙන් හා අයිතිවාසිකම්වලින් සමාන වෙති."),
    ("th", "ไทย", "มนุษย์ทั้งหลายเกิดมามีอิสระและเสมอภาคกันในเกียรติศักดิ์และสิทธิ"),
    (
        "my",
        "မြန်မာ",
        "လူတိုင်းသည် တူညီ လွတ်လပ်သော ဂုဏ်သိက္ခာဖြင့် လည်းကောင်း၊ "
        "တူညီလွတ်လပ်သော အခွင့်အရေးများဖြင့် လည်းကောင်း၊ မွေးဖွားလာသူများ ဖြစ်သည်။",
    ),
    ("zh", "中文", "人人生而自由，在尊严和权利上一律平等。"),
    (
        "ja",
        "日本語",
        "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。",
    ),
    ("ko", "한국어", "모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다."),
]

THEMES = ["Education and training", "Employment and skills", "Health", "Housing"]
CHOICES = ["Yes", "Partly", "No"]
ORGANISATIONS = [
    "Migrant Voices Network",
    "Asociația Noi Împreună",
    "Göçmen Dayanışma Derneği",
    "Спілка українців у Європі",
    "جمعية الجسور",
    "Ururka Bulshada Soomaaliyeed",
    "ማሕበር ኤርትራውያን",
    "Ελληνικό Φόρουμ Μεταναστών",
]


def _int(params, name, default, low, high):
    try:
        value = int(params.get(name, default))
    except (TypeError, ValueError):
        raise ValidationError(_("%(name)s must be a whole number.") % {"name": name}) from None
    if not low <= value <= high:
        raise ValidationError(
            _("%(name)s must be between %(low)s and %(high)s.")
            % {"name": name, "low": low, "high": high}
        )
    return value


def _lang(params):
    lang = str(params.get("lang") or "en")[:10]
    if not lang.replace("-", "").isalpha():
        raise ValidationError(_("Invalid language code."))
    return lang


# --- documents.specimen


def clean_specimen_params(params):
    return {"lang": _lang(params), "copies": _int(params, "copies", 1, 1, 50)}


def specimen_chart():
    return bar_chart(
        _("Answers by theme"),
        ["Освіта", "التعليم", "ትምህርቲ", "Sağlık"],
        {"Yes": [12, 9, 4, 7], "لا": [3, 5, 2, 4], "Partly": [2, 1, 3, 0]},
        stacked=True,
        horizontal=False,
    )


def build_specimen(params, progress):
    from .pdf import render_pdf_document

    copies = params.get("copies", 1)
    sections = []
    for copy in range(1, copies + 1):
        sections.append({"id": f"copy-{copy}", "number": copy, "texts": SPECIMEN + MORE_SCRIPTS})
        progress(copy, copies)
    toc = [
        {"id": s["id"], "title": _("Scripts, part %(n)s") % {"n": s["number"]}, "level": 1}
        for s in sections
    ]
    toc.append({"id": "chart", "title": _("A chart with labels in several scripts"), "level": 1})
    rendered = render_pdf_document(
        "documents/specimen.html",
        {
            "sections": sections,
            "chart": specimen_chart(),
            "document_cover": copies > 1,
            "document_toc": toc if copies > 1 else [],
        },
        title=_("Script specimen"),
        author="wagtail-participation",
        lang=params.get("lang", "en"),
        on_page=progress.pages,
    )
    return BuiltFile.pdf(rendered.content, "script-specimen.pdf")


# --- documents.sample


def sample_submissions(count: int, seed: int = 1) -> list[dict]:
    """Made-up submissions with answers in every script, deterministic for a seed."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    submissions = []
    for number in range(1, count + 1):
        lang, _name, text = SPECIMEN[rng.randrange(len(SPECIMEN))]
        paragraphs = [SPECIMEN[rng.randrange(len(SPECIMEN))][2] for _ in range(rng.randint(1, 3))]
        submissions.append(
            {
                "number": number,
                "id": f"submission-{number}",
                "organisation": ORGANISATIONS[rng.randrange(len(ORGANISATIONS))],
                "submitted_at": start + timedelta(minutes=37 * number),
                "lang": lang,
                "theme": THEMES[rng.randrange(len(THEMES))],
                "choice": CHOICES[rng.randrange(len(CHOICES))],
                "rating": rng.randint(1, 5),
                "answers": [
                    {"question": _("What should change first?"), "text": text, "lang": lang},
                    # Paragraphs in several languages: no single language to declare.
                    {"question": _("Your experience"), "text": "\n\n".join(paragraphs)},
                ],
            }
        )
    return submissions


def summary_context(submissions: list[dict], *, progress=None) -> dict:
    """Context for documents/summary.html: charts, contents, groups of submissions."""
    by_theme = {choice: [0] * len(THEMES) for choice in CHOICES}
    ratings = [0] * 5
    total = len(submissions)
    for index, submission in enumerate(submissions, start=1):
        by_theme[submission["choice"]][THEMES.index(submission["theme"])] += 1
        ratings[submission["rating"] - 1] += 1
        if progress is not None and (index % 50 == 0 or index == total):
            progress(index, total, "items")
    charts = [
        bar_chart(_("Should it change? Answers by theme"), THEMES, by_theme, stacked=True),
        bar_chart(_("Ratings"), ["1", "2", "3", "4", "5"], {_("Submissions"): ratings}),
    ]
    group = 25
    toc = [
        {"id": "overview", "title": _("Overview"), "level": 1},
        {"id": "submissions", "title": _("Submissions"), "level": 1},
    ]
    for first in range(0, total, group):
        last = min(first + group, total)
        toc.append(
            {
                "id": submissions[first]["id"],
                "title": _("Submissions %(first)s to %(last)s")
                % {"first": first + 1, "last": last},
                "level": 2,
            }
        )
    return {
        "submissions": submissions,
        "charts": charts,
        "document_cover": True,
        "document_toc": toc,
        "document_subtitle": _("%(count)s submissions") % {"count": total},
    }


def clean_sample_params(params):
    return {
        "count": _int(params, "count", 20, 0, 10000),
        "seed": _int(params, "seed", 1, 0, 10**6),
        "lang": _lang(params),
    }


def build_sample(params, progress):
    from .pdf import render_pdf_document

    submissions = sample_submissions(params["count"], params["seed"])
    context = summary_context(submissions, progress=progress)
    rendered = render_pdf_document(
        "documents/summary.html",
        context,
        title=_("Sample consultation: summary of submissions"),
        author="wagtail-participation",
        lang=params.get("lang", "en"),
        on_page=progress.pages,
    )
    return BuiltFile.pdf(rendered.content, f"sample-summary-{params['count']}.pdf")


def _signed_in(user, params):
    return bool(user.is_authenticated)


def _staff(user, params):
    return bool(user.is_authenticated and user.is_staff)


register(
    DocumentKind(
        name="documents.specimen",
        label=gettext_lazy("Script specimen"),
        build=build_specimen,
        fingerprint=lambda params: "fixed text",
        clean_params=clean_specimen_params,
        can_request=_signed_in,
        progress_unit="items",
        version="1",
    )
)
register(
    DocumentKind(
        name="documents.sample",
        label=gettext_lazy("Sample summary"),
        build=build_sample,
        fingerprint=lambda params: "generated from the parameters",
        clean_params=clean_sample_params,
        can_request=_staff,
        progress_unit="items",
        version="1",
    )
)
