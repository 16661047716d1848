"""The core's texts, French and English side by side: ``MESSAGES[id] = (french, english)`` (the reasons in
``reasons_catalogue``, the formalities in ``obligations_catalogue``).

Written by us (facts and article numbers from the sources; sentences our own). Ids are stable: stored
assessments refer to them, so an id is never reused for another meaning; a wording may improve. A reason's
basis is the message ``<reason id>.basis``. French typography (no-break spaces) is applied when rendering.
See ``messages.py`` for the parameter syntax; ``tests/test_messages.py`` checks that both languages use the
same parameters and that every id the core emits is here.
"""

from __future__ import annotations

from typing import Final

from .obligations_catalogue import OBLIGATIONS
from .reasons_catalogue import REASONS

DECISIONS: Final[dict[str, tuple[str, str]]] = {
    "decision.processor_persons": (
        "Décision : alerter sans délai le responsable de traitement, à qui il revient de notifier la CNIL et "
        "d'informer les personnes.",
        "Decision: alert the controller without delay; it falls to the controller to notify the CNIL and inform "
        "the persons.",
    ),
    "decision.processor_cnil": (
        "Décision : alerter sans délai le responsable de traitement, à qui il revient de notifier la CNIL.",
        "Decision: alert the controller without delay; it falls to the controller to notify the CNIL.",
    ),
    "decision.processor_none": (
        "Décision : alerter sans délai le responsable de traitement ; une notification à la CNIL ne paraît pas "
        "nécessaire.",
        "Decision: alert the controller without delay; a notification to the CNIL does not seem necessary.",
    ),
    "decision.public": (
        "Décision : notifier la CNIL et informer les personnes par une communication publique.",
        "Decision: notify the CNIL and inform the persons through a public communication.",
    ),
    "decision.individual": (
        "Décision : notifier la CNIL et informer chaque personne concernée.",
        "Decision: notify the CNIL and inform each person concerned.",
    ),
    "decision.cnil": (
        "Décision : notifier la CNIL ; l'information des personnes n'est pas obligatoire.",
        "Decision: notify the CNIL; informing the persons is not required.",
    ),
    "decision.cnil_exception": (
        "Décision : notifier la CNIL ; l'information des personnes n'est pas obligatoire (art. {letters:list}).",
        "Decision: notify the CNIL; informing the persons is not required (art. {letters:list}).",
    ),
    "decision.register": (
        "Décision : ne pas notifier la CNIL, mais inscrire la violation au registre.",
        "Decision: do not notify the CNIL, but record the breach in the register.",
    ),
}

ASSUMPTIONS: Final[dict[str, tuple[str, str]]] = {
    "assumption.suspected": (
        "La violation n'est que suspectée : elle est évaluée comme si elle était avérée (en cas de doute, la CNIL "
        "conseille de notifier, quitte à compléter ou retirer ensuite).",
        "The breach is only suspected: it is assessed as if established (in doubt, the CNIL advises notifying, "
        "then completing or withdrawing).",
    ),
    "assumption.malicious": (
        "Le caractère malveillant de l'incident n'est pas établi : il est retenu par prudence.",
        "Whether the incident was malicious is not established: it is taken as malicious.",
    ),
    "assumption.exfiltration_possible": (
        "Après une attaque, l'exfiltration des données n'est pas exclue : elle est traitée comme possible.",
        "After an attack, exfiltration is not ruled out: it is treated as possible.",
    ),
    "assumption.special_extent": (
        "L'étendue des données sensibles n'est pas renseignée : elles sont tenues pour des informations "
        "médicales ou sensibles proprement dites.",
        "The extent of the special-category data is not given: they are taken as medical or sensitive "
        "information proper.",
    ),
    "assumption.protection": (
        "La protection des données n'est pas renseignée : elles sont considérées comme lisibles.",
        "The protection of the data is not given: they are taken as readable.",
    ),
    "assumption.salt": (
        "On ne sait pas si le sel du hachage est compromis : le hachage ne rend pas les données inintelligibles, "
        "il rend seulement l'identification plus difficile.",
        "Whether the hash salt is compromised is not known: the hashing does not make the data unintelligible, "
        "it only makes identification harder.",
    ),
    "assumption.identifiability": (
        "La facilité d'identification n'est pas renseignée : elle est déduite des catégories de données, au plus "
        "haut niveau plausible.",
        "The ease of identification is not given: it is inferred from the categories of data, at the highest "
        "plausible level.",
    ),
    "assumption.recipient": (
        "Le destinataire des données est inconnu : il est considéré comme non fiable.",
        "The recipient of the data is unknown: they are taken as untrustworthy.",
    ),
    "assumption.accessed": (
        "On ne sait pas si les données ont été ouvertes : elles ont pu l'être.",
        "Whether the data were opened is not known: they may have been.",
    ),
    "assumption.care": (
        "L'effet sur les soins n'est pas renseigné : chez un acteur de santé, une indisponibilité de plus de "
        "quelques heures est considérée comme ayant pu perturber la prise en charge des patients.",
        "The effect on care is not given: at a care provider, an outage of more than a few hours is taken as "
        "having possibly disrupted patients' care.",
    ),
    "assumption.permanent": (
        "Sans sauvegarde ni restauration connue, la perte des données est considérée comme définitive.",
        "With no backup and no known restoration, the loss of the data is taken as permanent.",
    ),
    "assumption.outage_long": (
        "La durée de l'indisponibilité n'est pas connue : elle est considérée comme longue.",
        "How long the outage lasts is not known: it is taken as long.",
    ),
}

ENISA: Final[dict[str, tuple[str, str]]] = {
    "enisa.dpc.category": (
        "DPC {dpc} : {category:label:data_category}, la catégorie de données la plus lourde.",
        "DPC {dpc}: {category:label:data_category}, the heaviest category of data.",
    ),
    "enisa.dpc.credentials": (
        "DPC {dpc} : identifiants donnant accès à des données de niveau {dpc}.",
        "DPC {dpc}: credentials giving access to data of level {dpc}.",
    ),
    "enisa.dpc.patients": (
        "DPC {dpc} : patients d'un acteur de santé, dont les données révèlent une prise en charge.",
        "DPC {dpc}: patients of a care provider, whose data reveal that they receive care.",
    ),
    "enisa.dpc.vulnerable": (
        "DPC porté à {dpc} : des personnes mineures ou vulnérables sont concernées.",
        "DPC raised to {dpc}: minors or vulnerable persons are concerned.",
    ),
    "enisa.ei.given": (
        "EI {ei:decimal} : identification {identifiability:label:identifiability} (indiquée).",
        "EI {ei:decimal}: {identifiability:label:identifiability} identification (as stated).",
    ),
    "enisa.ei.direct": (
        "EI {ei:decimal} : identifiants directs présents (nom, NIR, coordonnées…).",
        "EI {ei:decimal}: direct identifiers present (name, NIR, contact details…).",
    ),
    "enisa.ei.indirect": (
        "EI {ei:decimal} : pas d'identifiant direct, mais recoupements possibles.",
        "EI {ei:decimal}: no direct identifier, but cross-checking possible.",
    ),
    "enisa.ei.unintelligible": (
        "EI {ei:decimal} : données chiffrées ou hachées avec sel, clé ou sel non compromis : inintelligibles.",
        "EI {ei:decimal}: data encrypted or salted-hashed, key or salt safe: unintelligible.",
    ),
    "enisa.ei.pseudonymised": (
        "EI {ei:decimal} : données pseudonymisées ou hachées avec sel.",
        "EI {ei:decimal}: pseudonymised or salted-hashed data.",
    ),
    "enisa.cb": (
        "CB {cb:decimal} : {parts:pairs:cb_part}.",
        "CB {cb:decimal}: {parts:pairs:cb_part}.",
    ),
    "enisa.cb.none": ("CB 0 : aucun élément aggravant.", "CB 0: no aggravating circumstance."),
}

REPORT: Final[dict[str, tuple[str, str]]] = {
    "report.risk": (
        "Niveau de risque : {risk:label:risk} (RGPD art. 33 et 34).",
        "Risk level: {risk:label:risk} (GDPR art. 33 and 34).",
    ),
    "report.axes": (
        "Vraisemblance {likelihood:label:axis_level} × gravité {severity:label:axis_level} ({event:label:event}).",
        "Likelihood {likelihood:label:axis_level} × severity {severity:label:axis_level} ({event:label:event}).",
    ),
    "report.events": ("Événements redoutés", "Feared events"),
    "report.public": (
        "Information des personnes : par une communication publique (RGPD art. 34(3)(c)).",
        "Informing the persons: through a public communication (GDPR art. 34(3)(c)).",
    ),
    "report.enisa": (
        "Gravité selon la méthode ENISA : SE = DPC × EI + CB = {dpc} × {ei:decimal} + {cb:decimal} = "
        "{score:decimal}, gravité {level:label:enisa_level}.",
        "Severity by the ENISA method: SE = DPC × EI + CB = {dpc} × {ei:decimal} + {cb:decimal} = {score:decimal}, "
        "{level:label:enisa_level} severity.",
    ),
    "report.aware": ("Prise de connaissance : {moment:date}.", "Became aware: {moment:date}."),
    "report.detected": ("Détection de l'incident : {moment:date}.", "Incident detected: {moment:date}."),
    "report.now": ("Situation au {moment:date}.", "Situation as of {moment:date}."),
    "report.late": (
        "Attention : le délai de 72 heures pour notifier la CNIL est dépassé ; la notification doit indiquer les "
        "motifs du retard.",
        "Warning: the 72 hours to notify the CNIL have passed; the notification must give the reasons for the delay.",
    ),
    "report.formalities": ("Formalités", "Formalities"),
    "report.not_applicable": ("Formalités sans objet", "Formalities that do not apply"),
    "report.reasons": ("Raisons", "Reasons"),
    "report.assumptions": ("Hypothèses prudentes (faits non renseignés)", "Prudent assumptions (facts not given)"),
    "report.due": ("Échéance : {moment:date}", "Due: {moment:date}"),
    "report.due_from_detection": (
        "Échéance comptée depuis la détection de l'incident : {moment:date}",
        "Due, counted from the detection of the incident: {moment:date}",
    ),
    "report.left": (", il reste {span:duration}.", ", {span:duration} left."),
    "report.late_by": (", en retard de {span:duration}.", ", late by {span:duration}."),
    "report.basis": ("Base : {text}.", "Basis: {text}."),
    "report.source": ("Source : {text}.", "Source: {text}."),
    "report.status": ("{status:label:status}", "{status:label:status}"),
    "report.axis_likelihood": ("vraisemblance", "likelihood"),
    "report.axis_severity": ("gravité", "severity"),
}

MESSAGES: Final[dict[str, tuple[str, str]]] = {**REASONS, **DECISIONS, **ASSUMPTIONS, **ENISA, **REPORT, **OBLIGATIONS}
