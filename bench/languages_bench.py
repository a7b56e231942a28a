"""Benchmark of detecting the language of free-text answers (participation.analysis.languages).

Run from the repository root:  python bench/languages_bench.py [--sizes 10000,100000]
(``rows()`` gives the rows to bench/run_bench.py, ``make bench``).

Data (fixed seed): answers of about 300 characters, each three to five sentences of one of 16
languages (the interface's fifteen and Amharic: Latin, Cyrillic, Arabic and Ethiopic scripts),
the sentences and their words shuffled so that no two answers are the same text.

* ``time`` - wall time of :func:`detect` (ours: the rules for Pashto, Tigrinya and Amharic, the
  checks for texts that tell nothing, and Lingua's batch call for the rest) against Lingua's own
  batch call on the same texts with the same detector (the baseline). Target (issue 19): at
  least 0.5x the library's speed, i.e. at most twice its time.
* ``right`` - answers whose detected language is the one they were written in.
* ``growth`` - the time at 10x the answers over the time at 1x.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from bench_table import growth_rows, make_row, render  # noqa: E402

from participation.analysis.languages import _detector, detect  # noqa: E402

SENTENCES = {
    "en": [
        "Recognition of our diplomas takes far too long and costs too much money.",
        "We need evening language courses for adults who work during the day.",
        "Landlords often refuse to rent a flat to families who have just arrived.",
    ],
    "fr": [
        "La reconnaissance de nos diplômes prend beaucoup trop de temps.",
        "Nous avons besoin de cours de langue le soir pour les adultes qui travaillent.",
        "Les propriétaires refusent souvent de louer aux familles arrivées récemment.",
    ],
    "de": [
        "Die Anerkennung unserer Abschlüsse dauert viel zu lange und kostet zu viel.",
        "Wir brauchen Sprachkurse am Abend für Erwachsene, die tagsüber arbeiten.",
        "Vermieter lehnen Familien, die gerade angekommen sind, oft ab.",
    ],
    "ar": [
        "الاعتراف بشهاداتنا يستغرق وقتا طويلا جدا ويكلف الكثير من المال.",
        "نحتاج إلى دورات لغة مسائية للكبار الذين يعملون خلال النهار.",
        "كثيرا ما يرفض الملاك تأجير شقة للعائلات التي وصلت حديثا.",
    ],
    "uk": [
        "Визнання наших дипломів триває надто довго і коштує занадто багато.",
        "Нам потрібні вечірні мовні курси для дорослих, які працюють удень.",
        "Орендодавці часто відмовляють родинам, які щойно приїхали.",
    ],
    "fa": [
        "به رسمیت شناختن مدارک ما خیلی طول می‌کشد و هزینه زیادی دارد.",
        "ما به کلاس‌های زبان شبانه برای بزرگسالانی که روزها کار می‌کنند نیاز داریم.",
        "صاحبخانه‌ها اغلب از اجاره دادن خانه به خانواده‌های تازه‌وارد خودداری می‌کنند.",
    ],
    "ps": [
        "زموږ د ډیپلومونو پېژندنه ډېر وخت نیسي او ډېرې پیسې غواړي.",
        "موږ د هغو لویانو لپاره د ماښام د ژبې ټولګیو ته اړتیا لرو چې ورځ کار کوي.",
        "د کور خاوندان ډېری وخت نوو راغلو کورنیو ته کور په کرایه نه ورکوي.",
    ],
    "ti": [
        "ኣፍልጦ ዲፕሎማታትና ኣዝዩ ነዊሕ ግዜ ይወስድን ብዙሕ ገንዘብ ይሓትትን እዩ።",
        "ኣብ ቀትሪ ንዝሰርሑ ዓበይቲ ናይ ምሸት ትምህርቲ ቋንቋ የድልየና ኣሎ።",
        "ወነንቲ ኣባይቲ ንሓደሽቲ ዝመጹ ስድራቤታት ገዛ ክሕቡ ብዙሕ ግዜ ይኣብዩ።",
    ],
    "am": [
        "የዲፕሎማዎቻችን እውቅና በጣም ረጅም ጊዜ ይወስዳል እና ብዙ ገንዘብ ያስከፍላል።",
        "ቀን ለሚሰሩ አዋቂዎች የምሽት የቋንቋ ትምህርት ያስፈልገናል።",
        "አከራዮች ብዙ ጊዜ አዲስ ለመጡ ቤተሰቦች ቤት ማከራየት አይፈልጉም።",
    ],
    "so": [
        "Aqoonsiga shahaadooyinkayagu waqti dheer ayuu qaataa, lacag badanna wuu ku kacaa.",
        "Waxaan u baahanahay koorsooyin luqadeed oo fiidkii ah oo loogu talagalay dadka waaweyn.",
        "Milkiilayaasha guryaha badanaa way diidaan inay guri kireeyaan qoysaska cusub.",
    ],
    "tr": [
        "Diplomalarımızın tanınması çok uzun sürüyor ve çok fazla paraya mal oluyor.",
        "Gündüz çalışan yetişkinler için akşam dil kurslarına ihtiyacımız var.",
        "Ev sahipleri yeni gelen ailelere sık sık daire kiralamayı reddediyor.",
    ],
    "ru": [
        "Признание наших дипломов занимает слишком много времени и стоит дорого.",
        "Нам нужны вечерние языковые курсы для взрослых, которые работают днём.",
        "Арендодатели часто отказываются сдавать квартиру недавно приехавшим семьям.",
    ],
    "es": [
        "El reconocimiento de nuestros títulos tarda demasiado y cuesta demasiado dinero.",
        "Necesitamos cursos de idiomas por la tarde para adultos que trabajan de día.",
        "Los propietarios a menudo se niegan a alquilar a familias recién llegadas.",
    ],
    "it": [
        "Il riconoscimento dei nostri diplomi richiede troppo tempo e costa troppo.",
        "Abbiamo bisogno di corsi di lingua serali per gli adulti che lavorano di giorno.",
        "I proprietari spesso rifiutano di affittare alle famiglie appena arrivate.",
    ],
    "pl": [
        "Uznanie naszych dyplomów trwa zdecydowanie za długo i kosztuje za dużo.",
        "Potrzebujemy wieczornych kursów językowych dla dorosłych, którzy pracują w dzień.",
        "Wynajmujący często odmawiają wynajmu mieszkania rodzinom, które właśnie przybyły.",
    ],
    "ro": [
        "Recunoașterea diplomelor noastre durează mult prea mult și costă prea mulți bani.",
        "Avem nevoie de cursuri de limbă seara pentru adulții care lucrează ziua.",
        "Proprietarii refuză adesea să închirieze familiilor sosite de curând.",
    ],
}


def answers(n: int, seed: int = 19) -> tuple[list[str], list[str]]:
    """``n`` texts of ~300 characters and the language each was written in."""
    rng = random.Random(seed)
    codes = sorted(SENTENCES)
    texts, languages = [], []
    for _ in range(n):
        code = rng.choice(codes)
        parts = []
        while sum(map(len, parts)) < 280:
            words = rng.choice(SENTENCES[code]).split()
            rng.shuffle(words)
            parts.append(" ".join(words))
        texts.append(" ".join(parts))
        languages.append(code)
    return texts, languages


def timed(function, data) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(data)
    return time.perf_counter() - started, result


def baseline(texts: list[str]) -> list:
    return _detector().detect_languages_in_parallel_of(texts)


def rows(sizes=(10_000, 100_000)) -> list[dict]:
    warm, _ = answers(500, seed=3)
    detect(warm)  # loads the models of the languages met (once per process)
    table, ours_times, base_times = [], [], []
    for n in sizes:
        texts, written = answers(n)
        base_s, _ = timed(baseline, texts)
        ours_s, found = timed(detect, texts)
        ours_times.append(ours_s)
        base_times.append(base_s)
        table.append(
            make_row(
                f"detect the language of {n:,} answers of ~300 characters "
                "(baseline: Lingua's batch call)",
                ours_s,
                base_s,
                "s",
                target=("<=", 2.0),
                on="ratio",
                target_text=">= 0.5x its speed",
            )
        )
        right = sum(1 for a, b in zip(found, written, strict=True) if a == b)
        table.append(
            make_row(
                f"answers of {n:,} detected in the language they were written in, of 16",
                right,
                n,
                "answers",
                target=(">=", 0.99),
                on="ratio",
                target_text=">= 99 %",
            )
        )
    labels = [f"{n:,}" for n in sizes]
    return table + growth_rows("language detection time", labels, ours_times, base_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    arguments = parser.parse_args()
    sys.stdout.write(render(rows([int(s) for s in arguments.sizes.split(",")])) + "\n")


if __name__ == "__main__":
    main()
