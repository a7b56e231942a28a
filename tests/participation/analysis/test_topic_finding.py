"""participation.analysis.topics: known topics recovered in four languages and scripts,
campaigns counting once, and the bad inputs of issue 19 finishing with what was skipped."""

import time
from collections import Counter

from participation.analysis.topics import REASONS, find_topics
from tests.participation.analysis.topics_data import multilingual_answers


def _run(answers, **options):
    return find_topics(
        [(i, text) for i, text, *_ in answers],
        languages={i: language for i, _text, language, _topic in answers},
        **options,
    )


def test_topics_recovers_housing_work_and_school_in_four_languages():
    answers = multilingual_answers()
    truth = {i: (language, topic) for i, _text, language, topic in answers}
    result = _run(answers)
    assert result.answers == 120 and result.skipped == {}
    # Every topic holds one known topic of one language (the words of two languages do not
    # overlap: an editor merges "housing" and "logement").
    for topic in result.topics:
        pairs = Counter(truth[m] for m in topic.member_ids)
        (language, _known), most = pairs.most_common(1)[0]
        assert most / topic.size >= 0.9, (topic.terms, pairs)
        assert topic.language == language and topic.languages == {language: topic.size}
        assert 3 <= len(topic.representative_ids) <= 5
        assert set(topic.representative_ids) <= set(topic.member_ids)
        assert topic.terms and topic.label
    # ... and every known topic of every language is found: most of its answers are in topics
    # that are mostly about it.
    majority = {}
    for topic in result.topics:
        pair = Counter(truth[m] for m in topic.member_ids).most_common(1)[0][0]
        for member in topic.member_ids:
            majority[member] = pair
    for pair in set(truth.values()):
        members = [i for i, known in truth.items() if known == pair]
        assert sum(majority.get(i) == pair for i in members) >= 8, pair
    assert 12 <= len(result.topics) <= 14
    assert sum(topic.size for topic in result.topics) == 120


def test_topics_are_the_same_for_the_same_input():
    answers = multilingual_answers()
    assert _run(answers) == _run(answers)


def test_topics_count_a_campaign_once_and_show_its_size():
    answers = multilingual_answers()
    letter = "Rent is too high: the city must build social housing for families now, please."
    campaign = [(f"c{n}", letter + " " * (n % 3), "en", "housing") for n in range(40)]
    result = _run(answers + campaign, campaigns=[[i for i, *_ in campaign]])
    holding = [t for t in result.topics if "c0" in t.member_ids]
    assert len(holding) == 1
    topic = holding[0]
    assert topic.campaigns == (("c0", 40),)
    assert topic.size - topic.units == 39  # 40 answers, one unit
    # The campaign did not swamp the English topics: still one per known topic.
    english = [t for t in result.topics if t.language == "en"]
    assert 3 <= len(english) <= 5


def test_topics_split_in_two_on_request():
    answers = [a for a in multilingual_answers() if a[2] == "fr" and a[3] in ("work", "school")]
    result = _run(answers, n_topics=2, per_language=False)
    assert len(result.topics) == 2
    for topic in result.topics:
        known = Counter(a[3] for a in answers if a[0] in topic.member_ids)
        assert known.most_common(1)[0][1] / topic.size >= 0.9


def test_topics_bad_inputs_finish_and_say_what_was_skipped():
    answers = multilingual_answers()
    bad = [
        ("empty", "", "", ""),
        ("blank", "   \n ", "", ""),
        ("emoji", "🙂", "", ""),
        ("repeated", "housing " * 625, "en", ""),  # 5,000 characters of one word
        ("mixed", "Housing жильё السكن rent оренда إيجار flat квартира شقة", "", ""),
    ]
    same = [(f"same{n}", "The rent is too high.", "en", "") for n in range(100_000)]
    started = time.perf_counter()
    progress = []
    result = _run(answers + bad + same, progress=progress.append)
    assert time.perf_counter() - started < 15
    assert result.answers == 120 + len(bad) + 100_000
    assert result.skipped["empty"] == ("empty", "blank")
    assert result.skipped["no_words"] == ("emoji",)
    assert result.skipped["one_word"] == ("repeated",)
    assert set(result.skipped) <= set(REASONS)
    placed = {m for topic in result.topics for m in topic.member_ids}
    # 100,000 identical answers are one unit: in a topic, counted once in the fit.
    assert {f"same{n}" for n in range(100_000)} <= placed
    assert "mixed" in placed or "mixed" in {i for ids in result.skipped.values() for i in ids}
    assert progress == sorted(progress) and progress[-1] == 1.0


def test_topics_too_few_answers_are_skipped_with_a_note():
    result = find_topics([(1, "Rent is far too high here."), (2, "Schools need interpreters.")])
    assert result.topics == ()
    assert result.skipped == {"too_few": (1, 2)}
    assert "fewer than" in result.notes[0]
    assert find_topics([]).topics == ()
