"""Pure analysis of submitted answers: no Django, plain data in and out.

* :mod:`.campaigns` - text normalisation, exact fingerprints, and grouping of campaign and
  near-duplicate answers (MinHash with LSH banding, verified by exact Jaccard similarity).
"""

from .campaigns import CampaignGroup, fingerprint, group, normalise

__all__ = ["CampaignGroup", "fingerprint", "group", "normalise"]
