"""Campaign and near-duplicate grouping: normalisation, exact keys, MinHash/LSH grouping with
exact verification. Pure Python: runs without Django (``-p no:django --noconftest``)."""

import random
import string

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from participation.analysis import campaigns
from participation.analysis.campaigns import CampaignGroup, fingerprint, group, normalise

ENGLISH = (
    "We the undersigned residents of the district ask the council to keep the community "
    "centre open in the evenings because it is the only place where newly arrived families "
    "can learn the language, find advice on housing and work, and where children can do "
    "their homework after school with the help of volunteers from many countries."
)
ARABIC = (
    "نحن سكان هذا الحي نطالب البلدية بإبقاء مركز المجتمع مفتوحا في المساء لأنه المكان "
    "الوحيد الذي تتعلم فيه العائلات الجديدة اللغة وتجد فيه النصيحة حول السكن والعمل "
    "ويستطيع فيه الأطفال إنجاز واجباتهم المدرسية بمساعدة المتطوعين من بلدان كثيرة"
)
UKRAINIAN = (
    "Ми, мешканці району, просимо раду залишити громадський центр відкритим увечері, бо це "
    "єдине місце, де нові родини вивчають мову, отримують поради щодо житла й роботи, а діти "
    "після школи роблять домашні завдання з волонтерами з п'яти країн. Дякуємо за увагу."
)
TIGRINYA = (
    "ንሕና ነበርቲ እዚ ከባቢ ማእከል ሕብረተሰብ ኣብ ምሸት ክኽፈት ንሓትት። እዚ ማእከል ሓደስቲ "
    "ስድራቤታት ቋንቋ ዝመሃሩሉ፡ ብዛዕባ ገዛን ስራሕን ምኽሪ ዝረኽቡሉ፡ ቆልዑ ድማ ድሕሪ ትምህርቲ "
    "ምስ ወለንተኛታት ዕዮ ገዛ ዝሰርሑሉ ጥራይ ቦታ እዩ። የቐንየልና።"
)
MIXED = (
    "As members of جمعية الأمل and громада Україна we support the proposal ናይ ማእከል "
    "ሕብረተሰብ because the centre helps families يوميا with language courses, legal advice "
    "and homework clubs, and we ask that its budget of 2024 is kept for the next years "
    "without cuts because there is no other place like it in our neighbourhood."
)
CHINESE = (
    "我们是本区居民，请求市议会在晚上继续开放社区中心，因为这是新来的家庭学习语言、"
    "获得住房和工作建议、孩子们放学后在志愿者帮助下做作业的唯一地方。"
)


def shuffled(text: str, seed: int) -> str:
    """The same words in another order: unrelated as far as word 3-grams go."""
    words = text.split()
    random.Random(seed).shuffle(words)
    return " ".join(words)


def random_text(rng: random.Random, n_words: int = 60) -> str:
    return " ".join(
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(n_words)
    )


def sizes(groups: list[CampaignGroup]) -> list[int]:
    return [g.size for g in groups]


# --- normalise and fingerprint -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hello,   WORLD!", "hello world"),
        ("Café crème à Łódź", "cafe creme a lodz"),
        ("Straße", "strasse"),
        ("İstanbul", "istanbul"),
        ("ﬁne ２０２４", "fine 2024"),
        ("don't", "dont"),
        ("مرحباً", "مرحبا"),
        ("مـــرحبا", "مرحبا"),
        ("الْعَرَبِيَّةُ", "العربية"),
        ("عام ٢٠٢٤", "عام 2024"),
        ("سال ۱۴۰۳", "سال 1403"),
        ("п'ять", "пʼять"),
        ("п’ять", "пять"),
        ("ሰላም፡ከመይ።", "ሰላም ከመይ"),
        ("a\u200db\u00a0c", "ab c"),
        ("", ""),
    ],
)
def test_normalise_equivalences(a, b):
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Йорданія й Київ", "йорданія й київ"),  # й stays й (not и)
        ("Їжак і Ґанок", "їжак і ґанок"),  # ї, і, ґ intact
        ("ትግርኛ ፲፪", "ትግርኛ ፲፪"),  # Ethiopic letters and numerals kept
        ("أإآؤئ", "أإآؤئ"),  # hamza and madda are parts of letters
        ("नमस्ते दुनिया", "नमस्ते दुनिया"),  # Devanagari vowel signs kept
        ("Ελληνικά", "ελληνικά"),  # Greek accents kept (not Latin)
    ],
)
def test_normalise_keeps_letters_of_other_scripts(text, expected):
    assert normalise(text) == expected


def test_fingerprint_same_for_noise_different_for_words():
    assert fingerprint(ENGLISH) == fingerprint("  " + ENGLISH.upper().replace(",", " ;") + "!!")
    assert fingerprint(ENGLISH) != fingerprint(ENGLISH.replace("council", "mayor"))
    assert len(fingerprint("x")) == 32


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip() and "  " not in once


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, max_size=20),
    st.data(),
)
def test_fingerprint_ignores_case_punctuation_and_spacing(words, data):
    separators = st.sampled_from([" ", "  ", ", ", ". ", "\n", " - ", "! ", "\t"])
    noisy = "".join(
        (w.upper() if data.draw(st.booleans()) else w) + data.draw(separators) for w in words
    )
    assert fingerprint(noisy) == fingerprint(" ".join(words))


# --- grouping ----------------------------------------------------------------------------------


def test_exact_copies_are_grouped_with_counts():
    texts = [(i, ENGLISH) for i in range(20)]
    texts += [(100, ENGLISH.upper()), (101, ENGLISH.replace(",", "") + " !!")]
    texts += [(200 + i, random_text(random.Random(i))) for i in range(30)]
    [campaign] = group(texts)
    assert campaign.size == campaign.exact_count == 22
    assert campaign.member_ids == tuple(range(20)) + (100, 101)
    assert campaign.id == 0
    assert campaign.representative == ENGLISH
    assert campaign.fingerprint == fingerprint(ENGLISH)
    assert campaign.min_similarity == 1.0
    assert campaign.distinct_texts == 1 and campaign.near_count == 0


def test_small_edits_are_grouped():
    edits = [
        ENGLISH.replace("the district", "Porta Nuova"),  # a place changed
        ENGLISH + " Signed Maria Lopez.",  # a name added
        ENGLISH + " Please act before the summer holidays start this year.",  # a sentence
        ENGLISH.replace("volunteers", "helpers").replace("council", "city"),
    ]
    texts = [(f"copy-{i}", ENGLISH) for i in range(5)]
    texts += [(f"edit-{i}", text) for i, text in enumerate(edits)]
    texts += [(f"other-{i}", shuffled(ENGLISH, i)) for i in range(5)]
    [campaign] = group(texts)
    assert campaign.size == 9
    assert campaign.exact_count == 5
    assert campaign.near_count == 4 and campaign.distinct_texts == 5
    assert 0.8 <= campaign.min_similarity < 1.0
    assert campaign.id == "copy-0"
    assert not any(m.startswith("other") for m in campaign.member_ids)


def test_representative_is_the_most_common_exact_text():
    variant = ENGLISH + " Thank you."
    texts = [(i, ENGLISH) for i in range(3)] + [(10 + i, variant) for i in range(5)]
    [campaign] = group(texts)
    assert campaign.representative == variant
    assert campaign.exact_count == 5 and campaign.size == 8
    assert campaign.id == 0 and campaign.member_ids[:3] == (0, 1, 2)


def test_unrelated_texts_are_not_grouped():
    rng = random.Random(7)
    texts = [(i, random_text(rng)) for i in range(300)]
    texts += [(1000 + i, shuffled(ENGLISH, i)) for i in range(50)]
    assert group(texts) == []


def test_short_texts_are_ignored_unless_allowed():
    texts = [(i, text) for i, text in enumerate(["yes", "Yes!", "I agree", "I agree."] * 25)]
    assert group(texts) == []
    assert sizes(group(texts, min_words=1)) == [50, 50]
    five = [(i, "I fully agree with this") for i in range(4)]
    assert sizes(group(five)) == [4]
    assert group(five, min_words=6) == []


def test_min_size_counts_answers_not_texts():
    texts = [(1, ENGLISH), (2, ENGLISH), (3, ENGLISH + " Thanks.")]
    assert sizes(group(texts, min_size=3)) == [3]
    assert group(texts, min_size=4) == []
    single = group([(1, ENGLISH)], min_size=1)
    assert sizes(single) == [1] and single[0].min_similarity == 1.0


def campaign_in(text: str, variants: list[str], seed: int) -> list[tuple[str, str]]:
    texts = [(f"c{i}", v) for i, v in enumerate(variants)]
    texts += [(f"u{i}", shuffled(text, seed + i)) for i in range(6)]
    random.Random(seed).shuffle(texts)
    return texts


def test_arabic_campaign_with_harakat_tatweel_and_digits():
    def harakat(text):
        return text.replace("نطالب", "نُطَالِبُ").replace("مفتوحا", "مفتوحاً")

    variants = [
        ARABIC,
        harakat(ARABIC),
        ARABIC.replace("المساء", "المســاء"),  # tatweel
        ARABIC + " ٢٠٢٤",  # Arabic-Indic digits ...
        ARABIC + " 2024",  # ... same as ASCII
        ARABIC + " شكرا لكم",  # a near-duplicate
    ]
    [campaign] = group(campaign_in(ARABIC, variants, 1))
    assert campaign.size == 6
    assert campaign.exact_count == 3 and campaign.distinct_texts == 3
    assert normalise(variants[3]) == normalise(variants[4])


def test_ukrainian_campaign_with_apostrophes():
    variants = [
        UKRAINIAN,
        UKRAINIAN.replace("п'яти", "пʼяти"),
        UKRAINIAN.replace("п'яти", "п’яти").upper(),
        UKRAINIAN.replace("Дякуємо за увагу.", "Дякуємо."),
        UKRAINIAN + " Олена Шевченко, Львів.",
    ]
    [campaign] = group(campaign_in(UKRAINIAN, variants, 2))
    assert campaign.size == 5 and campaign.exact_count == 3
    assert {m for m in campaign.member_ids} == {f"c{i}" for i in range(5)}


def test_tigrinya_campaign_with_ethiopic_punctuation():
    variants = [
        TIGRINYA,
        TIGRINYA.replace("፡ ", " "),  # Ethiopic word space dropped
        TIGRINYA.replace("። ", " ። "),
        TIGRINYA + " ኣብርሃም ካብ ኣስመራ።",  # a name and a town added
    ]
    [campaign] = group(campaign_in(TIGRINYA, variants, 3))
    assert campaign.size == 4 and campaign.exact_count == 3


def test_mixed_script_campaign():
    variants = [MIXED, MIXED.replace("2024", "٢٠٢٤"), MIXED + " Дякуємо.", MIXED + " شكرا"]
    [campaign] = group(campaign_in(MIXED, variants, 4))
    assert campaign.size == 4 and campaign.exact_count == 2


def test_text_without_spaces_uses_character_shingles():
    variants = [CHINESE, CHINESE.replace("，", ","), CHINESE[:-1] + "！谢谢。", CHINESE[:-1] + "。"]
    texts = [(i, v) for i, v in enumerate(variants)] + [(9, "我同意")]  # 3 characters: ignored
    [campaign] = group(texts)
    assert campaign.size == 4 and campaign.exact_count == 3


def test_threshold_edge_is_inclusive():
    # 18 distinct words: 16 word 3-grams; 4 words appended: 20. Jaccard = 16 / 20 = 0.8.
    words = [f"w{i:02d}" for i in range(22)]
    a, b = " ".join(words[:18]), " ".join(words)
    for seed in range(5):
        [pair] = group([(1, a), (2, b)], threshold=0.8, seed=seed)
        assert pair.min_similarity == 0.8
        assert group([(1, a), (2, b)], threshold=0.81, seed=seed) == []


def test_minhash_collisions_never_make_a_group(monkeypatch):
    """Every text lands in every LSH bucket; only the exact Jaccard check separates them."""
    monkeypatch.setattr(
        campaigns._Sketcher,
        "_band_keys",
        lambda self, signatures: np.zeros((signatures.shape[1], self.bands), np.uint64),
    )
    rng = random.Random(3)
    texts = [(i, random_text(rng)) for i in range(40)] + [(100, ENGLISH), (101, ENGLISH + " Ok.")]
    [campaign] = group(texts)
    assert campaign.member_ids == (100, 101)


def test_one_hash_function_proposes_false_pairs_that_are_rejected(monkeypatch):
    # With num_perm=1 a pair with Jaccard 0.64 is an LSH candidate with probability 0.64.
    verified = []
    jaccard = campaigns._jaccard
    monkeypatch.setattr(
        campaigns, "_jaccard", lambda *args: verified.append(jaccard(*args)) or verified[-1]
    )
    half = " ".join(ENGLISH.split()[:40])
    other = half + " " + random_text(random.Random(1), 18)
    for seed in range(10):
        assert group([(1, half + " tail end here"), (2, other)], num_perm=1, seed=seed) == []
    assert len(verified) >= 5  # proposed by MinHash, rejected by the exact check
    assert all(0.6 < v[0] < 0.7 for v in verified)


def test_empty_input():
    assert group([]) == []
    assert group(iter(())) == []
    assert group([(1, ""), (2, "   "), (3, "!!!")]) == []


def test_rejects_bad_parameters():
    with pytest.raises(ValueError):
        group([], threshold=0)
    with pytest.raises(ValueError):
        group([], threshold=1.5)
    with pytest.raises(ValueError):
        group([], min_size=0)


def dataset(seed: int) -> list[tuple[int, str]]:
    rng = random.Random(seed)
    texts = [ENGLISH] * 30 + [ENGLISH + f" Signed {random_text(rng, 2)}." for _ in range(20)]
    texts += [UKRAINIAN] * 10 + [random_text(rng) for _ in range(100)] + ["yes"] * 20
    rng.shuffle(texts)
    return list(enumerate(texts))


def test_deterministic_and_independent_of_batching_and_streaming(monkeypatch):
    data = dataset(5)
    first = group(data, seed=3)
    assert sizes(first) == [50, 10]
    assert group(data, seed=3) == first
    assert group(iter(data), seed=3) == first
    monkeypatch.setattr(campaigns, "_BATCH_CHARS", 300)  # a few texts per batch
    assert group((pair for pair in data), seed=3) == first


def test_clear_campaigns_do_not_depend_on_the_seed():
    data = dataset(6)
    results = [group(data, seed=seed) for seed in (0, 1, 2)]
    assert results[0] == results[1] == results[2]


def test_ids_of_any_hashable_type():
    texts = [("b", ENGLISH), (2, ENGLISH), (("x", 1), ENGLISH)]
    [campaign] = group(texts)
    assert campaign.member_ids == ("b", 2, ("x", 1))
    assert campaign.id in campaign.member_ids


TEMPLATES = [ENGLISH, UKRAINIAN, ARABIC, TIGRINYA]


@st.composite
def answers(draw):
    chosen = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["template", "edited", "noise", "short"]),
                st.integers(0, len(TEMPLATES) - 1),
                st.integers(0, 10**6),
            ),
            max_size=40,
        )
    )
    texts = []
    for kind, t, number in chosen:
        template = TEMPLATES[t]
        if kind == "template":
            texts.append(template if number % 2 else template.upper() + " !")
        elif kind == "edited":
            texts.append(template + f" {number}")
        elif kind == "noise":
            texts.append(random_text(random.Random(number), 30))
        else:
            texts.append(str(number))
    return list(enumerate(texts))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers(), st.integers(1, 4))
def test_groups_are_a_consistent_partition(texts, min_size):
    groups = group(texts, min_size=min_size)
    seen = set()
    by_key: dict[str, set] = {}
    for campaign in groups:
        assert campaign.size == len(campaign.member_ids) >= min_size
        assert 1 <= campaign.exact_count <= campaign.size
        assert 1 <= campaign.distinct_texts <= campaign.size - campaign.exact_count + 1
        assert 0.0 <= campaign.min_similarity <= 1.0
        assert campaign.id == min(campaign.member_ids)
        assert seen.isdisjoint(campaign.member_ids)
        seen.update(campaign.member_ids)
        for member in campaign.member_ids:
            by_key.setdefault(fingerprint(texts[member][1]), set()).add(campaign.id)
    # Exact copies never split between groups, and enough of them always form one.
    assert all(len(ids) == 1 for ids in by_key.values())
    counts: dict[str, int] = {}
    for _, text in texts:
        if len(normalise(text).split()) >= 5:
            counts[fingerprint(text)] = counts.get(fingerprint(text), 0) + 1
    for key, count in counts.items():
        if count >= min_size:
            assert key in by_key
    assert [g.size for g in groups] == sorted((g.size for g in groups), reverse=True)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sets(st.integers(0, 2**32 - 1) | st.integers(0, 40), min_size=1), min_size=1),
    st.data(),
)
def test_exact_jaccard_matches_python_sets(sets, data):
    indptr = np.r_[0, np.cumsum([len(s) for s in sets])]
    shingles = np.concatenate([np.array(sorted(s), np.uint32) for s in sets])
    index = st.integers(0, len(sets) - 1)
    pairs = data.draw(st.lists(st.tuples(index, index), min_size=1, max_size=30))
    a, b = (np.array(side) for side in zip(*pairs, strict=True))
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(campaigns, "_VERIFY_ELEMENTS", data.draw(st.sampled_from([1, 7, 1 << 19])))
    try:
        got = campaigns._jaccard(indptr, shingles, a, b)
    finally:
        monkeypatch.undo()
    expected = [len(sets[i] & sets[j]) / len(sets[i] | sets[j]) for i, j in pairs]
    assert got.tolist() == expected


# --- robust to a word or two changed (the edit check) -----------------------------------------

LETTER_21 = (
    "We ask the council to keep the centre open in the evenings because families need one "
    "place to learn and meet"
)
LETTER_30 = LETTER_21 + " after work and school with the help of volunteers"
ARABIC_21 = " ".join(ARABIC.split()[:21])
UKRAINIAN_30 = " ".join(UKRAINIAN.split()[:30])


def replaced(text: str, position: int, word: str) -> str:
    words = text.split()
    words[position] = word
    return " ".join(words)


def inserted_and_deleted(text: str, insert_at: int, word: str, delete_at: int) -> str:
    words = text.split()
    words.insert(insert_at, word)
    del words[delete_at]
    return " ".join(words)


def test_one_synonym_in_half_of_a_40_answer_campaign_keeps_one_group():
    assert len(LETTER_21.split()) == 21
    synonym = LETTER_21.replace("evenings", "nights")
    texts = [(i, LETTER_21 if i % 2 else synonym) for i in range(40)]
    texts += [(100 + i, shuffled(LETTER_21, i)) for i in range(5)]
    [campaign] = group(texts)
    assert campaign.size == 40 and campaign.distinct_texts == 2
    assert campaign.member_ids == tuple(range(40))
    # Word 3-grams alone: 16 shared of 22, Jaccard 0.727 < 0.8 (the letter split in two).
    assert sizes(group(texts, max_edits=0)) == [20, 20]
    assert campaign.min_similarity == pytest.approx(20 / 21)


def test_synonyms_at_different_places_chain_into_one_campaign():
    words = ["nights", "group", "room", "study", "gather"]
    variants = [replaced(LETTER_21, p, w) for p, w in zip([11, 7, 10, 17, 19], words, strict=True)]
    texts = [(i, variants[i % 5]) for i in range(40)]  # no copy of the template at all
    [campaign] = group(texts)
    assert campaign.size == 40 and campaign.distinct_texts == 5


def test_two_words_changed_in_a_30_word_letter_stay_one_group():
    assert len(LETTER_30.split()) == 30
    two = replaced(replaced(LETTER_30, 3, "city"), 22, "adults")
    texts = [(i, LETTER_30) for i in range(4)] + [(10, two), (11, two)]
    [campaign] = group(texts)
    assert campaign.size == 6 and campaign.min_similarity == pytest.approx(28 / 30)


def test_an_inserted_and_a_deleted_word_stay_one_group():
    edited = inserted_and_deleted(LETTER_30, 5, "really", 25)
    assert len(edited.split()) == 30 and edited != LETTER_30
    [campaign] = group([(1, LETTER_30), (2, LETTER_30), (3, edited)])
    assert campaign.size == 3
    shorter = inserted_and_deleted(LETTER_21, 0, "Please", 12)  # insert at the start
    longer = " ".join(LETTER_21.split()[:-1])  # the last word dropped
    assert sizes(group([(1, LETTER_21), (2, shorter), (3, longer)])) == [3]


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        (ARABIC_21, "الأسبوع", "الأسر"),
        (UKRAINIAN_30, "ввечері", "сім'ї"),
        (" ".join(TIGRINYA.split()[:24]), "ቤት", "ስድራ"),
    ],
    ids=["arabic", "ukrainian", "tigrinya"],
)
def test_edited_letters_in_arabic_ukrainian_and_tigrinya(text, first, second):
    one = replaced(text, 10, first)
    two = replaced(replaced(text, 4, first), 15, second)
    moved = inserted_and_deleted(text, 2, second, 19)
    texts = [(i, text) for i in range(10)] + [(20, one), (21, two), (22, moved)]
    texts += [(30 + i, shuffled(text, i)) for i in range(4)]
    [campaign] = group(texts)
    assert set(campaign.member_ids) == {*range(10), 20, 21, 22}


def test_characters_changed_in_text_without_spaces():
    one_word = CHINESE.replace("社区中心", "活动中心")  # one word: 2 characters
    two_words = CHINESE.replace("晚上", "周末").replace("住房", "医疗")  # four characters
    texts = [(i, CHINESE) for i in range(3)] + [(10, one_word), (11, two_words)]
    [campaign] = group(texts)
    assert campaign.size == 5
    # Five characters changed in 70 are more than the four allowed, and than 5-grams survive.
    far = CHINESE.replace("晚上", "周末").replace("志愿者", "老师")
    assert group([(1, CHINESE), (2, far)]) == []


def test_three_words_changed_in_a_21_word_letter_are_not_a_campaign():
    three = replaced(replaced(replaced(LETTER_21, 2, "mayor"), 9, "library"), 18, "read")
    assert group([(1, LETTER_21), (2, three)]) == []
    short = "Please keep the library open on Sundays for the children of the town"  # 13 words
    assert sizes(group([(1, short), (2, replaced(replaced(short, 2, "our"), 9, "all"))])) == [2]
    eleven = " ".join(short.split()[:11])  # one edit per six words: one, not two
    assert group([(1, eleven), (2, replaced(replaced(eleven, 2, "our"), 9, "all"))]) == []


def same_topic_answers(count: int, seed: int) -> list[tuple[int, str]]:
    """Answers that share their opening and many words, written independently."""
    rng = random.Random(seed)
    openings = [
        "housing is too expensive for",
        "the rent in this city is too high for",
        "we cannot find a flat because it is too expensive for",
    ]
    who = ["families", "students", "young people", "refugees", "workers", "pensioners"]
    words = (
        "the rent prices rise every year and landlords ask for deposits contracts guarantees "
        "documents salaries jobs we earn too little to pay for a small flat near work school "
        "children need rooms the council should build more social housing and control rents"
    ).split()
    answers = []
    for i in range(count):
        tail = rng.sample(words, rng.randint(10, 22))
        answers.append((i, f"{rng.choice(openings)} {rng.choice(who)} " + " ".join(tail)))
    return answers


def test_distinct_answers_on_one_topic_are_not_grouped():
    answers = same_topic_answers(40, 11)
    assert len({normalise(t) for _, t in answers}) == 40
    assert group(answers) == []
    assert group(answers, min_words=1) == []


def test_edit_check_is_deterministic_and_independent_of_batching(monkeypatch):
    synonym = LETTER_21.replace("evenings", "nights")
    data = [(i, LETTER_21 if i % 3 else synonym) for i in range(30)]
    data += same_topic_answers(60, 3)
    data = [(1000 + k, t) for k, (_, t) in enumerate(data)]
    random.Random(4).shuffle(data)
    first = group(data)
    assert sizes(first) == [30]
    assert group(data) == first and group(iter(data), seed=7) == first
    monkeypatch.setattr(campaigns, "_BATCH_CHARS", 200)
    monkeypatch.setattr(campaigns, "_EDIT_CHUNK", 3)
    monkeypatch.setattr(campaigns, "_EDIT_PAIRS", 2)
    assert group(data) == first


def levenshtein(a, b) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, start=1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 4), max_size=14), min_size=1, max_size=12),
    st.integers(1, 4),
    st.data(),
)
def test_banded_edit_distance_matches_levenshtein(sequences, band, data):
    indptr = np.r_[0, np.cumsum([len(s) for s in sequences])]
    tokens = np.array([t for s in sequences for t in s], np.uint32)
    index = st.integers(0, len(sequences) - 1)
    pairs = data.draw(st.lists(st.tuples(index, index), min_size=1, max_size=20))
    a, b = (np.array(side) for side in zip(*pairs, strict=True))
    got = campaigns._edit_distances(indptr, tokens, a, b, band)
    expected = [min(levenshtein(sequences[i], sequences[j]), band + 1) for i, j in pairs]
    assert got.tolist() == expected


@settings(max_examples=40, deadline=None)
@given(
    st.integers(12, 70), st.lists(st.tuples(st.sampled_from("sid"), st.floats(0, 1)), max_size=2)
)
def test_a_word_or_two_changed_is_always_found(length, edits):
    """The pigeonhole filter misses no pair within the allowed edits, wherever they are."""
    rng = random.Random(length)
    words = random_text(rng, length).split()
    edited = list(words)
    for kind, where in edits:
        position = min(int(where * len(edited)), len(edited) - 1)
        if kind == "s":
            edited[position] = "zzzz"
        elif kind == "i":
            edited.insert(position, "yyyy")
        else:
            del edited[position]
    # One edit per six words of the shorter text: a deletion can take the allowance below two.
    assume(len(edits) <= min(len(words), len(edited)) // 6)
    assert sizes(group([(1, " ".join(words)), (2, " ".join(edited))])) == [2]
