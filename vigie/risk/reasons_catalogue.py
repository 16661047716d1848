"""The texts of the reasons of an assessment (``criteria.py``), French and English: each reason's sentence and
its basis (``<reason id>.basis``), by axis and event. Part of ``catalogue.MESSAGES``; ids are stable, as there.
"""

from __future__ import annotations

from typing import Final

_G = ("Lignes directrices CEPD 9/2022, partie IV.B", "EDPB Guidelines 9/2022, part IV.B")
_C = ("Lignes directrices CEPD 01/2021", "EDPB Guidelines 01/2021")
_PIA = ("CNIL, méthode d'analyse d'impact (PIA)", "CNIL, PIA methodology")


REASONS: Final[dict[str, tuple[str, str]]] = {
    # --- Confidentiality: likelihood -------------------------------------------------------------------------
    "c.l.published": (
        "Les données ont été rendues publiques ou largement diffusées : n'importe qui peut les consulter, les "
        "copier ou les revendre (vraisemblance {level:label:axis_level}).",
        "The data were made public or widely circulated: anyone can read, copy or sell them (likelihood "
        "{level:label:axis_level}).",
    ),
    "c.l.published.basis": (
        f"{_G[0]} (type de violation) ; annexe B, ex. 6 ; {_C[0]}, cas n° 14",
        f"{_G[1]} (type of breach); annex B, ex. 6; {_C[1]}, case 14",
    ),
    "c.l.malicious_holder": (
        "Les données sont entre les mains de quelqu'un qui a cherché à les obtenir ({origin:label:origin}) : "
        "leur exploitation (fraude, hameçonnage ciblé, revente) est à prévoir (vraisemblance "
        "{level:label:axis_level}).",
        "The data are in the hands of someone who sought them ({origin:label:origin}): their misuse (fraud, "
        "targeted phishing, resale) is to be expected (likelihood {level:label:axis_level}).",
    ),
    "c.l.malicious_holder.basis": (
        f"{_G[0]} (gravité : intention malveillante) ; {_C[0]}, cas n° 4, 5, 7 et 17",
        f"{_G[1]} (severity: malicious intent); {_C[1]}, cases 4, 5, 7 and 17",
    ),
    "c.l.taken_out": (
        "Des données ont été emportées par une personne identifiée, sans intention de nuire établie : un usage "
        "abusif ne peut pas être exclu (vraisemblance {level:label:axis_level}).",
        "Data were taken by an identified person, with no established intent to harm: misuse cannot be ruled "
        "out (likelihood {level:label:axis_level}).",
    ),
    "c.l.taken_out.basis": (f"{_C[0]}, cas n° 8", f"{_C[1]}, case 8"),
    "c.l.possible_exfiltration": (
        "Après l'attaque ({origin:label:origin}), rien ne permet d'exclure que des données soient sorties : "
        "leur exfiltration est tenue pour possible (vraisemblance {level:label:axis_level}).",
        "After the attack ({origin:label:origin}), nothing rules out that data left: their exfiltration is "
        "taken as possible (likelihood {level:label:axis_level}).",
    ),
    "c.l.possible_exfiltration.basis": (
        f"{_C[0]}, cas n° 1 et 5 ; {_G[0].replace('IV.B', 'II.A.2')}",
        f"{_C[1]}, cases 1 and 5; {_G[1].replace('IV.B', 'II.A.2')}",
    ),
    "c.l.stolen": (
        "Le support a été volé ({origin:label:origin}) : la personne qui le détient peut en lire le contenu "
        "(vraisemblance {level:label:axis_level}).",
        "The medium was stolen ({origin:label:origin}): whoever holds it can read its content (likelihood "
        "{level:label:axis_level}).",
    ),
    "c.l.stolen.basis": (f"{_C[0]}, cas n° 11 et 12", f"{_C[1]}, cases 11 and 12"),
    "c.l.trusted_recipient": (
        "Le destinataire est identifié et digne de confiance : il n'est pas attendu qu'il en fasse mauvais usage "
        "(vraisemblance {level:label:axis_level}).",
        "The recipient is identified and trustworthy: no misuse is expected (likelihood {level:label:axis_level}).",
    ),
    "c.l.trusted_recipient.basis": (
        f"{_G[0]} (gravité : destinataire de confiance) ; {_C[0]}, cas n° 9",
        f"{_G[1]} (severity: trusted recipient); {_C[1]}, case 9",
    ),
    "c.l.exfiltration_excluded": (
        "Les vérifications (journaux complets) excluent que des données soient sorties (vraisemblance "
        "{level:label:axis_level}).",
        "Checks (complete logs) rule out that any data left (likelihood {level:label:axis_level}).",
    ),
    "c.l.exfiltration_excluded.basis": (f"{_C[0]}, cas n° 1 à 3", f"{_C[1]}, cases 1 to 3"),
    "c.l.out_of_hands": (
        "Des données sont sorties du contrôle du responsable ({origin:label:origin}) vers une personne qui n'avait "
        "pas à les connaître (vraisemblance {level:label:axis_level}).",
        "Data left the controller's hands ({origin:label:origin}) for someone who was not meant to see them "
        "(likelihood {level:label:axis_level}).",
    ),
    "c.l.out_of_hands.basis": (
        f"{_G[0]} (type de violation) ; {_C[0]}, cas n° 13 à 16",
        f"{_G[1]} (type of breach); {_C[1]}, cases 13 to 16",
    ),
    "c.l.accessed": (
        "Les données ont été ouvertes ou consultées par une personne non autorisée : la perte de confidentialité "
        "est réalisée (vraisemblance {level:label:axis_level}).",
        "The data were opened or read by someone not entitled: the loss of confidentiality has happened "
        "(likelihood {level:label:axis_level}).",
    ),
    "c.l.accessed.basis": (f"{_C[0]}, cas n° 16", f"{_C[1]}, case 16"),
    "c.l.ongoing": (
        "La violation est toujours en cours : ses effets ne sont pas encore maîtrisés (vraisemblance "
        "{level:label:axis_level}).",
        "The breach is still going on: its effects are not under control yet (likelihood {level:label:axis_level}).",
    ),
    "c.l.ongoing.basis": (
        f"{_G[0].replace('IV.B', 'II.B.2')} ; CNIL, « Notifier une violation de données »",
        f"{_G[1].replace('IV.B', 'II.B.2')}; CNIL, “Notifier une violation de données”",
    ),
    "c.l.key_compromised": (
        "La clé de chiffrement ou le sel du hachage est compromis : la protection ne joue plus, les données sont "
        "tenues pour lisibles.",
        "The encryption key or the hash salt is compromised: the protection no longer works, the data are "
        "taken as readable.",
    ),
    "c.l.key_compromised.basis": (
        f"{_G[0]} (facilité d'identification) ; RGPD art. 34(3)(a)",
        f"{_G[1]} (ease of identification); GDPR art. 34(3)(a)",
    ),
    "c.l.encrypted_key_compromised": (
        "Les données étaient chiffrées, mais la clé est compromise : elles sont tenues pour lisibles.",
        "The data were encrypted, but the key is compromised: they are taken as readable.",
    ),
    "c.l.encrypted_key_compromised.basis": (
        f"{_G[0]} (facilité d'identification) ; RGPD art. 34(3)(a)",
        f"{_G[1]} (ease of identification); GDPR art. 34(3)(a)",
    ),
    "c.l.hashed_weak": (
        "Le hachage est trop faible pour résister : les données sont tenues pour lisibles.",
        "The hashing is too weak to resist: the data are taken as readable.",
    ),
    "c.l.hashed_weak.basis": (f"{_C[0]}, cas n° 6", f"{_C[1]}, case 6"),
    "c.l.unintelligible_encrypted": (
        "Les données étaient chiffrées selon l'état de l'art et la clé n'est pas compromise : elles restent "
        "inintelligibles pour qui les détient sans droit (vraisemblance {level:label:axis_level}).",
        "The data were encrypted to the state of the art and the key is safe: they stay unintelligible to "
        "whoever holds them unlawfully (likelihood {level:label:axis_level}).",
    ),
    "c.l.unintelligible_encrypted.basis": (
        f"RGPD art. 34(3)(a) ; {_C[0]}, cas n° 1 et 10 ; {_G[0]}, annexe B, ex. 1",
        f"GDPR art. 34(3)(a); {_C[1]}, cases 1 and 10; {_G[1]}, annex B, ex. 1",
    ),
    "c.l.unintelligible_hashed": (
        "Les mots de passe étaient hachés avec sel selon l'état de l'art et le sel n'est pas compromis : ils ne "
        "peuvent pas être retrouvés (vraisemblance {level:label:axis_level}).",
        "The passwords were hashed with a salt to the state of the art and the salt is safe: they cannot be "
        "recovered (likelihood {level:label:axis_level}).",
    ),
    "c.l.unintelligible_hashed.basis": (
        f"{_C[0]}, cas n° 6 ; RGPD art. 34(3)(a)",
        f"{_C[1]}, case 6; GDPR art. 34(3)(a)",
    ),
    "c.l.already_public": (
        "Les données exposées étaient déjà publiques de façon licite : leur divulgation n'apprend rien de plus "
        "(vraisemblance {level:label:axis_level}).",
        "The exposed data were already lawfully public: their disclosure reveals nothing more (likelihood "
        "{level:label:axis_level}).",
    ),
    "c.l.already_public.basis": (f"{_G[0]} (nature des données)", f"{_G[1]} (nature of the data)"),
    "c.l.not_accessed": (
        "Les données n'ont pas été ouvertes (courrier ou courriel revenu non ouvert, support récupéré avant tout "
        "accès) : la confidentialité n'a pas été atteinte (vraisemblance {level:label:axis_level}).",
        "The data were not opened (letter or e-mail returned unopened, medium recovered before any access): "
        "confidentiality was not breached (likelihood {level:label:axis_level}).",
    ),
    "c.l.not_accessed.basis": (f"{_C[0]}, cas n° 13", f"{_C[1]}, case 13"),
    "c.l.secrecy_deleted": (
        "Le destinataire est tenu au secret professionnel et a supprimé les données : le risque d'un usage "
        "abusif est écarté (vraisemblance {level:label:axis_level}).",
        "The recipient is bound by professional secrecy and deleted the data: misuse is ruled out (likelihood "
        "{level:label:axis_level}).",
    ),
    "c.l.secrecy_deleted.basis": (
        f"{_C[0]}, cas n° 9 ; {_G[0]} (gravité : destinataire de confiance)",
        f"{_C[1]}, case 9; {_G[1]} (severity: trusted recipient)",
    ),
    "c.l.secrecy": (
        "Le destinataire est tenu au secret professionnel : il ne peut pas divulguer ce qu'il a vu (vraisemblance "
        "{level:label:axis_level}).",
        "The recipient is bound by professional secrecy: they cannot disclose what they saw (likelihood "
        "{level:label:axis_level}).",
    ),
    "c.l.secrecy.basis": (
        f"{_C[0]}, cas n° 9 ; Code pénal art. 226-13",
        f"{_C[1]}, case 9; Code pénal art. 226-13",
    ),
    "c.l.recovered": (
        "Les données ont été récupérées ou leur suppression a été confirmée : la copie n'existe plus, mais ce qui a "
        "pu être lu l'a été (vraisemblance {level:label:axis_level}).",
        "The data were recovered or their deletion confirmed: the copy is gone, but what may have been read "
        "was read (likelihood {level:label:axis_level}).",
    ),
    "c.l.recovered.basis": (f"{_C[0]}, cas n° 13 et 15", f"{_C[1]}, cases 13 and 15"),
    # --- Severity ---------------------------------------------------------------------------------------------
    "c.s.data": (
        "Par leur nature, les données les plus lourdes ({categories:labels:data_category}) donnent une gravité "
        "{level:label:axis_level}.",
        "By their nature, the heaviest data ({categories:labels:data_category}) give a {level:label:axis_level} "
        "severity.",
    ),
    "c.s.data.basis": (
        f"{_G[0]} (nature, sensibilité et volume des données) ; RGPD art. 9 et considérant 85 ; {_PIA[0]}",
        f"{_G[1]} (nature, sensitivity and volume of data); GDPR art. 9 and recital 85; {_PIA[1]}",
    ),
    "c.s.special_minor": (
        "Les données sensibles ({categories:labels:data_category}) ne sont qu'une mention accessoire : elles "
        "n'alourdissent pas la gravité.",
        "The special-category data ({categories:labels:data_category}) are only an incidental mention: they do "
        "not add to the severity.",
    ),
    "c.s.special_minor.basis": (f"{_C[0]}, cas n° 15", f"{_C[1]}, case 15"),
    "c.s.special_highly_sensitive": (
        "Les données sensibles sont particulièrement intimes (VIH, génétique, santé mentale, addiction…) : leur "
        "divulgation peut exposer à la discrimination et atteindre durablement la personne.",
        "The special-category data are especially intimate (HIV, genetics, mental health, addiction…): their "
        "disclosure can expose people to discrimination and harm them lastingly.",
    ),
    "c.s.special_highly_sensitive.basis": (
        f"RGPD considérant 85 (secret médical, discrimination) ; {_C[0]}, cas n° 12",
        f"GDPR recital 85 (medical secrecy, discrimination); {_C[1]}, case 12",
    ),
    "c.s.patients": (
        "Le responsable est un acteur de santé : savoir qu'une personne est sa patiente dit déjà quelque chose de sa "
        "santé (gravité au moins {level:label:axis_level}).",
        "The controller is a care provider: knowing that someone is its patient already says something about "
        "their health (severity at least {level:label:axis_level}).",
    ),
    "c.s.patients.basis": (
        f"{_G[0]} (caractéristiques du responsable) ; ENISA 2013 (contexte de traitement)",
        f"{_G[1]} (special characteristics of the controller); ENISA 2013 (data processing context)",
    ),
    "c.s.vulnerable": (
        "Les personnes concernées ({persons:labels:person_category}) sont plus exposées aux conséquences "
        "(gravité {level:label:axis_level}).",
        "The persons concerned ({persons:labels:person_category}) are more exposed to the consequences "
        "(severity {level:label:axis_level}).",
    ),
    "c.s.vulnerable.basis": (
        f"{_G[0]} (caractéristiques des personnes)",
        f"{_G[1]} (special characteristics of the individuals)",
    ),
    "c.s.volume": (
        "{count:int} personnes sont concernées : à cette échelle, les conséquences s'aggravent (gravité "
        "{level:label:axis_level}).",
        "{count:int} persons are concerned: at this scale the consequences grow (severity {level:label:axis_level}).",
    ),
    "c.s.volume.basis": (
        f"{_G[0]} (nombre de personnes) ; {_C[0]}, cas n° 11 et 14",
        f"{_G[1]} (number of affected individuals); {_C[1]}, cases 11 and 14",
    ),
    "c.s.hard_to_identify": (
        "Il est difficile de relier les données aux personnes (pseudonymisation, absence d'identifiant) (gravité "
        "{level:label:axis_level}).",
        "The data are hard to link to the persons (pseudonymisation, no identifier) (severity "
        "{level:label:axis_level}).",
    ),
    "c.s.hard_to_identify.basis": (f"{_G[0]} (facilité d'identification)", f"{_G[1]} (ease of identification)"),
    # --- Availability -----------------------------------------------------------------------------------------
    "a.l.care": (
        "La prise en charge des patients a été retardée ou perturbée : le dommage est réalisé (vraisemblance "
        "{level:label:axis_level}).",
        "Patients' care was delayed or disrupted: the harm has happened (likelihood {level:label:axis_level}).",
    ),
    "a.l.care.basis": (f"{_C[0]}, cas n° 3 ; {_G[0]}, annexe B, ex. 8", f"{_C[1]}, case 3; {_G[1]}, annex B, ex. 8"),
    "a.l.care_presumed": (
        "L'effet sur les soins n'est pas connu : chez un acteur de santé, une indisponibilité de plus de quelques "
        "heures a pu perturber la prise en charge (vraisemblance {level:label:axis_level}).",
        "The effect on care is not known: at a care provider, an outage of more than a few hours may have "
        "disrupted care (likelihood {level:label:axis_level}).",
    ),
    "a.l.care_presumed.basis": (
        f"{_C[0]}, cas n° 3 ; {_G[0]}, annexe B, ex. 8",
        f"{_C[1]}, case 3; {_G[1]}, annex B, ex. 8",
    ),
    "a.l.permanent": (
        "Des données sont perdues définitivement (vraisemblance {level:label:axis_level}).",
        "Data are lost for good (likelihood {level:label:axis_level}).",
    ),
    "a.l.permanent.basis": (
        f"{_G[0]} (permanence des conséquences) ; {_G[0]}, annexe B, ex. 4 ; CNIL, position après l'incendie d'OVH (2021)",
        f"{_G[1]} (permanence of consequences); {_G[1]}, annex B, ex. 4; CNIL, position after the OVH fire (2021)",
    ),
    "a.l.long": (
        "Les données sont restées inaccessibles {hours:decimal} heures, au-delà d'une journée de travail "
        "(vraisemblance {level:label:axis_level}).",
        "The data stayed out of reach for {hours:decimal} hours, beyond a working day (likelihood "
        "{level:label:axis_level}).",
    ),
    "a.l.long.basis": (f"{_C[0]}, cas n° 2 et 3", f"{_C[1]}, cases 2 and 3"),
    "a.l.long_unknown": (
        "La durée de l'indisponibilité n'est pas connue : elle est tenue pour longue (vraisemblance "
        "{level:label:axis_level}).",
        "How long the data stay out of reach is not known: it is taken as long (likelihood {level:label:axis_level}).",
    ),
    "a.l.long_unknown.basis": (f"{_C[0]}, cas n° 2", f"{_C[1]}, case 2"),
    "a.l.backup": (
        "Une sauvegarde permet de retrouver les données rapidement (vraisemblance {level:label:axis_level}).",
        "A backup gives the data back quickly (likelihood {level:label:axis_level}).",
    ),
    "a.l.backup.basis": (f"{_C[0]}, cas n° 1", f"{_C[1]}, case 1"),
    "a.l.short": (
        "Les données ont été rétablies en {hours:decimal} h, sans effet signalé pour les personnes "
        "(vraisemblance {level:label:axis_level}).",
        "The data were back within {hours:decimal} h, with no effect reported for the persons (likelihood "
        "{level:label:axis_level}).",
    ),
    "a.l.short.basis": (f"{_G[0]}, annexe B, ex. 3 ; {_C[0]}, cas n° 1", f"{_G[1]}, annex B, ex. 3; {_C[1]}, case 1"),
    "a.l.ongoing": (
        "L'indisponibilité dure encore (vraisemblance {level:label:axis_level}).",
        "The outage is still going on (likelihood {level:label:axis_level}).",
    ),
    "a.l.ongoing.basis": (f"{_G[0].replace('IV.B', 'II.B.2')}", f"{_G[1].replace('IV.B', 'II.B.2')}"),
    "a.s.care": (
        "Sans leurs dossiers, des patients peuvent recevoir des soins retardés ou inadaptés : gravité "
        "{level:label:axis_level}.",
        "Without their records, patients may get delayed or unsuitable care: {level:label:axis_level} severity.",
    ),
    "a.s.care.basis": (
        f"{_C[0]}, cas n° 3 ; {_G[0]} (type de violation : disponibilité)",
        f"{_C[1]}, case 3; {_G[1]} (type of breach: availability)",
    ),
    "a.s.permanent_health": (
        "La perte définitive de données de santé prive les patients de leur historique médical : gravité "
        "{level:label:axis_level}.",
        "The permanent loss of health data deprives patients of their medical history: {level:label:axis_level} "
        "severity.",
    ),
    "a.s.permanent_health.basis": (
        "CNIL, position après l'incendie d'OVH (2021) ; " + _C[0] + ", cas n° 12",
        "CNIL, position after the OVH fire (2021); " + _C[1] + ", case 12",
    ),
    "a.s.permanent_rights": (
        "La perte définitive de ces données peut priver les personnes de droits ou de sommes dues : gravité "
        "{level:label:axis_level}.",
        "Losing these data for good may deprive the persons of rights or money owed: {level:label:axis_level} "
        "severity.",
    ),
    "a.s.permanent_rights.basis": (f"{_G[0]}, annexe B, ex. 4", f"{_G[1]}, annex B, ex. 4"),
    "a.s.permanent_ordinary": (
        "Les données perdues sont ordinaires et peuvent être collectées à nouveau : gravité {level:label:axis_level}.",
        "The lost data are ordinary and can be collected again: {level:label:axis_level} severity.",
    ),
    "a.s.permanent_ordinary.basis": (
        f"{_G[0]}, annexe B, ex. 4 ; {_C[0]}, cas n° 2",
        f"{_G[1]}, annex B, ex. 4; {_C[1]}, case 2",
    ),
    "a.s.records": (
        "Ne plus pouvoir accéder à ces données gêne le suivi des personnes : gravité {level:label:axis_level}.",
        "Losing access to these data hampers the follow-up of the persons: {level:label:axis_level} severity.",
    ),
    "a.s.records.basis": (f"{_C[0]}, cas n° 2", f"{_C[1]}, case 2"),
    "a.s.ordinary": (
        "L'indisponibilité de ces données n'a que des effets mineurs pour les personnes : gravité "
        "{level:label:axis_level}.",
        "These data being out of reach has only minor effects on the persons: {level:label:axis_level} severity.",
    ),
    "a.s.ordinary.basis": (f"{_C[0]}, cas n° 1 et 2", f"{_C[1]}, cases 1 and 2"),
    # --- Integrity --------------------------------------------------------------------------------------------
    "i.l.restored": (
        "Les données altérées ont pu être restaurées dans leur état d'origine (vraisemblance "
        "{level:label:axis_level}).",
        "The altered data could be restored to their original state (likelihood {level:label:axis_level}).",
    ),
    "i.l.restored.basis": ("ENISA 2013 (circonstances : intégrité)", "ENISA 2013 (circumstances: integrity)"),
    "i.l.altered_malicious": (
        "Des données ont été altérées délibérément et leur restauration n'est pas établie : des informations "
        "fausses peuvent être utilisées (vraisemblance {level:label:axis_level}).",
        "Data were deliberately altered and their restoration is not established: false information may be used "
        "(likelihood {level:label:axis_level}).",
    ),
    "i.l.altered_malicious.basis": (
        f"{_G[0]} (type de violation) ; ENISA 2013 (circonstances : intégrité)",
        f"{_G[1]} (type of breach); ENISA 2013 (circumstances: integrity)",
    ),
    "i.l.altered": (
        "Des données ont été altérées et leur restauration n'est pas établie (vraisemblance {level:label:axis_level}).",
        "Data were altered and their restoration is not established (likelihood {level:label:axis_level}).",
    ),
    "i.l.altered.basis": (f"{_G[0]} (type de violation)", f"{_G[1]} (type of breach)"),
    "i.l.ongoing": (
        "L'altération peut se poursuivre (vraisemblance {level:label:axis_level}).",
        "The alteration may go on (likelihood {level:label:axis_level}).",
    ),
    "i.l.ongoing.basis": (f"{_G[0].replace('IV.B', 'II.B.2')}", f"{_G[1].replace('IV.B', 'II.B.2')}"),
    "i.s.care_records": (
        "Un dossier de soins faussé peut conduire à une erreur de prise en charge : gravité {level:label:axis_level}.",
        "A falsified care record can lead to a care error: {level:label:axis_level} severity.",
    ),
    "i.s.care_records.basis": (
        "RGPD considérant 85 (dommage physique) ; " + _PIA[0],
        "GDPR recital 85 (physical damage); " + _PIA[1],
    ),
    "i.s.records": (
        "Des données faussées de cette nature peuvent léser les personnes : gravité {level:label:axis_level}.",
        "Falsified data of this kind can harm the persons: {level:label:axis_level} severity.",
    ),
    "i.s.records.basis": (_PIA[0], _PIA[1]),
    "i.s.ordinary": (
        "L'altération de ces données n'a que des effets mineurs : gravité {level:label:axis_level}.",
        "Altering these data has only minor effects: {level:label:axis_level} severity.",
    ),
    "i.s.ordinary.basis": (_PIA[0], _PIA[1]),
    # --- The decision -----------------------------------------------------------------------------------------
    "decision.matrix": (
        "{event:label:event} : vraisemblance {likelihood:label:axis_level} × gravité "
        "{severity:label:axis_level} → {risk:label:risk}.",
        "{event:label:event}: {likelihood:label:axis_level} likelihood × {severity:label:axis_level} severity → "
        "{risk:label:risk}.",
    ),
    "decision.matrix.basis": (
        f"{_G[0]} (vraisemblance et gravité) ; {_PIA[0]} ; grille de Vigie",
        f"{_G[1]} (likelihood and severity); {_PIA[1]}; Vigie's matrix",
    ),
    "decision.unlikely": (
        "Aucun des événements redoutés ne présente de risque pour les droits et libertés des personnes : la "
        "violation est seulement inscrite au registre.",
        "None of the feared events presents a risk to the persons' rights and freedoms: the breach is only "
        "recorded in the register.",
    ),
    "decision.unlikely.basis": ("RGPD art. 33(1) et 33(5)", "GDPR art. 33(1) and 33(5)"),
    "decision.enisa_agrees": (
        "La méthode ENISA concorde : SE = {dpc} × {ei:decimal} + {cb:decimal} = {score:decimal}, gravité "
        "{enisa_level:label:enisa_level}.",
        "The ENISA method agrees: SE = {dpc} × {ei:decimal} + {cb:decimal} = {score:decimal}, "
        "{enisa_level:label:enisa_level} severity.",
    ),
    "decision.enisa_agrees.basis": (
        "ENISA 2013, méthode d'évaluation de la gravité",
        "ENISA 2013, severity assessment methodology",
    ),
    "decision.enisa_harsher": (
        "La méthode ENISA donne SE = {dpc} × {ei:decimal} + {cb:decimal} = {score:decimal}, gravité "
        "{enisa_level:label:enisa_level}, ce qui correspondrait à « {enisa_risk:label:risk} ». La décision retient "
        "« {risk:label:risk} » : le score ENISA ne mesure pas la vraisemblance, et ignore ce qui l'abaisse ici "
        "({factors:labels:factor}).",
        "The ENISA method gives SE = {dpc} × {ei:decimal} + {cb:decimal} = {score:decimal}, "
        "{enisa_level:label:enisa_level} severity, which would mean “{enisa_risk:label:risk}”. The decision is "
        "“{risk:label:risk}”: the ENISA score does not measure likelihood, and ignores what lowers it here "
        "({factors:labels:factor}).",
    ),
    "decision.enisa_harsher.basis": (f"{_G[0]} ; ENISA 2013", f"{_G[1]}; ENISA 2013"),
    "decision.enisa_harsher_matrix": (
        "La méthode ENISA donne SE = {dpc} × {ei:decimal} + {cb:decimal} = {score:decimal}, gravité "
        "{enisa_level:label:enisa_level}, ce qui correspondrait à « {enisa_risk:label:risk} ». La décision retient "
        "« {risk:label:risk} » : une gravité {severity:label:axis_level} n'est à craindre qu'avec une "
        "vraisemblance {likelihood:label:axis_level}, que le score ENISA ne mesure pas.",
        "The ENISA method gives SE = {dpc} × {ei:decimal} + {cb:decimal} = {score:decimal}, "
        "{enisa_level:label:enisa_level} severity, which would mean “{enisa_risk:label:risk}”. The decision is "
        "“{risk:label:risk}”: a {severity:label:axis_level} severity is only to be feared with a "
        "{likelihood:label:axis_level} likelihood, which the ENISA score does not measure.",
    ),
    "decision.enisa_harsher_matrix.basis": (f"{_G[0]} ; ENISA 2013", f"{_G[1]}; ENISA 2013"),
    "decision.enisa_milder": (
        "La méthode ENISA donne SE = {dpc} × {ei:decimal} + {cb:decimal} = {score:decimal}, gravité "
        "{enisa_level:label:enisa_level}, ce qui correspondrait à « {enisa_risk:label:risk} ». La décision retient "
        "« {risk:label:risk} » : le score ENISA ne tient pas compte de ce qui pèse ici "
        "({factors:labels:factor}).",
        "The ENISA method gives SE = {dpc} × {ei:decimal} + {cb:decimal} = {score:decimal}, "
        "{enisa_level:label:enisa_level} severity, which would mean “{enisa_risk:label:risk}”. The decision is "
        "“{risk:label:risk}”: the ENISA score does not take into account what weighs here "
        "({factors:labels:factor}).",
    ),
    "decision.enisa_milder.basis": (f"{_G[0]} ; ENISA 2013", f"{_G[1]}; ENISA 2013"),
    "decision.enisa_milder_matrix": (
        "La méthode ENISA donne SE = {dpc} × {ei:decimal} + {cb:decimal} = {score:decimal}, gravité "
        "{enisa_level:label:enisa_level}, ce qui correspondrait à « {enisa_risk:label:risk} ». La décision retient "
        "« {risk:label:risk} » : une vraisemblance {likelihood:label:axis_level} et une gravité "
        "{severity:label:axis_level} suffisent, et le score ENISA ne mesure pas la vraisemblance.",
        "The ENISA method gives SE = {dpc} × {ei:decimal} + {cb:decimal} = {score:decimal}, "
        "{enisa_level:label:enisa_level} severity, which would mean “{enisa_risk:label:risk}”. The decision is "
        "“{risk:label:risk}”: a {likelihood:label:axis_level} likelihood and a {severity:label:axis_level} "
        "severity suffice, and the ENISA score does not measure likelihood.",
    ),
    "decision.enisa_milder_matrix.basis": (f"{_G[0]} ; ENISA 2013", f"{_G[1]}; ENISA 2013"),
    "decision.exception_a": (
        "Exception de l'art. 34(3)(a) : sans le chiffrement (ou le hachage salé), l'accès aux données serait un "
        "risque élevé ; inintelligibles, elles n'imposent pas d'informer les personnes.",
        "Art. 34(3)(a) exception: without the encryption (or salted hashing), access to the data would be a "
        "high risk; unintelligible, they do not require informing the persons.",
    ),
    "decision.exception_a.basis": ("RGPD art. 34(3)(a)", "GDPR art. 34(3)(a)"),
    "decision.exception_a_not_applicable": (
        "Les données sont chiffrées, mais le risque élevé vient d'un autre événement (perte d'accès ou "
        "altération) : le chiffrement n'en protège pas, l'exception de l'art. 34(3)(a) ne s'applique donc pas.",
        "The data are encrypted, but the high risk comes from another event (loss of access or alteration): "
        "encryption does not protect from it, so the art. 34(3)(a) exception does not apply.",
    ),
    "decision.exception_a_not_applicable.basis": ("RGPD art. 34(3)(a)", "GDPR art. 34(3)(a)"),
    "decision.exception_b": (
        "Exception de l'art. 34(3)(b) : les mesures prises après la violation empêchent le risque élevé de se "
        "réaliser, l'information des personnes n'est donc pas obligatoire.",
        "Art. 34(3)(b) exception: the measures taken since the breach keep the high risk from materialising, "
        "so informing the persons is not required.",
    ),
    "decision.exception_b.basis": ("RGPD art. 34(3)(b)", "GDPR art. 34(3)(b)"),
    "decision.exception_c": (
        "Exception de l'art. 34(3)(c) : joindre chaque personne demanderait des efforts disproportionnés ; une "
        "communication publique tout aussi efficace la remplace.",
        "Art. 34(3)(c) exception: reaching each person would take a disproportionate effort; an equally "
        "effective public communication replaces it.",
    ),
    "decision.exception_c.basis": ("RGPD art. 34(3)(c)", "GDPR art. 34(3)(c)"),
}
