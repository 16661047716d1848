"""Record linkage for French health identities: which of my patients are in a leaked file?

No Django, no database, no clock, no I/O (the caller reads the files). RapidFuzz gives the string distances;
the rest is the model (:mod:`.compare`), the normalisation of French identity traits on top of
:mod:`vigie.identity` (:mod:`.traits`) and the blocking and decision (:mod:`.matcher`). :mod:`.blocking` makes
the same blocking keys for whole files with Polars and joins them, so that only the leaked rows sharing a key
with a patient are compared in Python.

    from vigie.linkage import traits, match
    patients = [traits(2, birth_name="Lefèvre", given_names="Hélène", birth_date="03/04/1970", sex="F")]
    leaked = [traits(2, birth_name="LEFEVRE", given_names="helene", birth_date="04/03/1970")]
    [result] = match(patients, leaked)
    result.decision, result.score, result.evidence      # "match", 0.99…, (Evidence("family_name", …), …)

Accuracy and speed are measured against Splink in ``bench/bench_leaks.py`` (figures in docs/benchmarks.md).
"""

from .compare import TRAITS, U_DEFAULT, Evidence, Frequencies, M, Weights, compare, weights_for
from .matcher import MAX_BLOCK, Matcher, Result, Thresholds, counts, leak_keys, match, patient_keys
from .traits import Traits, postcode_of, traits

__all__ = [
    "M",
    "MAX_BLOCK",
    "TRAITS",
    "U_DEFAULT",
    "Evidence",
    "Frequencies",
    "Matcher",
    "Result",
    "Thresholds",
    "Traits",
    "Weights",
    "compare",
    "counts",
    "leak_keys",
    "match",
    "patient_keys",
    "postcode_of",
    "traits",
    "weights_for",
]
