"""Pure analysis of submitted answers: no Django, plain data in and out.

* :mod:`.campaigns` - text normalisation, exact fingerprints, and grouping of campaign and
  near-duplicate answers (MinHash with LSH banding, verified by exact Jaccard similarity; and
  texts a word or two apart, by a pigeonhole filter and a banded edit distance).
* :mod:`.topics` - topics of the answers to one open question (TF-IDF over words and character
  3-grams per language, NMF with scikit-learn), a campaign counting once.
"""

from .campaigns import CampaignGroup, fingerprint, group, normalise

__all__ = ["CampaignGroup", "fingerprint", "group", "normalise"]
