"""Synthetic patient lists for the import benchmark and manual tests: French patients, realistic defects.

    python bench/generate_patients.py --rows 500000 --output var/patients.csv            # cp1252, ";"
    python bench/generate_patients.py --rows 2000 --output var/patients.xlsx --format xlsx
    python bench/generate_patients.py --rows 2000 --output var/patients.json --format fhir
    python bench/generate_patients.py --rows 2000 --output var/patients.ndjson --format ndjson

Deterministic for a given --seed. Faker (fr_FR) is slow per call, so pools of names, streets and towns
are drawn once and combined. Defects, roughly per 1,000 rows: 20 wrong NIR keys, 10 impossible dates,
10 malformed e-mails, 10 wrong phones, 5 rows without a name, 20 duplicates of an earlier patient written
with accent, case or hyphen variants (some bringing an e-mail the first row lacked), 10 children
sharing a parent's NIR; and many missing optional fields, as practice-software exports have.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
import unicodedata
from datetime import date, timedelta
from pathlib import Path

from faker import Faker

HEADER = [
    "Nom",
    "Nom d'usage",
    "Prénom(s)",
    "Sexe",
    "Date de naissance",
    "N° Sécurité sociale",
    "Adresse",
    "Complément d'adresse",
    "Code postal",
    "Ville",
    "Téléphone",
    "Portable",
    "Email",
    "Données concernées",
]
DOMAINS = ["orange.fr", "wanadoo.fr", "free.fr", "gmail.com", "hotmail.fr", "laposte.net", "sfr.fr", "yahoo.fr"]
CATEGORIES = ["santé", "santé, NIR", "résultats d'analyses", "identité, adresse", "NIR"]
OVERSEAS = [("974", "0692", "0262", "97400", "SAINT-DENIS"), ("971", "0690", "0590", "97110", "POINTE-A-PITRE")]


def nir_key(nir13: str) -> str:
    number = int(nir13[:5] + {"2A": "19", "2B": "18"}.get(nir13[5:7], nir13[5:7]) + nir13[7:])
    return f"{97 - number % 97:02d}"


def make_nir(rng: random.Random, sex: str, born: date, place: str | None = None) -> str:
    head = ("1" if sex == "M" else "2") + f"{born.year % 100:02d}{born.month:02d}"
    roll = rng.random()
    if place:
        middle = place + f"{rng.randint(1, 50):02d}"
    elif roll < 0.02 and born.year >= 1976:
        middle = rng.choice(["2A", "2B"]) + f"{rng.randint(1, 350):03d}"
    elif roll < 0.07:
        middle = "99" + rng.choice(["350", "352", "351", "138", "109", "132"])
    else:
        middle = f"{rng.choice([d for d in range(1, 96) if d != 20]):02d}{rng.randint(1, 500):03d}"
    nir13 = head + middle + f"{rng.randint(1, 999):03d}"
    return nir13 + nir_key(nir13)


def spaced(nir: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return nir
    return " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])


def unaccent(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def variant(name: str, rng: random.Random) -> str:
    """The same name as another software would write it: upper case, no accents, hyphen or space swapped."""
    choice = rng.randrange(4)
    if choice == 0:
        return unaccent(name).upper()
    if choice == 1:
        return name.upper()
    if choice == 2:
        return name.replace("-", " ") if "-" in name else unaccent(name)
    return name.lower()


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(["06", "06", "06", "07"])
    second = rng.choice("12345678") if prefix == "06" else rng.choice("3456789")
    digits = prefix + second + "".join(rng.choice("0123456789") for _ in range(7))
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2)) if rng.random() < 0.5 else digits


def landline(rng: random.Random) -> str:
    return "0" + rng.choice("1345") + "".join(rng.choice("0123456789") for _ in range(8))


class Pools:
    def __init__(self, seed: int) -> None:
        fake = Faker("fr_FR")
        fake.seed_instance(seed)
        self.last = [fake.last_name() for _ in range(3000)]
        self.female = [fake.first_name_female() for _ in range(800)]
        self.male = [fake.first_name_male() for _ in range(800)]
        self.streets = [fake.street_address() for _ in range(6000)]
        self.towns = [(fake.postcode(), fake.city()) for _ in range(3000)]
        self.complements = [f"Bâtiment {c}" for c in "ABCD"] + [f"Appartement {n}" for n in range(1, 40)]
        self.complements += ["Résidence Les Tilleuls", "Chez M. et Mme Martin", "Escalier 2, 3e étage"]


def rows(count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    pools = Pools(seed)
    today = date(2026, 1, 1)
    out: list[list[str]] = []
    parents: list[tuple[str, date, str]] = []  # (NIR, birth date, last name) of adults, for children
    while len(out) < count:
        roll = rng.random()
        if roll < 0.02 and len(out) > 10:
            out.append(duplicate(rng.choice(out[max(0, len(out) - 5000) :]), rng))
            continue
        sex = rng.choice("FM")
        born = today - timedelta(days=rng.randint(0, 95 * 365))
        last = rng.choice(pools.last)
        first = rng.choice(pools.female if sex == "F" else pools.male)
        if rng.random() < 0.15:
            first += ", " + rng.choice(pools.female if sex == "F" else pools.male)
        usage = rng.choice(pools.last) if sex == "F" and born.year < 1995 and rng.random() < 0.3 else ""
        overseas = rng.choice(OVERSEAS) if rng.random() < 0.03 else None
        nir = make_nir(rng, sex, born, overseas[0] if overseas else None)
        if roll < 0.03 and parents:  # a child written with the insured parent's NIR
            parent_nir, parent_born, parent_last = rng.choice(parents)
            born = parent_born + timedelta(days=rng.randint(22 * 365, 40 * 365))
            born = min(born, today)
            last, nir = parent_last, parent_nir
        elif born.year < 1990 and len(parents) < 10000:
            parents.append((nir, born, last))
        if overseas:
            street, (postcode, town) = rng.choice(pools.streets), (overseas[3], overseas[4])
            phone, cell = overseas[2] + "".join(rng.choice("0123456789") for _ in range(6)), ""
        else:
            street, (postcode, town) = rng.choice(pools.streets), rng.choice(pools.towns)
            phone = landline(rng) if rng.random() < 0.4 else ""
            cell = mobile(rng) if rng.random() < 0.7 else ""
        email = ""
        if rng.random() < 0.55:
            local = (
                unaccent(first.split(",")[0]).lower().replace(" ", "-") + "." + unaccent(last).lower().replace(" ", "")
            )
            email = local.replace("'", "") + f"{rng.randint(1, 99)}@" + rng.choice(DOMAINS)
        written_date = born.strftime("%d/%m/%Y")
        written_nir = spaced(nir, rng) if rng.random() < 0.9 else ""
        defect = rng.random()
        if defect < 0.02 and written_nir:
            written_nir = nir[:13] + f"{(int(nir[13:]) % 97) + 1:02d}"  # wrong key
        elif defect < 0.03:
            written_date = f"31/02/{born.year}"
        elif defect < 0.04 and email:
            email = email.replace("@", " @ ") if rng.random() < 0.5 else email.replace("@", "@@")
        elif defect < 0.05 and cell:
            cell = "07 00 00 00 0" + rng.choice("0123456789")  # 070 is unallocated
        elif defect < 0.055:
            last = ""
        elif defect < 0.06:
            postcode = ""
        complement = rng.choice(pools.complements) if rng.random() < 0.1 else ""
        category = rng.choice(CATEGORIES) if rng.random() < 0.1 else ""
        civility = {"F": ["F", "Femme", "Mme", "2"], "M": ["M", "Homme", "M.", "1"]}[sex][rng.randrange(4)]
        out.append(
            [last, usage, first, civility, written_date, written_nir, street, complement, postcode, town, phone]
            + [cell, email, category]
        )
    return out


def duplicate(row: list[str], rng: random.Random) -> list[str]:
    copy = list(row)
    copy[0] = variant(copy[0], rng)
    copy[2] = variant(copy[2], rng)
    if rng.random() < 0.5 and not copy[12] and copy[0]:
        copy[12] = unaccent(copy[2].split(",")[0]).lower().replace(" ", "") + ".bis@free.fr"
    return copy


def write_csv(data: list[list[str]], path: Path) -> None:
    with path.open("w", encoding="cp1252", errors="replace", newline="") as file:
        writer = csv.writer(file, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(data)


def write_xlsx(data: list[list[str]], path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("Patients")
    sheet.write_row(0, 0, HEADER)
    for index, row in enumerate(data, start=1):
        sheet.write_row(index, 0, row)
    workbook.close()


def patient(row: list[str]) -> dict[str, object]:
    last, usage, first, sex, born, nir, street, complement, postcode, town, phone, cell, email, _ = row
    day, month, year = (born.split("/") + ["", "", ""])[:3]
    resource: dict[str, object] = {
        "resourceType": "Patient",
        "gender": "female" if sex in ("F", "Femme", "Mme", "2") else "male",
        "birthDate": f"{year}-{month}-{day}",
        "name": [{"use": "official", "family": last, "given": [first.split(",")[0]]}],
        "telecom": [
            t
            for t in ({"system": "email", "value": email}, {"system": "phone", "value": cell, "use": "mobile"})
            if t["value"]
        ],
        "address": [
            {"use": "home", "line": [x for x in (complement, street) if x], "postalCode": postcode, "city": town}
        ],
    }
    if usage:
        resource["name"].append({"use": "usual", "family": usage})  # type: ignore[attr-defined]
    if nir:
        resource["identifier"] = [
            {
                "use": "official",
                "type": {
                    "coding": [
                        {"system": "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203", "code": "INS-NIR"}
                    ]
                },
                "system": "urn:oid:1.2.250.1.213.1.4.8",
                "value": nir.replace(" ", ""),
            }
        ]
    return resource


def write_fhir(data: list[list[str]], path: Path, ndjson: bool) -> None:
    with path.open("w", encoding="utf-8") as file:
        if ndjson:
            for row in data:
                file.write(json.dumps(patient(row), ensure_ascii=False) + "\n")
            return
        bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": patient(row)} for row in data]}
        json.dump(bundle, file, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--format", choices=["csv", "xlsx", "fhir", "ndjson"], default="csv")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = rows(args.rows, args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "csv":
        write_csv(data, args.output)
    elif args.format == "xlsx":
        write_xlsx(data, args.output)
    else:
        write_fhir(data, args.output, ndjson=args.format == "ndjson")
    size = args.output.stat().st_size
    print(f"{args.rows} rows → {args.output} ({size / 2**20:.1f} MB) in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
