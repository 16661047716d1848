"""A corpus of hostile files, each with the refusal it must get, generated at test time (some weigh 200 MB).

``corpus.CORPUS`` lists them; ``probe`` reads one in a fresh interpreter and reports the outcome and the peak
memory; ``python -m vigie.campaigns.tests.hostile`` runs them all and prints the table of docs/security.md.
"""
