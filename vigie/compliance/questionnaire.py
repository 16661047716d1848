"""The security self-assessment: about forty questions sized for a practice, grouped in ten domains.

The questions and their explanations are French domain content written for Vigie (plain words, why it
matters), each mapped to its sources: the CNIL guide on the security of personal data (2024 edition, cited by
the title of its sheet), the security measures of the CNIL référentiel for medical practices (2020) and the
ANS/CNOM guidance for independent practitioners (PGSSI-S, mémento de sécurité informatique). The domain names
are interface text, translated like the rest of the interface.

Scoring is pure: no Django model, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GUIDE = "Guide CNIL de la sécurité des données personnelles (2024)"
REFERENTIEL = "Référentiel CNIL des cabinets médicaux (2020), sécurité"
PGSSIS = "PGSSI-S, mémento de sécurité pour les professionnels de santé libéraux (ANS, CNOM)"

# Answer → share of the question's weight earned. "na" questions leave the domain's total.
ANSWERS: dict[str, float | None] = {"yes": 1.0, "partly": 0.5, "no": 0.0, "unknown": 0.0, "na": None}
ANSWER_LABELS: dict[str, str | Promise] = {
    "yes": _("Yes"),
    "partly": _("Partly"),
    "no": _("No"),
    "unknown": _("I don't know"),
    "na": _("Does not apply"),
}
# Answers that call for an action in the plan.
NEEDS_ACTION = ("partly", "no", "unknown")


@dataclass(frozen=True)
class Domain:
    id: str
    label: str | Promise
    short: str | Promise  # for the radar chart's axes


@dataclass(frozen=True)
class Question:
    id: str
    domain: str
    text: str
    why: str
    action: str  # what to do when the answer is not "yes"
    sources: tuple[str, ...]
    weight: int = 1


DOMAINS: tuple[Domain, ...] = (
    Domain("authentification", _("Passwords and authentication"), _("Passwords")),
    Domain("habilitations", _("Access rights and logs"), _("Access rights")),
    Domain("postes", _("Workstations, updates and network"), _("Workstations")),
    Domain("sauvegardes", _("Backups"), _("Backups")),
    Domain("chiffrement", _("Encryption and mobile devices"), _("Encryption")),
    Domain("messagerie", _("E-mail and exchanges"), _("Messaging")),
    Domain("hebergement", _("Hosting and processors"), _("Processors")),
    Domain("personnel", _("Staff awareness"), _("Staff")),
    Domain("incidents", _("Incident handling"), _("Incidents")),
    Domain("locaux", _("Premises and paper"), _("Premises")),
)
DOMAIN_BY_ID = {domain.id: domain for domain in DOMAINS}


def q(id: str, domain: str, text: str, why: str, action: str, *sources: str, weight: int = 1) -> Question:
    return Question(id, domain, text, why, action, sources, weight)


QUESTIONS: tuple[Question, ...] = (
    # --- Mots de passe et authentification
    q(
        "comptes-nominatifs",
        "authentification",
        "Chaque personne a-t-elle son propre compte sur le logiciel médical et les postes, sans compte partagé ?",
        "Un compte partagé empêche de savoir qui a consulté un dossier et laisse la porte ouverte après le départ "
        "d'un remplaçant ou d'une secrétaire.",
        "Créer un compte personnel pour chaque utilisateur et supprimer les comptes partagés.",
        f"{GUIDE} : authentifier les utilisateurs",
        REFERENTIEL,
        PGSSIS,
        weight=2,
    ),
    q(
        "carte-cps",
        "authentification",
        "Les professionnels se connectent-ils au logiciel médical avec leur carte CPS ou l'application e-CPS ?",
        "La carte CPS ou l'e-CPS prouve l'identité du professionnel bien mieux qu'un mot de passe, qui peut être "
        "deviné ou volé par hameçonnage.",
        "Activer la connexion par carte CPS ou e-CPS (Pro Santé Connect) dans le logiciel médical.",
        PGSSIS,
        REFERENTIEL,
    ),
    q(
        "mots-de-passe",
        "authentification",
        "Les mots de passe sont-ils longs (au moins 12 caractères), différents pour chaque service et jamais "
        "affichés sur un post-it ?",
        "Un mot de passe court ou réutilisé se casse en quelques minutes ; s'il fuit d'un site, il ouvre tous les "
        "autres.",
        "Adopter un gestionnaire de mots de passe et changer les mots de passe faibles ou réutilisés.",
        f"{GUIDE} : authentifier les utilisateurs",
    ),
    q(
        "double-authentification",
        "authentification",
        "Tout accès à distance (messagerie, logiciel en ligne, prise en main à distance) demande-t-il une double "
        "authentification ?",
        "La double authentification bloque la plupart des intrusions par mot de passe volé, première cause des "
        "piratages de cabinets.",
        "Activer la double authentification sur la messagerie, le logiciel en ligne et les accès à distance.",
        f"{GUIDE} : authentifier les utilisateurs",
        REFERENTIEL,
        weight=2,
    ),
    # --- Habilitations et traces
    q(
        "droits-par-fonction",
        "habilitations",
        "Chacun n'accède-t-il qu'aux données dont il a besoin (par exemple, le secrétariat sans accès aux "
        "comptes rendus médicaux) ?",
        "Le secret médical ne se partage qu'avec ceux qui participent aux soins : des droits trop larges exposent "
        "plus de données en cas d'erreur ou de compte piraté.",
        "Définir des profils d'accès par fonction dans le logiciel et les appliquer.",
        f"{GUIDE} : gérer les habilitations",
        REFERENTIEL,
    ),
    q(
        "revue-des-droits",
        "habilitations",
        "Les comptes et les droits sont-ils revus au moins une fois par an, et fermés le jour du départ d'une "
        "personne ?",
        "Un compte resté ouvert après un départ est une porte d'entrée que personne ne surveille.",
        "Faire la revue annuelle des comptes et prévoir leur fermeture dans la procédure de départ.",
        f"{GUIDE} : gérer les habilitations",
    ),
    q(
        "journaux",
        "habilitations",
        "Le logiciel médical garde-t-il une trace de qui a consulté ou modifié chaque dossier ?",
        "Sans journal, impossible de savoir après un incident quels dossiers ont été vus, ni de répondre à un "
        "patient qui le demande.",
        "Vérifier auprès de l'éditeur que les accès sont journalisés et savoir comment consulter ces traces.",
        f"{GUIDE} : tracer les opérations",
        REFERENTIEL,
    ),
    q(
        "comptes-administrateur",
        "habilitations",
        "Le travail quotidien se fait-il avec un compte sans droits d'administrateur sur les postes ?",
        "Un logiciel malveillant lancé depuis un compte administrateur prend le contrôle de tout le poste.",
        "Retirer les droits d'administrateur des comptes utilisés au quotidien.",
        f"{GUIDE} : sécuriser les postes de travail",
    ),
    # --- Postes, mises à jour et réseau
    q(
        "mises-a-jour",
        "postes",
        "Le système, le navigateur et les logiciels des postes sont-ils mis à jour automatiquement ?",
        "Les rançongiciels exploitent surtout des failles connues pour lesquelles une mise à jour existait déjà.",
        "Activer les mises à jour automatiques et remplacer les systèmes qui n'en reçoivent plus.",
        f"{GUIDE} : sécuriser les postes de travail",
        PGSSIS,
        REFERENTIEL,
        weight=2,
    ),
    q(
        "antivirus",
        "postes",
        "Chaque poste a-t-il un antivirus actif et un pare-feu activé ?",
        "C'est la première barrière contre les pièces jointes et les sites piégés.",
        "Activer l'antivirus et le pare-feu sur chaque poste et vérifier qu'ils se mettent à jour.",
        f"{GUIDE} : sécuriser les postes de travail",
        REFERENTIEL,
    ),
    q(
        "verrouillage",
        "postes",
        "Les postes se verrouillent-ils automatiquement après quelques minutes d'inactivité ?",
        "Un écran resté ouvert à l'accueil laisse lire ou modifier un dossier par n'importe qui.",
        "Régler le verrouillage automatique à 5 minutes au plus et prendre l'habitude de verrouiller en partant.",
        f"{GUIDE} : sécuriser les postes de travail",
        REFERENTIEL,
    ),
    q(
        "wifi-patients",
        "postes",
        "Le Wi-Fi proposé aux patients est-il séparé du réseau du cabinet, et le réseau du cabinet protégé "
        "(WPA2 ou WPA3) ?",
        "Un Wi-Fi partagé permet à un visiteur d'atteindre les postes et les dossiers.",
        "Créer un réseau invité séparé pour les patients et protéger le réseau du cabinet.",
        f"{GUIDE} : protéger le réseau informatique",
        REFERENTIEL,
    ),
    q(
        "acces-distance",
        "postes",
        "Les accès à distance au cabinet passent-ils par un VPN ou un outil sécurisé, et non par un bureau à "
        "distance ouvert sur Internet ?",
        "Les bureaux à distance exposés sur Internet sont attaqués en permanence par des robots.",
        "Fermer les accès directs et passer par un VPN avec double authentification.",
        f"{GUIDE} : protéger le réseau informatique",
        PGSSIS,
    ),
    # --- Sauvegardes
    q(
        "sauvegarde-reguliere",
        "sauvegardes",
        "Les données du cabinet sont-elles sauvegardées automatiquement au moins chaque jour ?",
        "Sans sauvegarde récente, une panne, un vol ou un rançongiciel fait perdre des dossiers de patients.",
        "Mettre en place une sauvegarde quotidienne automatique (ou vérifier celle de l'hébergeur).",
        f"{GUIDE} : sauvegarder",
        REFERENTIEL,
        PGSSIS,
        weight=2,
    ),
    q(
        "sauvegarde-hors-ligne",
        "sauvegardes",
        "Une copie de sauvegarde est-elle gardée hors ligne ou hors de portée du réseau (disque débranché, "
        "sauvegarde externalisée) ?",
        "Un rançongiciel chiffre aussi les sauvegardes qu'il peut atteindre : seule une copie déconnectée permet de "
        "repartir.",
        "Garder une copie déconnectée, conservée hors du cabinet, renouvelée régulièrement.",
        f"{GUIDE} : sauvegarder",
        REFERENTIEL,
        weight=2,
    ),
    q(
        "restauration-testee",
        "sauvegardes",
        "Avez-vous vérifié, dans l'année, qu'une sauvegarde se restaure vraiment ?",
        "Beaucoup de cabinets découvrent le jour de la panne que leur sauvegarde était vide ou illisible.",
        "Faire un essai de restauration au moins une fois par an et le noter.",
        f"{GUIDE} : sauvegarder",
        REFERENTIEL,
    ),
    q(
        "sauvegarde-chiffree",
        "sauvegardes",
        "Les sauvegardes sont-elles chiffrées ?",
        "Un disque de sauvegarde perdu ou volé contient tous les dossiers du cabinet.",
        "Activer le chiffrement des sauvegardes et garder la clé à part.",
        f"{GUIDE} : sauvegarder",
    ),
    # --- Chiffrement et mobilité
    q(
        "portables-chiffres",
        "chiffrement",
        "Les ordinateurs portables sont-ils chiffrés (BitLocker, FileVault…) ?",
        "Un portable chiffré volé dans une voiture n'est qu'un matériel perdu ; non chiffré, c'est une violation de "
        "données à notifier.",
        "Activer le chiffrement du disque de chaque portable.",
        f"{GUIDE} : sécuriser les équipements mobiles",
        REFERENTIEL,
        weight=2,
    ),
    q(
        "telephones",
        "chiffrement",
        "Les téléphones et tablettes qui contiennent des données de patients sont-ils protégés par un code et "
        "effaçables à distance ?",
        "Photos de plaies, SMS, messagerie : un téléphone contient souvent plus de données de santé qu'on ne le pense.",
        "Imposer un code de verrouillage et activer la localisation et l'effacement à distance.",
        f"{GUIDE} : sécuriser les équipements mobiles",
    ),
    q(
        "cles-usb",
        "chiffrement",
        "Évitez-vous les clés USB et disques non chiffrés pour transporter des données de patients ?",
        "Une clé USB se perd facilement et se lit sur n'importe quel ordinateur.",
        "Utiliser des supports chiffrés ou un partage sécurisé plutôt que des clés USB ordinaires.",
        f"{GUIDE} : sécuriser les équipements mobiles",
        REFERENTIEL,
    ),
    q(
        "fin-de-vie",
        "chiffrement",
        "Les disques des matériels jetés, vendus ou rendus sont-ils effacés de façon sûre ou détruits ?",
        "Un vieux poste revendu peut encore contenir toute la patientèle.",
        "Prévoir l'effacement sécurisé ou la destruction certifiée des disques.",
        f"{GUIDE} : encadrer la maintenance et la fin de vie des matériels",
        REFERENTIEL,
    ),
    # --- Messagerie et échanges
    q(
        "mssante",
        "messagerie",
        "Échangez-vous les données de santé avec les autres professionnels par une messagerie sécurisée de santé "
        "(MSSanté) ?",
        "La messagerie MSSanté est faite pour cela ; une messagerie ordinaire n'offre pas les garanties exigées.",
        "Ouvrir une boîte MSSanté et l'utiliser pour tous les échanges de données de santé.",
        PGSSIS,
        REFERENTIEL,
        weight=2,
    ),
    q(
        "messagerie-grand-public",
        "messagerie",
        "Évitez-vous les messageries et stockages grand public (Gmail, WhatsApp, Dropbox…) pour les données de "
        "patients ?",
        "Ces services ne sont pas des hébergeurs certifiés pour les données de santé et échappent à votre contrôle.",
        "Cesser d'utiliser ces services pour les données de patients et passer par des outils adaptés.",
        REFERENTIEL,
        PGSSIS,
    ),
    q(
        "hameconnage",
        "messagerie",
        "L'équipe sait-elle reconnaître un message d'hameçonnage et à qui le signaler ?",
        "La plupart des attaques commencent par un faux message qui demande un mot de passe ou fait ouvrir une pièce "
        "jointe.",
        "Organiser une courte sensibilisation à l'hameçonnage (par exemple avec les supports de "
        "cybermalveillance.gouv.fr).",
        f"{GUIDE} : impliquer et former les utilisateurs",
    ),
    q(
        "envoi-patients",
        "messagerie",
        "Les documents envoyés aux patients le sont-ils par un moyen sûr (Mon espace santé, messagerie sécurisée, "
        "pièce jointe protégée) ?",
        "Une erreur d'adresse e-mail suffit à envoyer un compte rendu à un inconnu.",
        "Privilégier Mon espace santé ou une messagerie sécurisée pour les envois aux patients.",
        REFERENTIEL,
    ),
    # --- Hébergement et sous-traitants
    q(
        "hebergeur-hds",
        "hebergement",
        "Si vos données sont hébergées à l'extérieur (logiciel en ligne, sauvegarde distante), l'hébergeur est-il "
        "certifié HDS pour les activités qu'il réalise ?",
        "La loi impose un hébergeur certifié pour les données de santé confiées à un tiers (art. L.1111-8 CSP).",
        "Vérifier le certificat HDS de chaque hébergeur dans la liste de l'ANS (page Sous-traitants de Vigie).",
        REFERENTIEL,
        PGSSIS,
        weight=2,
    ),
    q(
        "contrats-art-28",
        "hebergement",
        "Avez-vous un contrat avec chaque prestataire qui traite vos données (éditeur, hébergeur, secrétariat, "
        "maintenance), avec les clauses de l'article 28 du RGPD ?",
        "Le contrat oblige le prestataire à protéger les données et à vous prévenir en cas de violation.",
        "Recenser les prestataires et obtenir de chacun un contrat ou un avenant conforme à l'article 28.",
        f"{GUIDE} : gérer la sous-traitance",
        REFERENTIEL,
    ),
    q(
        "maintenance",
        "hebergement",
        "Les interventions à distance du prestataire informatique sont-elles encadrées (accord préalable, accès "
        "fermé ensuite) ?",
        "Un accès de maintenance laissé ouvert en permanence est une porte d'entrée classique.",
        "N'autoriser la prise en main à distance qu'au cas par cas et fermer l'accès après chaque intervention.",
        f"{GUIDE} : encadrer la maintenance et la fin de vie des matériels",
    ),
    q(
        "registre",
        "hebergement",
        "Tenez-vous un registre des traitements et une liste de vos sous-traitants à jour ?",
        "Le registre est obligatoire (art. 30 du RGPD) et c'est lui qui permet de répondre vite en cas de violation.",
        "Compléter le registre des traitements et la liste des sous-traitants dans Vigie.",
        REFERENTIEL,
    ),
    # --- Personnel
    q(
        "engagement-confidentialite",
        "personnel",
        "Chaque salarié, stagiaire et remplaçant a-t-il signé un engagement de confidentialité ?",
        "Le secret professionnel s'impose à tous ; l'écrire rappelle les règles et protège le cabinet.",
        "Faire signer un engagement de confidentialité à chaque personne, à son arrivée.",
        REFERENTIEL,
    ),
    q(
        "charte",
        "personnel",
        "Existe-t-il des règles écrites d'utilisation de l'informatique (charte) connues de tous ?",
        "Des règles simples et écrites évitent les mauvaises habitudes : mots de passe partagés, clés USB, "
        "messageries personnelles.",
        "Rédiger une charte d'une page et la remettre à chacun.",
        f"{GUIDE} : définir un cadre pour les utilisateurs",
    ),
    q(
        "sensibilisation",
        "personnel",
        "L'équipe a-t-elle suivi une sensibilisation à la sécurité informatique depuis moins de deux ans ?",
        "Les erreurs humaines sont à l'origine de la majorité des violations de données.",
        "Prévoir une sensibilisation (par exemple le MOOC de l'ANSSI ou les fiches de cybermalveillance.gouv.fr).",
        f"{GUIDE} : impliquer et former les utilisateurs",
        PGSSIS,
    ),
    q(
        "arrivees-departs",
        "personnel",
        "Une liste de contrôle est-elle suivie à chaque arrivée et départ (comptes, clés, badges, matériel) ?",
        "C'est au départ d'une personne que les accès oubliés apparaissent.",
        "Écrire une liste de contrôle d'arrivée et de départ et l'appliquer.",
        f"{GUIDE} : gérer les habilitations",
    ),
    # --- Incidents
    q(
        "procedure-incident",
        "incidents",
        "Savez-vous quoi faire en cas d'incident : qui prévenir, débrancher sans éteindre, noter l'heure ?",
        "Les premières minutes comptent, et le délai de 72 heures pour notifier la CNIL court dès la découverte.",
        "Afficher une fiche réflexe d'incident près des postes et la faire connaître.",
        f"{GUIDE} : gérer les incidents et les violations",
        REFERENTIEL,
        weight=2,
    ),
    q(
        "contacts-urgence",
        "incidents",
        "Avez-vous sous la main les contacts utiles : prestataire informatique, éditeur, assureur, "
        "cybermalveillance.gouv.fr, CERT Santé ?",
        "Chercher un numéro pendant une attaque fait perdre un temps précieux.",
        "Noter ces contacts sur la fiche réflexe et dans un endroit accessible hors informatique.",
        PGSSIS,
    ),
    q(
        "registre-violations",
        "incidents",
        "Tenez-vous un registre des violations de données, même de celles qui n'ont pas été notifiées ?",
        "Le RGPD l'exige (art. 33.5) ; Vigie le tient pour vous dès qu'une violation est déclarée.",
        "Déclarer chaque incident dans Vigie pour tenir le registre.",
        f"{GUIDE} : gérer les incidents et les violations",
    ),
    q(
        "continuite",
        "incidents",
        "Savez-vous comment continuer à recevoir les patients si l'informatique est indisponible plusieurs jours ?",
        "Un rançongiciel peut bloquer le cabinet une à plusieurs semaines.",
        "Prévoir un mode dégradé : agenda papier, ordonnances, liste des patients du jour, coordonnées utiles.",
        f"{GUIDE} : sauvegarder",
    ),
    # --- Locaux et papier
    q(
        "locaux-fermes",
        "locaux",
        "Les locaux, les armoires à dossiers et le matériel informatique sont-ils fermés à clé en dehors des "
        "heures d'ouverture ?",
        "Les vols de matériel et de dossiers papier restent une cause fréquente de violations.",
        "Fermer à clé les locaux et les armoires, et ranger les serveurs dans un local fermé.",
        f"{GUIDE} : protéger les locaux",
        REFERENTIEL,
    ),
    q(
        "ecrans-accueil",
        "locaux",
        "Les écrans et documents de l'accueil sont-ils hors de vue des patients en salle d'attente ?",
        "Une conversation ou un écran visible de la salle d'attente dévoile des informations couvertes par le secret.",
        "Orienter les écrans, utiliser des filtres de confidentialité et ranger les documents.",
        REFERENTIEL,
    ),
    q(
        "destruction-papier",
        "locaux",
        "Les documents papier contenant des données de patients sont-ils détruits (broyeur, prestataire) plutôt "
        "que jetés ?",
        "Un dossier trouvé dans une poubelle est une violation de données.",
        "Installer un broyeur ou faire appel à un prestataire de destruction certifiée.",
        REFERENTIEL,
    ),
)
QUESTION_BY_ID = {question.id: question for question in QUESTIONS}


def questions_of(domain_id: str) -> list[Question]:
    return [question for question in QUESTIONS if question.domain == domain_id]


def domain_scores(answers: Mapping[str, str]) -> dict[str, int | None]:
    """Score of each domain in percent (weighted); an unanswered question counts as "I don't know".

    A domain whose questions are all "not applicable" scores None and is left out of the overall score.
    """
    scores: dict[str, int | None] = {}
    for domain in DOMAINS:
        earned = possible = 0.0
        for question in questions_of(domain.id):
            value = ANSWERS.get(answers.get(question.id, "unknown"), 0.0)
            if value is None:
                continue
            earned += value * question.weight
            possible += question.weight
        scores[domain.id] = round(100 * earned / possible) if possible else None
    return scores


def overall_score(scores: Mapping[str, int | None]) -> int:
    """The mean of the domains that apply: every domain counts the same, as on the radar chart."""
    values = [value for value in scores.values() if value is not None]
    return round(sum(values) / len(values)) if values else 0


def needing_action(answers: Mapping[str, str]) -> list[Question]:
    """The questions whose answer calls for an action, the heaviest first."""
    found = [question for question in QUESTIONS if answers.get(question.id, "unknown") in NEEDS_ACTION]
    return sorted(found, key=lambda question: -question.weight)


def unanswered(answers: dict[str, str]) -> list[Question]:
    """The questions without an answer (they count as "don't know" once the assessment is finished)."""
    return [question for question in QUESTIONS if not answers.get(question.id)]
