"""Median time of one receipt PDF (10 renders after a warm-up) in English, Arabic and Tamil.

    PYTHONPATH=$PWD:$PWD/site .venv/bin/python bench/receipt_fonts_bench.py

Written to compare the print fonts before and after one family per script (issue 17): run it
on two checkouts one after the other, on the same machine.
"""

import logging
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
django.setup()
logging.getLogger("weasyprint").setLevel(logging.ERROR)

from participation.documents import pdf  # noqa: E402

CONTEXT = {
    "intro": "Thank you for taking part.",
    "facts": [
        ("Receipt number", "C-7KQ2-9XPM"),
        ("Consultation", "Housing for newcomers"),
        ("Submitted", "2026-03-01 10:00 UTC"),
        ("On behalf of", "Myself"),
    ],
    "answers": [
        ("What should change first?", "Faster recognition of diplomas and evening courses."),
        ("Your experience", "I waited eight months for an appointment."),
    ],
}
TAMIL = {**CONTEXT, "answers": [("Answer", "மனிதப் பிறவியினர் சகலரும் சுதந்திரமாகவே பிறக்கின்றனர்")]}


def median_seconds(context, lang, runs=10):
    pdf.render_pdf_document("documents/receipt.html", context, title="Receipt", lang=lang)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        pdf.render_pdf_document("documents/receipt.html", context, title="Receipt", lang=lang)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    for label, context, lang in (("en", CONTEXT, "en"), ("ar", CONTEXT, "ar"), ("ta", TAMIL, "en")):
        sys.stdout.write(f"receipt {label}: median {median_seconds(context, lang):.3f} s\n")
