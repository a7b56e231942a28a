"""Demo content in the other interface languages: theme names and the home page.

Content, not interface: in a real site editors write these with Wagtail's translation workflow.
"""

THEME_NAMES = {
    "education-and-training": {
        "fr": "Éducation et formation",
        "de": "Bildung und Ausbildung",
        "ar": "التعليم والتدريب",
        "uk": "Освіта та навчання",
    },
    "employment-and-skills": {
        "fr": "Emploi et compétences",
        "de": "Beschäftigung und Kompetenzen",
        "ar": "التوظيف والمهارات",
        "uk": "Зайнятість і навички",
    },
    "health": {"fr": "Santé", "de": "Gesundheit", "ar": "الصحة", "uk": "Охорона здоров’я"},
    "housing": {"fr": "Logement", "de": "Wohnen", "ar": "السكن", "uk": "Житло"},
    "building-strong-partnerships": {
        "fr": "Construire des partenariats solides",
        "de": "Starke Partnerschaften aufbauen",
        "ar": "بناء شراكات قوية",
        "uk": "Побудова міцних партнерств",
    },
    "eu-funding": {
        "fr": "Financement de l’UE",
        "de": "EU-Finanzierung",
        "ar": "تمويل الاتحاد الأوروبي",
        "uk": "Фінансування ЄС",
    },
    "participation-and-encounters": {
        "fr": "Participation et rencontres avec la société d’accueil",
        "de": "Teilhabe und Begegnung mit der Aufnahmegesellschaft",
        "ar": "المشاركة واللقاء مع المجتمع المضيف",
        "uk": "Участь і зустрічі з приймаючою громадою",
    },
    "monitoring-and-evidence": {
        "fr": "Suivi et données probantes",
        "de": "Monitoring und Evidenz",
        "ar": "الرصد والأدلة",
        "uk": "Моніторинг і доказова база",
    },
    "digital-tools": {
        "fr": "Outils numériques",
        "de": "Digitale Werkzeuge",
        "ar": "الأدوات الرقمية",
        "uk": "Цифрові інструменти",
    },
}

HOME = {
    "fr": (
        "Donnez votre avis sur l’intégration et l’inclusion",
        "Consultations, groupe d’experts sur les points de vue des migrants et prix de "
        "l’intégration : participez aux décisions qui concernent les migrants et leurs "
        "organisations, dans votre langue, seul ou au nom de votre organisation.",
    ),
    "de": (
        "Reden Sie mit bei Integration und Inklusion",
        "Konsultationen, die Expertengruppe für die Sichtweisen von Migrantinnen und Migranten "
        "und der Integrationspreis: Wirken Sie an Entscheidungen mit, die Sie betreffen – in "
        "Ihrer Sprache, allein oder für Ihre Organisation.",
    ),
    "ar": (
        "شارك برأيك في الاندماج والإدماج",
        "المشاورات، وفريق خبراء المهاجرين، وجائزة الاندماج: شارك في القرارات التي تخص المهاجرين "
        "ومنظماتهم، بلغتك، بصفتك الشخصية أو نيابة عن منظمتك.",
    ),
    "uk": (
        "Висловіть свою думку щодо інтеграції та інклюзії",
        "Консультації, експертна група мігрантів і премія за інтеграцію: долучайтеся до рішень, "
        "які стосуються мігрантів та їхніх організацій, своєю мовою, особисто або від імені "
        "вашої організації.",
    ),
}
