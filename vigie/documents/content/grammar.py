"""French grammar for generated sentences: elision, articles before an organisation's name, agreement.

A document names the organisation in running text (« survenue au sein du laboratoire Bio Armor »), counts
people (« un patient », « 4 800 patients ») and gives a person's function in their gender (« déléguée à la
protection des données »). The name is the organisation's own, typed once: when it opens with a common noun
(« Laboratoire », « Cabinet », « Clinique »…), that noun takes its article and contracts with « de » and « à »;
when it is a proper name (« Biolab », « Armor Santé »), it takes none, and only « de » elides (« d'Armor Santé »).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vigie.risk.french import decimal, integer

VOWELS = "aeiouàâäéèêëîïôöùûüœæ"
# Words whose h is aspirated: no elision before them (« le handicap », « de Haute-Savoie »).
ASPIRATED_H = (
    "hach", "haine", "hall", "hameau", "hanche", "handicap", "hangar", "harcèlement", "hasard", "hausse", "haut",
    "hérisson", "héros", "hêtre", "hibou", "hiérarchie", "homard", "honte", "hors", "hotte", "houx", "hublot",
    "huit", "hurl", "havre",
)  # fmt: skip


def starts_with_vowel_sound(word: str) -> bool:
    """Whether « le », « de », « que »… elide before ``word`` (« l'hôpital », « d'environ », but « de Yann »)."""
    word = word.lstrip("«\u00a0 \"'(").lower()
    if not word:
        return False
    if word[0] in VOWELS:
        return True
    if word[0] == "h":
        return not word.startswith(ASPIRATED_H)
    if word[0] == "y":  # « d'Yves », but « de Yann », « le yaourt »
        return len(word) > 1 and word[1] not in VOWELS
    return False


def de(phrase: str) -> str:
    """« de » before ``phrase``, elided or contracted with its article: de + le → du, de + les → des."""
    if phrase.startswith("le "):
        return "du " + phrase[3:]
    if phrase.startswith("les "):
        return "des " + phrase[4:]
    return ("d'" if starts_with_vowel_sound(phrase) else "de ") + phrase


def a(phrase: str) -> str:
    """« à » before ``phrase``, contracted with its article: à + le → au, à + les → aux."""
    if phrase.startswith("le "):
        return "au " + phrase[3:]
    if phrase.startswith("les "):
        return "aux " + phrase[4:]
    return "à " + phrase


def que(phrase: str) -> str:
    return ("qu'" if starts_with_vowel_sound(phrase) else "que ") + phrase


def cap(text: str) -> str:
    """The first letter in capitals, the rest untouched (``str.capitalize`` would lower « NIR » into « nir »)."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """The first letter in lower case, unless the first word is an acronym (« CHU », « EHPAD »)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return text
    return text[:1].lower() + text[1:]


# Common nouns an organisation's name may open with, and their gender (m, f).
ORGANISATION_NOUNS = {
    "agence": "f", "association": "f", "cabinet": "m", "centre": "m", "ch": "m", "chu": "m", "chr": "m",
    "clinique": "f", "cpts": "f", "ehpad": "m", "espace": "m", "établissement": "m", "fondation": "f",
    "gcs": "m", "groupe": "m", "groupement": "m", "hôpital": "m", "institut": "m", "laboratoire": "m",
    "maison": "f", "mutuelle": "f", "office": "m", "officine": "f", "pharmacie": "f", "plateforme": "f",
    "polyclinique": "f", "pôle": "m", "résidence": "f", "réseau": "m", "scm": "f", "selarl": "f", "selas": "f",
    "service": "m", "société": "f", "ssiad": "m", "union": "f",
}  # fmt: skip


@dataclass(frozen=True)
class Named:
    """An organisation's name as running French text: with its article when the name opens with a noun."""

    name: str
    gender: str | None  # "m", "f", or None for a proper name (no article)

    @classmethod
    def of(cls, name: str) -> Named:
        name = " ".join(name.split())
        first = re.split(r"[\s'’-]", name, maxsplit=1)[0].lower()
        return cls(name, ORGANISATION_NOUNS.get(first))

    @property
    def the(self) -> str:
        """« le laboratoire Bio Armor », « la clinique du Parc », « l'hôpital Nord », « Biolab »."""
        if self.gender is None:
            return self.name
        noun = lower_first(self.name)
        if starts_with_vowel_sound(noun):
            return "l'" + noun
        return ("le " if self.gender == "m" else "la ") + noun

    @property
    def of_(self) -> str:
        """« du laboratoire Bio Armor », « de la clinique du Parc », « de l'hôpital Nord », « d'Armor Santé »."""
        return de(self.the)

    @property
    def to(self) -> str:
        """« au laboratoire Bio Armor », « à la clinique du Parc », « à Biolab »."""
        return a(self.the)

    @property
    def subject(self) -> str:
        """The name opening a sentence: « Le laboratoire Bio Armor »."""
        return cap(self.the)

    def agreed(self, masculine: str, feminine: str) -> str | None:
        """The word agreeing with the organisation, or None when its gender is unknown (a proper name)."""
        if self.gender is None:
            return None
        return feminine if self.gender == "f" else masculine


# --- People ---------------------------------------------------------------------------------------------------

CIVILITIES = {"mme": "Mme", "m": "M."}


def agreed(civility: str, masculine: str, feminine: str, neutral: str) -> str:
    """A word in the person's gender (« délégué » / « déléguée »), or a neutral wording when it is not known."""
    if civility == "mme":
        return feminine
    if civility == "m":
        return masculine
    return neutral


def dpo_title(civility: str) -> str:
    return agreed(
        civility,
        "délégué à la protection des données",
        "déléguée à la protection des données",
        "DPO (protection des données)",
    )


def named_person(name: str, civility: str) -> str:
    """« Mme Claire Martin » — no civility added when the name already carries a title (« Dr … », « Pr … »)."""
    name = " ".join(name.split())
    if not name or not civility or re.match(r"(?i)(dr|pr|docteur|professeur|me|maître|mme|m\.|mlle)\b", name):
        return name
    return f"{CIVILITIES[civility]} {name}"


# --- Counts ---------------------------------------------------------------------------------------------------

NOUNS_OF_PERSONS = {
    "patients": ("patient", "patients"),
    "minors": ("mineur", "mineurs"),
    "employees": ("salarié", "salariés"),
    "clients": ("client", "clients"),
    "health_professionals": ("professionnel de santé", "professionnels de santé"),
}


def count_of(number: int, singular: str, plural: str, *, feminine: bool = False) -> str:
    """« un patient », « une personne », « 4 800 patients », « aucun enregistrement »."""
    if number == 0:
        return f"{'aucune' if feminine else 'aucun'} {singular}"
    if number == 1:
        return f"{'une' if feminine else 'un'} {singular}"
    return f"{integer(number)} {plural}"


def join(items: list[str], conjunction: str = "et") -> str:
    """« a, b et c » (or « a, b ou c »)."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def unnested(text: str) -> str:
    """Parentheses inside parentheses turned into a comma: « (ingénierie sociale (usurpation d'identité)) »
    becomes « (ingénierie sociale, usurpation d'identité) », and two groups in a row into one. Article
    numbering (« 34(3)(a) ») is kept. For the decision core's texts, which nest them."""
    out: list[str] = []
    depth = 0
    numbering: list[bool] = []  # for each open parenthesis, whether it is article numbering
    for index, char in enumerate(text):
        if char == "(":
            is_numbering = index > 0 and (text[index - 1].isalnum() or text[index - 1] == ")")
            numbering.append(is_numbering)
            if depth >= 1 and not is_numbering:
                while out and out[-1] == " ":
                    out.pop()
                out.append(", ")
            else:
                out.append(char)
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            was_numbering = numbering.pop()
            if depth >= 1 and not was_numbering:
                continue
            out.append(char)
        else:
            out.append(char)
    # Two groups in a row, « (a) (b) », become one: « (a ; b) ».
    return re.sub(r"\)\s+\((?=[^\d])", " ; ", "".join(out))


def hours(value: float) -> str:
    """« moins d'une heure », « 1 heure », « 1,5 heure », « 36 heures » (plural from two, as in French)."""
    if value < 1:
        return "moins d'une heure"
    return f"{decimal(value)} heure" + ("s" if value >= 2 else "")
