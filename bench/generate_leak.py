"""Synthetic data for the leak-matching benchmark: a lab's patient base, a leaked file, and the truth.

    python bench/generate_leak.py --patients 100000 --leak 500000 --output var/leak-100k
    → var/leak-100k/patients.csv   the controller's export (cp1252, ";", French headers, clean-ish)
      var/leak-100k/leak.csv       the published file (UTF-8, ";", a lab-results dump with its own headers)
      var/leak-100k/truth.csv      leak_line;patient_line (patient_line empty: not one of our patients)

The patient base holds every given name for 90 % of patients (the first only for the others), the birth and
the used name of married women (the used name alone for 3 % of them), the NIR for 75 %.

Deterministic for a given --seed. The leaked file mixes a share of our patients (some twice) with other
laboratories' patients drawn from the same population, including homonyms of ours (same birth name and first
given name, another birth date; some born the same year) and twins (same family name, birth date and
postcode, another first name). Every leaked row, ours or not, goes through the same defects:

- no e-mail, no address (never in the file); postcode in 60 % of rows, 8 % of people moved;
- the NIR in 35 % of rows (40 % of them without key, 30 % spaced, 2 % with a wrong digit); children's rows
  often carry the insured parent's NIR (in the base too);
- names upper case without accents (45 %), lower case (15 %), upper case with accents (10 %), as typed (30 %);
- the used name instead of the birth name for 60 % of married women, "USAGE née BIRTH" for 3 %;
- given names: the usual one (72 %; for 4 % of people with several given names it is not the first), the
  whole list (15 %), a compound name with a space (10 %), the first two (3 %);
- typos: family name 7 %, given name 6 % (substitution by a neighbouring key, deletion, insertion,
  transposition);
- first and family names swapped (3 %); day and month swapped (4 %); a mistyped date digit (1.5 %); no birth
  date (0.2 %: the birth date is what lab software files results under); dates as dd/mm/yyyy, yyyy-mm-dd or ddmmyyyy; sex missing in 15 %, wrong in 0.3 %.

The surname pool is Faker's names of several locales plus French-sounding synthetic names (about 30,000),
drawn with a Zipf law (MARTIN is frequent, most names rare), with particles (de, Le, d'), compound names and
ligatures (Œ, Æ); given names likewise, with compound ones (Jean-Pierre, Marie-Claire).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import random
import sys
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from faker import Faker

LOCALES = ("fr_FR", "fr_CA", "fr_CH", "it_IT", "es_ES", "pt_PT", "de_DE", "nl_NL", "en_GB", "en_US", "es_MX")
SYLLABLES = [
    "ber",
    "bou",
    "bru",
    "cha",
    "che",
    "clo",
    "cou",
    "dau",
    "del",
    "dou",
    "fau",
    "fon",
    "gau",
    "gre",
    "gui",
    "her",
    "jou",
    "lam",
    "lar",
    "leb",
    "lec",
    "ler",
    "mal",
    "mar",
    "mau",
    "mer",
    "mon",
    "nau",
    "pel",
    "per",
    "pou",
    "qué",
    "rab",
    "reb",
    "rou",
    "sau",
    "ser",
    "tal",
    "tes",
    "tho",
    "val",
    "ven",
    "vil",
    "mo",
    "ri",
    "la",
    "ne",
    "to",
    "ra",
    "li",
    "ge",
    "bo",
    "du",
    "fa",
    "ve",
    "gi",
    "ro",
    "cu",
    "po",
    "ma",
    "ne",
]
ENDINGS = [
    "and",
    "ard",
    "aud",
    "eau",
    "el",
    "elle",
    "er",
    "et",
    "ette",
    "ier",
    "in",
    "ot",
    "oux",
    "ou",
    "ac",
    "ec",
    "ic",
    "y",
    "é",
    "ès",
    "ois",
    "on",
    "eix",
]
PARTICLE_NAMES = ["de la Fontaine", "Le Goff", "d'Arc", "N'Diaye", "de Saint-Exupéry", "Le Bihan", "d'Harcourt",
                  "de Villèle", "Lœuillet", "Cœurdevey", "Æbischer", "Saint-Jean", "Du Pont", "L'Hermite",
                  "Van der Berg", "Da Costa", "Le Cœur", "de l'Isle", "Mac Æthel", "Berthelot-Lœb"]  # fmt: skip
HEADER_PATIENTS = ["Nom de naissance", "Nom d'usage", "Prénoms", "Sexe", "Date de naissance",
                   "N° sécurité sociale", "Adresse", "Code postal", "Ville", "Téléphone", "Email"]  # fmt: skip
HEADER_LEAK = ["id_dossier", "nom", "prenom", "ddn", "sexe", "nss", "cp", "examen", "resultat", "date_prelevement"]
EXAMS = [("NFS", "normal"), ("Glycémie", "1,12 g/L"), ("TSH", "2,1 mUI/L"), ("HbA1c", "6,8 %"),
         ("Sérologie VIH", "négatif"), ("Ferritine", "35 µg/L"), ("Créatinine", "9 mg/L"), ("PSA", "1,2 ng/mL"),
         ("Test de grossesse", "positif"), ("Sérologie hépatite C", "positif")]  # fmt: skip
KEYBOARD = "azertyuiop qsdfghjklm wxcvbn"
TODAY = date(2026, 1, 1)


def unaccent(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def nir_key(nir13: str) -> str:
    number = int(nir13[:5] + {"2A": "19", "2B": "18"}.get(nir13[5:7], nir13[5:7]) + nir13[7:])
    return f"{97 - number % 97:02d}"


class Zipf:
    """Draws from ``items`` with probability ∝ 1 / rank^s."""

    def __init__(self, items: list[str], s: float = 1.0) -> None:
        self.items = items
        self.cumulative = list(itertools.accumulate(1 / (rank**s) for rank in range(1, len(items) + 1)))

    def __call__(self, rng: random.Random) -> str:
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _unique(values: list[str]) -> list[str]:
    """Distinct names that a French practice's software can hold (cp1252), in order."""
    return list(dict.fromkeys(value for value in values if value and len(value) > 1 and _cp1252(value)))


def _cp1252(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


class Pools:
    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        last: list[str] = []
        female: list[str] = []
        male: list[str] = []
        for locale in LOCALES:
            provider = Faker(locale)
            provider.seed_instance(seed)
            people = provider.provider("faker.providers.person")
            last += list(getattr(people, "last_names", []))
            female += list(getattr(people, "first_names_female", []))
            male += list(getattr(people, "first_names_male", []))
        french = _unique(list(Faker("fr_FR").provider("faker.providers.person").last_names))
        synthetic = set()
        while len(synthetic) < 25_000:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3)))) + rng.choice(ENDINGS)
            synthetic.add(word.capitalize())
        others = _unique(last + sorted(synthetic))
        rng.shuffle(others)
        names = _unique(french + PARTICLE_NAMES + others)
        # French names first (most frequent), the rest in random order; a few compound names.
        self.surnames = Zipf(names, 0.55)
        self.female = Zipf(self._compounds(_unique(female), rng, ["Marie", "Anne"]), 0.6)
        self.male = Zipf(self._compounds(_unique(male), rng, ["Jean", "Pierre"]), 0.6)
        self.postcodes_here = [f"59{n:03d}" for n in rng.sample(range(0, 1000), 40)]
        self.postcodes_anywhere = [f"{d:02d}{n:03d}" for d in range(1, 96) for n in range(0, 1000, 37)]

    @staticmethod
    def _compounds(names: list[str], rng: random.Random, heads: list[str]) -> list[str]:
        names = list(names)
        rng.shuffle(names)
        french_first = names[:120]
        compounds = [f"{rng.choice(heads)}-{rng.choice(french_first)}" for _ in range(60)]
        out = names[:40] + _unique(compounds) + names[40:]
        return out


@dataclass
class Person:
    birth_name: str
    usage_name: str
    givens: list[str]
    usual: int  # index of the usual first name in givens
    sex: str
    born: date
    nir: str  # own NIR, 15 characters
    nir_written: str  # what the records hold: own NIR or the insured parent's
    postcode: str


def make_nir(rng: random.Random, sex: str, born: date) -> str:
    dept = rng.choice([59, 59, 59, 62, 75, 80, 2, 60, 99, 13, 69])
    place = f"{dept:02d}{rng.randint(1, 600):03d}" if dept != 99 else "99" + rng.choice(["350", "352", "134"])
    body = f"{'1' if sex == 'M' else '2'}{born.year % 100:02d}{born.month:02d}{place}{rng.randint(1, 999):03d}"
    return body + nir_key(body)


def make_person(rng: random.Random, pools: Pools, *, local: bool, parents: list[Person]) -> Person:
    sex = rng.choice("FM")
    age_days = int(rng.triangular(0, 100, 45) * 365.25)
    born = TODAY - timedelta(days=age_days)
    birth = pools.surnames(rng)
    draw = pools.female if sex == "F" else pools.male
    givens = [draw(rng)]
    while rng.random() < 0.4 and len(givens) < 4:
        givens.append(draw(rng))
    usage = ""
    if sex == "F" and born.year < TODAY.year - 22 and rng.random() < 0.45:
        usage = pools.surnames(rng)
    nir = make_nir(rng, sex, born)
    written = nir
    if born.year > TODAY.year - 20 and parents and rng.random() < 0.5:
        parent = rng.choice(parents)
        written = parent.nir
        birth = parent.usage_name or parent.birth_name if rng.random() < 0.2 else parent.birth_name
    postcode = rng.choice(pools.postcodes_here) if local or rng.random() < 0.5 else rng.choice(pools.postcodes_anywhere)
    usual = 1 if len(givens) > 1 and rng.random() < 0.04 else 0
    return Person(birth, usage, givens, usual, sex, born, nir, written, postcode)


def typo(text: str, rng: random.Random) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    kind = rng.randrange(4)
    if kind == 0:
        c = text[i].lower()
        row = next((r for r in KEYBOARD.split() if c in r), "")
        j = row.index(c) if row else -1
        if row and j >= 0:
            neighbour = row[j + rng.choice((-1, 1))] if 0 < j < len(row) - 1 else row[j - 1 if j else 1]
            return text[:i] + (neighbour.upper() if text[i].isupper() else neighbour) + text[i + 1 :]
        return text[:i] + "e" + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    if i < len(text) - 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:-1]


def write_case(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return unaccent(text).upper()
    if roll < 0.60:
        return unaccent(text).lower()
    if roll < 0.70:
        return text.upper()
    return text


def write_date(born: date, rng: random.Random, *, swapped: bool, digit_typo: bool) -> str:
    day, month, year = f"{born.day:02d}", f"{born.month:02d}", f"{born.year:04d}"
    if swapped and day != month:
        day, month = month, day
    roll = rng.random()
    text = f"{day}/{month}/{year}" if roll < 0.6 else f"{year}-{month}-{day}" if roll < 0.9 else day + month + year
    if digit_typo:
        positions = [i for i, c in enumerate(text) if c.isdigit()]
        i = rng.choice(positions)
        text = text[:i] + rng.choice([d for d in "0123456789" if d != text[i]]) + text[i + 1 :]
    return text


def leak_row(person: Person, rng: random.Random, pools: Pools, record: int) -> list[str]:
    name = person.birth_name
    if person.usage_name:
        roll = rng.random()
        if roll < 0.6:
            name = person.usage_name
        elif roll < 0.63:
            name = f"{person.usage_name} née {person.birth_name}"
    roll = rng.random()
    if roll < 0.72:
        given = person.givens[person.usual]
    elif roll < 0.87:
        given = " ".join(person.givens)
    elif roll < 0.97:
        given = person.givens[0].replace("-", " ")
    else:
        given = " ".join(person.givens[:2])
    if rng.random() < 0.07:
        name = typo(name, rng)
    if rng.random() < 0.06:
        given = typo(given, rng)
    name, given = write_case(name, rng), write_case(given, rng)
    if rng.random() < 0.03:
        name, given = given, name
    born = ""
    if rng.random() >= 0.002:
        born = write_date(person.born, rng, swapped=rng.random() < 0.04, digit_typo=rng.random() < 0.015)
    nir = ""
    if rng.random() < 0.35:
        nir = person.nir_written
        if rng.random() < 0.02:
            i = rng.randrange(13)
            nir = nir[:i] + str((int(nir[i]) + 1) % 10) + nir[i + 1 :] if nir[i].isdigit() else nir
        roll = rng.random()
        if roll < 0.4:
            nir = nir[:13]
        elif roll < 0.7:
            nir = " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]]).strip()
    sex = ""
    if rng.random() >= 0.15:
        sex = person.sex if rng.random() >= 0.003 else ("M" if person.sex == "F" else "F")
        sex = rng.choice({"F": ["F", "2", "f"], "M": ["M", "1", "H"]}[sex])
    postcode = ""
    if rng.random() < 0.6:
        postcode = person.postcode if rng.random() >= 0.08 else rng.choice(pools.postcodes_anywhere)
    exam, result = rng.choice(EXAMS) if rng.random() < 0.8 else ("", "")
    sampled = (TODAY - timedelta(days=rng.randint(1, 900))).isoformat()
    return [f"D{record:07d}", name, given, born, sex, nir, postcode, exam, result, sampled]


def patient_row(person: Person, rng: random.Random, streets: list[str], towns: dict[str, str]) -> list[str]:
    birth, usage = person.birth_name, person.usage_name
    if usage and rng.random() < 0.03:
        birth, usage = usage, ""  # the base only knows the used name
    givens = ", ".join(person.givens) if rng.random() < 0.9 else person.givens[0]
    nir = person.nir_written if rng.random() < 0.75 else ""
    sex = rng.choice({"F": ["F", "Mme", "Femme"], "M": ["M", "M.", "Homme"]}[person.sex])
    email = unaccent(f"{person.givens[0]}.{birth}{rng.randint(1, 99)}@exemple.fr").lower().replace(" ", "")
    email = email.replace("'", "")
    return [birth, usage, givens, sex, person.born.strftime("%d/%m/%Y"), nir, rng.choice(streets),
            person.postcode, towns.setdefault(person.postcode, "LILLE"), f"06{rng.randint(10000000, 99999999)}",
            email if rng.random() < 0.6 else ""]  # fmt: skip


def generate(patients: int, leaked: int, seed: int, output: Path, *, share: float = 0.6) -> dict[str, int]:
    rng = random.Random(seed)
    pools = Pools(seed)
    parents: list[Person] = []
    ours: list[Person] = []
    for _ in range(patients):
        person = make_person(rng, pools, local=True, parents=parents)
        ours.append(person)
        if person.born.year < TODAY.year - 25 and len(parents) < 5000:
            parents.append(person)
    streets = [f"{n} rue {w}" for n, w in zip(range(1, 400), itertools.cycle(["Nationale", "de Paris", "Solférino",
               "Gambetta", "des Postes", "du Molinel"]), strict=False)]  # fmt: skip
    towns: dict[str, str] = {}
    output.mkdir(parents=True, exist_ok=True)
    with (output / "patients.csv").open("w", encoding="cp1252", errors="replace", newline="") as file:
        writer = csv.writer(file, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER_PATIENTS)
        for person in ours:
            writer.writerow(patient_row(person, rng, streets, towns))

    # The leaked rows: a share of our patients (5 % of them twice), homonyms, twins and other people.
    rows: list[tuple[Person, int | None]] = []
    present = rng.sample(range(patients), min(patients, int(leaked * share / 1.05), int(patients * share)))
    for index in present:
        rows.append((ours[index], index))
        if rng.random() < 0.05:
            rows.append((ours[index], index))
    kinds = {"ours": len(rows), "homonyms": 0, "same_year_homonyms": 0, "twins": 0, "others": 0}
    while len(rows) < leaked:
        roll = rng.random()
        person = make_person(rng, pools, local=False, parents=parents)
        model = ours[rng.randrange(patients)]
        if roll < 0.03:
            person.birth_name, person.givens, person.sex, person.usage_name = (
                model.birth_name, [model.givens[0], *person.givens[1:]], model.sex, "")  # fmt: skip
            if rng.random() < 0.15:
                person.born = date(model.born.year, rng.randint(1, 12), rng.randint(1, 28))
                kinds["same_year_homonyms"] += 1
            kinds["homonyms"] += 1
        elif roll < 0.032:
            draw = pools.female if model.sex == "F" else pools.male
            person.birth_name, person.usage_name, person.born, person.postcode, person.sex = (
                model.birth_name, "", model.born, model.postcode, model.sex)  # fmt: skip
            person.givens = [given for given in (draw(rng) for _ in range(5)) if given != model.givens[0]][:1]
            person.givens = person.givens or ["Camille"]
            kinds["twins"] += 1
        else:
            kinds["others"] += 1
        person.usual = min(person.usual, len(person.givens) - 1)
        person.nir = make_nir(rng, person.sex, person.born)
        person.nir_written = person.nir
        rows.append((person, None))
    rng.shuffle(rows)
    with (
        (output / "leak.csv").open("w", encoding="utf-8", newline="") as leak_file,
        (output / "truth.csv").open("w", encoding="utf-8", newline="") as truth_file,
    ):
        leak_writer = csv.writer(leak_file, delimiter=";", lineterminator="\n")
        truth = csv.writer(truth_file, delimiter=";", lineterminator="\n")
        leak_writer.writerow(HEADER_LEAK)
        truth.writerow(["leak_line", "patient_line"])
        for line, (person, index) in enumerate(rows, start=2):
            leak_writer.writerow(leak_row(person, rng, pools, line))
            truth.writerow([line, "" if index is None else index + 2])
    return {"patients": patients, "leaked": len(rows), **kinds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--leak", type=int, default=500_000)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.patients, args.leak, args.seed, args.output)
    print(f"{counts} → {args.output} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
