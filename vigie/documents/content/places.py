"""French départements and régions, from a postcode: to address the right council of an Ordre.

Postcodes start with the département's number (two digits; 97x for overseas; Corsica 200–201 = 2A, 202–206
= 2B). A few postcodes cross a border (a commune served by a neighbouring département's office): the letter
then names the neighbour, which the sender can correct before printing.
"""

from __future__ import annotations

# Code → (name preceded by its French preposition, région).
DEPARTEMENTS: dict[str, tuple[str, str]] = {
    "01": ("de l'Ain", "Auvergne-Rhône-Alpes"),
    "02": ("de l'Aisne", "Hauts-de-France"),
    "03": ("de l'Allier", "Auvergne-Rhône-Alpes"),
    "04": ("des Alpes-de-Haute-Provence", "Provence-Alpes-Côte d'Azur"),
    "05": ("des Hautes-Alpes", "Provence-Alpes-Côte d'Azur"),
    "06": ("des Alpes-Maritimes", "Provence-Alpes-Côte d'Azur"),
    "07": ("de l'Ardèche", "Auvergne-Rhône-Alpes"),
    "08": ("des Ardennes", "Grand Est"),
    "09": ("de l'Ariège", "Occitanie"),
    "10": ("de l'Aube", "Grand Est"),
    "11": ("de l'Aude", "Occitanie"),
    "12": ("de l'Aveyron", "Occitanie"),
    "13": ("des Bouches-du-Rhône", "Provence-Alpes-Côte d'Azur"),
    "14": ("du Calvados", "Normandie"),
    "15": ("du Cantal", "Auvergne-Rhône-Alpes"),
    "16": ("de la Charente", "Nouvelle-Aquitaine"),
    "17": ("de la Charente-Maritime", "Nouvelle-Aquitaine"),
    "18": ("du Cher", "Centre-Val de Loire"),
    "19": ("de la Corrèze", "Nouvelle-Aquitaine"),
    "2A": ("de la Corse-du-Sud", "Corse"),
    "2B": ("de la Haute-Corse", "Corse"),
    "21": ("de la Côte-d'Or", "Bourgogne-Franche-Comté"),
    "22": ("des Côtes-d'Armor", "Bretagne"),
    "23": ("de la Creuse", "Nouvelle-Aquitaine"),
    "24": ("de la Dordogne", "Nouvelle-Aquitaine"),
    "25": ("du Doubs", "Bourgogne-Franche-Comté"),
    "26": ("de la Drôme", "Auvergne-Rhône-Alpes"),
    "27": ("de l'Eure", "Normandie"),
    "28": ("d'Eure-et-Loir", "Centre-Val de Loire"),
    "29": ("du Finistère", "Bretagne"),
    "30": ("du Gard", "Occitanie"),
    "31": ("de la Haute-Garonne", "Occitanie"),
    "32": ("du Gers", "Occitanie"),
    "33": ("de la Gironde", "Nouvelle-Aquitaine"),
    "34": ("de l'Hérault", "Occitanie"),
    "35": ("d'Ille-et-Vilaine", "Bretagne"),
    "36": ("de l'Indre", "Centre-Val de Loire"),
    "37": ("d'Indre-et-Loire", "Centre-Val de Loire"),
    "38": ("de l'Isère", "Auvergne-Rhône-Alpes"),
    "39": ("du Jura", "Bourgogne-Franche-Comté"),
    "40": ("des Landes", "Nouvelle-Aquitaine"),
    "41": ("de Loir-et-Cher", "Centre-Val de Loire"),
    "42": ("de la Loire", "Auvergne-Rhône-Alpes"),
    "43": ("de la Haute-Loire", "Auvergne-Rhône-Alpes"),
    "44": ("de la Loire-Atlantique", "Pays de la Loire"),
    "45": ("du Loiret", "Centre-Val de Loire"),
    "46": ("du Lot", "Occitanie"),
    "47": ("de Lot-et-Garonne", "Nouvelle-Aquitaine"),
    "48": ("de la Lozère", "Occitanie"),
    "49": ("de Maine-et-Loire", "Pays de la Loire"),
    "50": ("de la Manche", "Normandie"),
    "51": ("de la Marne", "Grand Est"),
    "52": ("de la Haute-Marne", "Grand Est"),
    "53": ("de la Mayenne", "Pays de la Loire"),
    "54": ("de Meurthe-et-Moselle", "Grand Est"),
    "55": ("de la Meuse", "Grand Est"),
    "56": ("du Morbihan", "Bretagne"),
    "57": ("de la Moselle", "Grand Est"),
    "58": ("de la Nièvre", "Bourgogne-Franche-Comté"),
    "59": ("du Nord", "Hauts-de-France"),
    "60": ("de l'Oise", "Hauts-de-France"),
    "61": ("de l'Orne", "Normandie"),
    "62": ("du Pas-de-Calais", "Hauts-de-France"),
    "63": ("du Puy-de-Dôme", "Auvergne-Rhône-Alpes"),
    "64": ("des Pyrénées-Atlantiques", "Nouvelle-Aquitaine"),
    "65": ("des Hautes-Pyrénées", "Occitanie"),
    "66": ("des Pyrénées-Orientales", "Occitanie"),
    "67": ("du Bas-Rhin", "Grand Est"),
    "68": ("du Haut-Rhin", "Grand Est"),
    "69": ("du Rhône", "Auvergne-Rhône-Alpes"),
    "70": ("de la Haute-Saône", "Bourgogne-Franche-Comté"),
    "71": ("de Saône-et-Loire", "Bourgogne-Franche-Comté"),
    "72": ("de la Sarthe", "Pays de la Loire"),
    "73": ("de la Savoie", "Auvergne-Rhône-Alpes"),
    "74": ("de la Haute-Savoie", "Auvergne-Rhône-Alpes"),
    "75": ("de la Ville de Paris", "Île-de-France"),
    "76": ("de la Seine-Maritime", "Normandie"),
    "77": ("de Seine-et-Marne", "Île-de-France"),
    "78": ("des Yvelines", "Île-de-France"),
    "79": ("des Deux-Sèvres", "Nouvelle-Aquitaine"),
    "80": ("de la Somme", "Hauts-de-France"),
    "81": ("du Tarn", "Occitanie"),
    "82": ("de Tarn-et-Garonne", "Occitanie"),
    "83": ("du Var", "Provence-Alpes-Côte d'Azur"),
    "84": ("de Vaucluse", "Provence-Alpes-Côte d'Azur"),
    "85": ("de la Vendée", "Pays de la Loire"),
    "86": ("de la Vienne", "Nouvelle-Aquitaine"),
    "87": ("de la Haute-Vienne", "Nouvelle-Aquitaine"),
    "88": ("des Vosges", "Grand Est"),
    "89": ("de l'Yonne", "Bourgogne-Franche-Comté"),
    "90": ("du Territoire de Belfort", "Bourgogne-Franche-Comté"),
    "91": ("de l'Essonne", "Île-de-France"),
    "92": ("des Hauts-de-Seine", "Île-de-France"),
    "93": ("de la Seine-Saint-Denis", "Île-de-France"),
    "94": ("du Val-de-Marne", "Île-de-France"),
    "95": ("du Val-d'Oise", "Île-de-France"),
    "971": ("de la Guadeloupe", "Guadeloupe"),
    "972": ("de la Martinique", "Martinique"),
    "973": ("de la Guyane", "Guyane"),
    "974": ("de La Réunion", "La Réunion"),
    "975": ("de Saint-Pierre-et-Miquelon", "Saint-Pierre-et-Miquelon"),
    "976": ("de Mayotte", "Mayotte"),
}


def departement(postcode: str) -> str | None:
    """The département code of a French postcode (``"69003"`` → ``"69"``), or None when it is not one."""
    code = "".join(postcode.split())
    if len(code) != 5 or not code.isdigit():
        return None
    if code.startswith("97"):
        return code[:3] if code[:3] in DEPARTEMENTS else None
    if code.startswith("20"):
        return "2A" if code[:3] in ("200", "201") else "2B"
    return code[:2] if code[:2] in DEPARTEMENTS else None


def of_departement(postcode: str) -> str | None:
    """« du Rhône », « de l'Ain »… for the postcode's département."""
    code = departement(postcode)
    return DEPARTEMENTS[code][0] if code else None


def region(postcode: str) -> str | None:
    code = departement(postcode)
    return DEPARTEMENTS[code][1] if code else None
