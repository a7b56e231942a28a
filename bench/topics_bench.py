"""Benchmark of the topics of free-text answers (participation.analysis.topics).

Run from the repository root:  python bench/topics_bench.py [--sizes 10000,100000]
(``rows()`` gives the rows to bench/run_bench.py, ``make bench``).

Data (fixed seed): answers of about 300 characters in 16 languages (the sentences of
bench/languages_bench.py: Latin, Cyrillic, Arabic and Ethiopic scripts), each on one of three
known topics (diplomas, language courses, housing): the words of its topic's sentence,
shuffled, repeated to ~300 characters, with one word in five taken from the language's other
two sentences, so that no two answers are the same text and topics overlap a little.

Every measurement runs in a fresh process (one per size and method), which reports its wall
time (the best of three up to 10,000 answers, where a second of noise from other work on the
machine weighs most) and the growth of its peak resident set (VmHWM) over what the imports
and the data took.

* ``time`` - :func:`find_topics` (normalisation, grouping per language, word and character
  n-gram TF-IDF, NMF, merging, terms and representatives) against a plain scikit-learn
  pipeline on the same texts: ``TfidfVectorizer()`` then ``NMF`` with as many components as
  we found topics (same init, tolerance and iterations as ours). Targets (issue 19): at most
  1.5x its time, under 2 minutes at 100,000 answers.
* ``memory`` - peak RSS growth; target under 1 GB.
* ``right`` - answers in a topic most of whose answers share their language and known topic.
* ``growth`` - the time at 10x the answers over the time at 1x.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from bench_table import growth_rows, make_row, render  # noqa: E402
from languages_bench import SENTENCES  # noqa: E402


def answers(n: int, seed: int = 19) -> tuple[list[str], list[str], list[tuple[str, int]]]:
    """``n`` texts of ~300 characters, their languages and (language, topic) pairs."""
    rng = random.Random(seed)
    codes = sorted(SENTENCES)
    texts, languages, truth = [], [], []
    for _ in range(n):
        code = rng.choice(codes)
        topic = rng.randrange(3)
        own = SENTENCES[code][topic].split()
        others = [w for i, s in enumerate(SENTENCES[code]) if i != topic for w in s.split()]
        words = []
        while sum(map(len, words)) + len(words) < 300:
            words.append(rng.choice(others) if rng.random() < 0.2 else rng.choice(own))
        texts.append(" ".join(words))
        languages.append(code)
        truth.append((code, topic))
    return texts, languages, truth


def memory_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field))


def reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # resets VmHWM to the current resident set
    except OSError:
        pass


def ours(texts, languages, _k) -> dict:
    from participation.analysis.topics import find_topics

    result = find_topics(enumerate(texts), languages=dict(enumerate(languages)))
    return {"topics": len(result.topics), "members": [list(t.member_ids) for t in result.topics]}


def baseline(texts, _languages, k) -> dict:
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer().fit_transform(texts)
    NMF(n_components=k, init="nndsvda", random_state=0, max_iter=200, tol=1e-3).fit(matrix)
    return {"topics": k}


def child(method: str, n: int, k: int) -> None:
    """In a fresh process: time and peak RSS growth of one method on ``n`` answers."""
    import sklearn.decomposition  # noqa: F401 - imports are not the method's memory
    import sklearn.feature_extraction.text  # noqa: F401

    from participation.analysis.topics import find_topics

    find_topics([(i, t) for i, t in enumerate(answers(50, seed=3)[0])])  # warm-up
    texts, languages, truth = answers(n)
    reset_peak()
    before = memory_kb("VmRSS")
    seconds = float("inf")
    for _ in range(3 if n <= 10_000 else 1):  # the best of three where it is short (noise)
        started = time.perf_counter()
        found = (ours if method == "ours" else baseline)(texts, languages, k)
        seconds = min(seconds, time.perf_counter() - started)
    grown = (memory_kb("VmHWM") - before) / 1024
    right = None
    if method == "ours":
        right = 0
        for members in found["members"]:
            counts = Counter(truth[m] for m in members)
            right += counts.most_common(1)[0][1]
    sys.stdout.write(
        json.dumps({"s": seconds, "mb": grown, "topics": found["topics"], "right": right}) + "\n"
    )


def measure(method: str, n: int, k: int = 0) -> dict:
    command = [sys.executable, __file__, "--child", method, str(n), str(k)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def say(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def rows(sizes=(10_000, 100_000)) -> list[dict]:
    table, ours_times, base_times = [], [], []
    for n in sizes:
        mine = measure("ours", n)
        base = measure("baseline", n, mine["topics"])
        say(f"  topics {n:,}: {mine} / baseline {base}")
        ours_times.append(mine["s"])
        base_times.append(base["s"])
        table.append(
            make_row(
                f"topics of {n:,} answers of ~300 characters in 16 languages (baseline: "
                f"TfidfVectorizer + NMF, {mine['topics']} components)",
                mine["s"],
                base["s"],
                "s",
                # The target is for 100,000 answers, judged there only (so not in
                # --quick): at 10,000 the fixed costs of 16 language groups weigh more and the
                # ratio moves between runs (0.83x-1.59x).
                target=("<=", 1.5) if n == 100_000 else None,
                on="ratio",
            )
        )
        table.append(
            make_row(
                f"topics of {n:,} answers, wall time", mine["s"], base["s"], "s", target=("<", 120)
            )
        )
        table.append(
            make_row(
                f"topics of {n:,} answers, RSS peak growth (fresh process)",
                mine["mb"],
                base["mb"],
                "MB",
                target=("<", 1024),
            )
        )
        table.append(
            make_row(
                f"answers of {n:,} in a topic of their own language and known topic "
                f"({mine['topics']} topics for 16 x 3 known)",
                mine["right"],
                n,
                "answers",
                target=(">=", 0.95),
                on="ratio",
                target_text=">= 95 %",
            )
        )
    labels = [f"{n:,}" for n in sizes]
    return table + growth_rows("topics time", labels, ours_times, base_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        method, n, k = arguments.child
        child(method, int(n), int(k))
        return
    sys.stdout.write(render(rows([int(s) for s in arguments.sizes.split(",")])) + "\n")


if __name__ == "__main__":
    main()
