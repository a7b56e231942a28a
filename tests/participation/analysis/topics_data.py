"""A small multilingual set of answers with known topics (housing, work, school) in English,
French, Arabic and Ukrainian: each answer joins two of five sentences of one topic in one
language, so answers of a topic share words without being copies."""

from itertools import combinations

SENTENCES = {
    ("en", "housing"): [
        "The rent for a flat in the city is far too high for our family.",
        "Landlords refuse to rent a flat to refugees without a guarantor.",
        "We waited two years for social housing and still have no flat.",
        "Housing near the centre costs more than half of our income in rent.",
        "Our landlord keeps the deposit and the flat has mould on the walls.",
    ],
    ("en", "work"): [
        "Employers do not recognise my engineering diploma so I cannot find a job.",
        "I work night shifts in a warehouse although I am a trained nurse.",
        "The job centre offers only cleaning work and no training for a better job.",
        "Without a work permit employers will not give me a contract.",
        "My employer pays less than the minimum wage for the same work.",
    ],
    ("en", "school"): [
        "My children need extra language lessons at school to follow the teacher.",
        "The school has no interpreter for parents at the teacher meetings.",
        "Teachers put our children in a lower class because of the language.",
        "There are no places at the local school so the children travel an hour.",
        "Homework clubs after school would help children whose parents work late.",
    ],
    ("fr", "housing"): [
        "Le loyer d'un appartement en ville est beaucoup trop cher pour notre famille.",
        "Les propriétaires refusent de louer un appartement sans garant.",
        "Nous attendons un logement social depuis deux ans, toujours sans appartement.",
        "Le logement près du centre coûte plus de la moitié de nos revenus en loyer.",
        "Notre propriétaire garde la caution et l'appartement a de la moisissure.",
    ],
    ("fr", "work"): [
        "Les employeurs ne reconnaissent pas mon diplôme d'ingénieur, je ne trouve pas d'emploi.",
        "Je travaille la nuit dans un entrepôt alors que je suis infirmière diplômée.",
        "Pôle emploi ne propose que du ménage et aucune formation pour un meilleur emploi.",
        "Sans permis de travail, les employeurs refusent de me donner un contrat.",
        "Mon employeur paie moins que le salaire minimum pour le même travail.",
    ],
    ("fr", "school"): [
        "Mes enfants ont besoin de cours de langue à l'école pour suivre l'enseignant.",
        "L'école n'a pas d'interprète pour les parents aux réunions avec les enseignants.",
        "Les enseignants mettent nos enfants dans une classe inférieure à cause de la langue.",
        "Il n'y a pas de place à l'école du quartier, les enfants voyagent une heure.",
        "Une aide aux devoirs après l'école aiderait les enfants dont les parents travaillent.",
    ],
    ("ar", "housing"): [
        "إيجار الشقة في المدينة مرتفع جدا بالنسبة لعائلتنا.",
        "يرفض أصحاب الشقق تأجير شقة للاجئين بدون كفيل.",
        "انتظرنا سنتين للحصول على سكن اجتماعي وما زلنا بدون شقة.",
        "السكن قرب المركز يكلف أكثر من نصف دخلنا في الإيجار.",
        "صاحب الشقة يحتفظ بالتأمين والشقة فيها رطوبة وعفن.",
    ],
    ("ar", "work"): [
        "أصحاب العمل لا يعترفون بشهادة الهندسة فلا أجد عملا.",
        "أعمل في نوبات ليلية في مستودع مع أنني ممرضة مؤهلة.",
        "مكتب العمل يعرض فقط عمل التنظيف ولا يوجد تدريب لعمل أفضل.",
        "بدون تصريح عمل لا يعطيني أصحاب العمل عقدا.",
        "صاحب العمل يدفع أقل من الحد الأدنى للأجور مقابل نفس العمل.",
    ],
    ("ar", "school"): [
        "أطفالي يحتاجون دروس لغة إضافية في المدرسة لفهم المعلم.",
        "لا يوجد مترجم في المدرسة للأهل في اجتماعات المعلمين.",
        "المعلمون يضعون أطفالنا في صف أدنى بسبب اللغة.",
        "لا توجد أماكن في المدرسة القريبة فيسافر الأطفال ساعة.",
        "نوادي الواجبات بعد المدرسة تساعد الأطفال الذين يعمل أهلهم متأخرين.",
    ],
    ("uk", "housing"): [
        "Оренда квартири в місті занадто дорога для нашої родини.",
        "Орендодавці відмовляються здавати квартиру біженцям без поручителя.",
        "Ми чекали на соціальне житло два роки і досі без квартири.",
        "Житло біля центру коштує більше половини нашого доходу на оренду.",
        "Наш орендодавець тримає заставу, а в квартирі пліснява на стінах.",
    ],
    ("uk", "work"): [
        "Роботодавці не визнають мій диплом інженера, тому я не можу знайти роботу.",
        "Я працюю нічні зміни на складі, хоча я дипломована медсестра.",
        "Центр зайнятості пропонує лише прибирання і жодного навчання для кращої роботи.",
        "Без дозволу на роботу роботодавці не дають мені контракт.",
        "Мій роботодавець платить менше мінімальної зарплати за ту саму роботу.",
    ],
    ("uk", "school"): [
        "Моїм дітям потрібні додаткові уроки мови в школі, щоб розуміти вчителя.",
        "У школі немає перекладача для батьків на зустрічах з вчителями.",
        "Вчителі ставлять наших дітей у нижчий клас через мову.",
        "У місцевій школі немає місць, тому діти їздять годину.",
        "Гуртки домашніх завдань після школи допомогли б дітям, чиї батьки працюють.",
    ],
}


def multilingual_answers() -> list[tuple[str, str, str, str]]:
    """(id, text, language, topic): 10 answers per language and topic, 120 in all."""
    answers = []
    for (language, topic), sentences in SENTENCES.items():
        for number, (a, b) in enumerate(combinations(sentences, 2)):
            answers.append((f"{language}-{topic}-{number}", f"{a} {b}", language, topic))
    return answers
