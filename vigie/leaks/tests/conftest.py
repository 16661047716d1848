"""Fixtures of the leak tests: a breach, a small patient base and a leaked file with the defects of real ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from vigie.accounts.models import Organisation, User
from vigie.breaches.models import Breach

PATIENTS_HEADER = "Nom de naissance;Nom d'usage;Prénoms;Sexe;Date de naissance;N° sécu;Adresse;Code postal;Ville;Email"
PATIENTS = [
    "Lefèvre;;Hélène, Marie;F;03/04/1970;270045935012332;3 rue Nationale;59000;Lille;helene.lefevre@exemple.fr",
    "Dupont;Martin;Jean-Pierre, Louis;M;25/12/1980;;8 place du Théâtre;59800;Lille;jp.martin@exemple.fr",
    "Quéré;;Yannick;M;14/02/1962;;12 rue de Paris;59000;Lille;",
    "N'Diaye;;Aïssatou;F;30/08/1991;;5 rue Solférino;59000;Lille;aissatou@exemple.fr",
    "Cœurdevey;;Léa;F;01/06/2001;;2 rue Gambetta;59100;Roubaix;lea.c@exemple.fr",
    "Bernard;;Louis;M;17/07/1955;;9 rue des Postes;59000;Lille;",
]
LEAK_HEADER = "id_dossier;nom;prenom;ddn;sexe;nss;cp;examen;resultat"
LEAK = [
    "D001;LEFEVRE;HELENE;04/03/1970;2;2700459350123;59000;Sérologie VIH;négatif",  # swapped date, NIR without key
    "D002;martin;jean pierre;1980-12-25;1;;59800;;",  # used name, lower case, compound with a space, no exam
    "D003;QUERE;YANNICK;30/08/1962;1;;;TSH;2,1",  # a homonym born another day: not our patient
    "D004;AISSATOU;NDIAYE;30/08/1991;F;;59000;HbA1c;6,8 %",  # names swapped, apostrophe and diaeresis folded
    "D005;COEURDEVEY;CLAIRE;01/06/2001;F;;59100;NFS;normal",  # her twin sister: to review
    "D006;Durand;Paul;02/02/1948;M;;75011;PSA;1,2",  # another laboratory's patient
]


@pytest.fixture
def breach(org: Organisation, owner: User) -> Breach:
    return Breach.objects.create(
        organisation=org, reference="2026-007", title="Fichier de résultats publié",
        became_aware_at=timezone.now() - timedelta(days=1), breach_types=["confidentiality"], origin="ransomware",
        data_categories=["identity", "health"], persons_count=6, description="Publication d'un fichier.",
        created_by=owner,
    )  # fmt: skip


@pytest.fixture
def files(tmp_path: Path) -> Callable[..., tuple[Path, Path]]:
    """The patient base (cp1252, as practice software writes it) and the leaked file (UTF-8)."""

    def write(patients: list[str] | None = None, leak: list[str] | None = None) -> tuple[Path, Path]:
        base, leaked = tmp_path / "patients.csv", tmp_path / "fuite.csv"
        base.write_text("\n".join([PATIENTS_HEADER, *(patients or PATIENTS)]) + "\n", encoding="cp1252")
        leaked.write_text("\n".join([LEAK_HEADER, *(leak or LEAK)]) + "\n", encoding="utf-8")
        return base, leaked

    return write
