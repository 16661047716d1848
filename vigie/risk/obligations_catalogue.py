"""The texts of the formalities (``obligations.py``), French and English: titles, bases, and every « why ».

Ids: ``obligation.<id>.title``, ``obligation.<id>.basis`` (and variants), ``obligation.<id>.<case>`` for the
why, ``obligation.<id>.late`` appended once a deadline has passed. Part of ``catalogue.MESSAGES``.
"""

from __future__ import annotations

from typing import Final

OBLIGATIONS: Final[dict[str, tuple[str, str]]] = {
    # --- Titles -----------------------------------------------------------------------------------------------
    "obligation.register.title": (
        "Inscrire la violation au registre des violations",
        "Record the breach in the breach register",
    ),
    "obligation.notify_cnil.title": ("Notifier la violation à la CNIL", "Notify the breach to the CNIL"),
    "obligation.inform_persons.title": ("Informer les personnes concernées", "Inform the persons concerned"),
    "obligation.processor_to_controller.title": ("Alerter le responsable de traitement", "Alert the controller"),
    "obligation.police_complaint.title": ("Porter plainte", "File a police complaint"),
    "obligation.ars_cert_sante.title": (
        "Signaler l'incident à l'ARS (CERT Santé)",
        "Report the incident to the ARS (CERT Santé)",
    ),
    "obligation.nis2_early_warning.title": (
        "Adresser l'alerte précoce NIS2 à l'ANSSI",
        "Send the NIS2 early warning to ANSSI",
    ),
    "obligation.ordre.title": (
        "Écrire au conseil départemental de l'Ordre",
        "Write to the departmental council of the Ordre",
    ),
    "obligation.cybermalveillance.title": (
        "Demander l'aide de cybermalveillance.gouv.fr ou du 17Cyber",
        "Ask cybermalveillance.gouv.fr or 17Cyber for help",
    ),
    "obligation.insurer.title": ("Déclarer le sinistre à l'assureur", "Declare the claim to the insurer"),
    # --- Bases ------------------------------------------------------------------------------------------------
    "obligation.register.basis": ("RGPD art. 33(5)", "GDPR art. 33(5)"),
    "obligation.notify_cnil.basis": ("RGPD art. 33(1) et 33(3)", "GDPR art. 33(1) and 33(3)"),
    "obligation.inform_persons.basis": ("RGPD art. 34", "GDPR art. 34"),
    "obligation.processor_to_controller.basis": ("RGPD art. 33(2) et 28(3)(f)", "GDPR art. 33(2) and 28(3)(f)"),
    "obligation.police_complaint.basis": (
        "Code pénal art. 323-1 s. (atteintes aux systèmes), 311-1 (vol), 226-4-1 (usurpation d'identité) ; "
        "recommandation, sans obligation légale",
        "Code pénal art. 323-1 ff. (attacks on information systems), 311-1 (theft), 226-4-1 (identity theft); "
        "a recommendation, not a legal obligation",
    ),
    "obligation.police_complaint.basis_insurance": (
        "Code des assurances art. L.12-10-1 (condition de garantie) ; Code pénal art. 323-1 s.",
        "Code des assurances art. L.12-10-1 (condition of cover); Code pénal art. 323-1 ff.",
    ),
    "obligation.ars_cert_sante.basis": (
        "CSP art. L.1111-8-2 et D.1111-16-2 s. (décret n° 2016-1214) ; arrêté du 30 octobre 2017",
        "CSP art. L.1111-8-2 and D.1111-16-2 ff. (décret n° 2016-1214); arrêté of 30 October 2017",
    ),
    "obligation.nis2_early_warning.basis": (
        "Directive (UE) 2022/2555 (NIS2) art. 23 ; loi française de transposition",
        "Directive (EU) 2022/2555 (NIS2) art. 23; the French transposition law",
    ),
    "obligation.ordre.basis": (
        "Bonne pratique, sans obligation légale (CSP art. R.4127-4 et R.4127-73)",
        "Good practice, not a legal obligation (CSP art. R.4127-4 and R.4127-73)",
    ),
    "obligation.cybermalveillance.basis": (
        "Bonne pratique ; dispositif national d'assistance aux victimes (GIP ACYMA)",
        "Good practice; the national victim-assistance service (GIP ACYMA)",
    ),
    "obligation.insurer.basis": (
        "Contrat d'assurance ; Code des assurances art. L.12-10-1",
        "Insurance contract; Code des assurances art. L.12-10-1",
    ),
    # --- Register ---------------------------------------------------------------------------------------------
    "obligation.register.controller": (
        "Toute violation, notifiée ou non, est consignée au registre : faits, effets, mesures prises, et le "
        "raisonnement suivi, y compris une décision de ne pas notifier.",
        "Every breach, notified or not, goes into the register: facts, effects, measures taken, and the "
        "reasoning followed, including a decision not to notify.",
    ),
    "obligation.register.processor": (
        "Le registre de l'art. 33(5) est celui du responsable de traitement. En tant que sous-traitant, "
        "consignez l'incident et votre alerte dans votre propre suivi : c'est recommandé, pour pouvoir l'aider à "
        "documenter les faits.",
        "The art. 33(5) register is the controller's. As a processor, keep the incident and your alert in your "
        "own records: recommended, so that you can help the controller document the facts.",
    ),
    # --- CNIL -------------------------------------------------------------------------------------------------
    "obligation.notify_cnil.processor": (
        "La notification à la CNIL incombe au responsable de traitement, pas au sous-traitant (sauf mandat de sa "
        "part).",
        "Notifying the CNIL falls to the controller, not to the processor (unless the controller mandates it).",
    ),
    "obligation.notify_cnil.processor_needed": (
        "D'après les faits connus, elle paraît nécessaire, dans les 72 heures suivant le moment où il en a "
        "connaissance.",
        "On the known facts it seems necessary, within 72 hours of the controller becoming aware.",
    ),
    "obligation.notify_cnil.processor_not_needed": (
        "D'après les faits connus, elle ne paraît pas nécessaire.",
        "On the known facts it does not seem necessary.",
    ),
    "obligation.notify_cnil.high": (
        "La violation est susceptible d'engendrer un risque élevé pour les personnes : elle est notifiée à la "
        "CNIL dans les meilleurs délais et au plus tard 72 heures après en avoir pris connaissance, quitte à "
        "compléter ensuite.",
        "The breach is likely to result in a high risk to the persons: it is notified to the CNIL without undue "
        "delay and within 72 hours of becoming aware, to be completed later if needed.",
    ),
    "obligation.notify_cnil.risk": (
        "La violation est susceptible d'engendrer un risque pour les personnes : elle est notifiée à la CNIL dans "
        "les meilleurs délais et au plus tard 72 heures après en avoir pris connaissance, quitte à compléter "
        "ensuite.",
        "The breach is likely to result in a risk to the persons: it is notified to the CNIL without undue delay "
        "and within 72 hours of becoming aware, to be completed later if needed.",
    ),
    "obligation.notify_cnil.unlikely": (
        "Un risque pour les personnes est improbable : pas de notification à la CNIL. La violation reste inscrite "
        "au registre avec le raisonnement qui le justifie, à revoir si des faits nouveaux apparaissent.",
        "A risk to the persons is unlikely: no notification to the CNIL. The breach stays in the register with "
        "the reasoning behind this, to be reviewed if new facts come to light.",
    ),
    "obligation.notify_cnil.late": (
        "Le délai de 72 heures est dépassé : notifiez sans attendre, en indiquant les motifs du retard (RGPD art. "
        "33(1)).",
        "The 72 hours have passed: notify at once, giving the reasons for the delay (GDPR art. 33(1)).",
    ),
    # --- Persons ----------------------------------------------------------------------------------------------
    "obligation.inform_persons.processor": (
        "L'information des personnes incombe au responsable de traitement.",
        "Informing the persons falls to the controller.",
    ),
    "obligation.inform_persons.processor_needed": (
        "D'après les faits connus, elle paraît nécessaire.",
        "On the known facts it seems necessary.",
    ),
    "obligation.inform_persons.processor_not_needed": (
        "D'après les faits connus, elle ne paraît pas nécessaire.",
        "On the known facts it does not seem necessary.",
    ),
    "obligation.inform_persons.public": (
        "Le risque est élevé, mais joindre chaque personne demanderait des efforts disproportionnés (RGPD art. "
        "34(3)(c)) : une communication publique tout aussi efficace (site internet, affichage, presse) la "
        "remplace, sans délai injustifié.",
        "The risk is high, but reaching each person would take a disproportionate effort (GDPR art. 34(3)(c)): "
        "an equally effective public communication (website, notices, press) replaces it, without undue delay.",
    ),
    "obligation.inform_persons.individual": (
        "Le risque est élevé : chaque personne concernée est informée individuellement (courrier, courriel ou "
        "SMS), sans délai injustifié, par un message dédié et clair : nature de la violation, conséquences "
        "probables, mesures prises, conseils et contact du délégué à la protection des données.",
        "The risk is high: each person concerned is informed individually (letter, e-mail or text message), "
        "without undue delay, by a dedicated and clear message: nature of the breach, likely consequences, "
        "measures taken, advice and the data protection officer's contact.",
    ),
    "obligation.inform_persons.exception_b": (
        "Exception de l'art. 34(3)(b) : les mesures prises après la violation font que le risque élevé n'est plus "
        "susceptible de se réaliser. Documentez-les : la CNIL peut exiger l'information (art. 34(4)).",
        "Art. 34(3)(b) exception: the measures taken since the breach mean the high risk is no longer likely to "
        "materialise. Document them: the CNIL may require informing the persons (art. 34(4)).",
    ),
    "obligation.inform_persons.exception_a": (
        "Exception de l'art. 34(3)(a) : les données chiffrées ou hachées avec sel sont inintelligibles pour qui "
        "les détient sans droit, l'information des personnes n'est pas obligatoire.",
        "Art. 34(3)(a) exception: the encrypted or salted-hashed data are unintelligible to whoever holds them "
        "unlawfully, so informing the persons is not required.",
    ),
    "obligation.inform_persons.not_high": (
        "Le risque n'est pas élevé : l'information des personnes n'est pas obligatoire. Elle reste possible, et la "
        "CNIL peut l'exiger.",
        "The risk is not high: informing the persons is not required. It remains possible, and the CNIL may "
        "require it.",
    ),
    # --- Processor --------------------------------------------------------------------------------------------
    "obligation.processor_to_controller.processor": (
        "En tant que sous-traitant, alertez chaque responsable de traitement concerné dans les meilleurs délais, "
        "sans attendre d'avoir évalué le risque, puis aidez-le à remplir ses obligations (RGPD art. 28(3)(f)).",
        "As a processor, alert each controller concerned without undue delay, without waiting to assess the "
        "risk, then help them meet their obligations (GDPR art. 28(3)(f)).",
    ),
    "obligation.processor_to_controller.controller": (
        "Vous êtes responsable de traitement : cette alerte est le fait des sous-traitants. Si la violation a eu "
        "lieu chez l'un d'eux, obtenez de lui tous les éléments utiles.",
        "You are the controller: this alert is the processors' duty. If the breach happened at one of them, get "
        "every useful detail from it.",
    ),
    # --- Complaint --------------------------------------------------------------------------------------------
    "obligation.police_complaint.no_offence": (
        "Rien n'indique une infraction (erreur, panne, perte) : une plainte ne s'impose pas.",
        "Nothing points to an offence (an error, a failure, a loss): a complaint is not called for.",
    ),
    "obligation.police_complaint.offence": (
        "Une infraction est probable (attaque informatique, vol, usurpation, ou tiers inconnus s'étant servis de "
        "données laissées accessibles) : une plainte auprès de la police, de la gendarmerie ou du procureur de la "
        "République est recommandée ; elle aide l'enquête et garde une trace.",
        "An offence is likely (a cyber attack, a theft, an impersonation, or unknown third parties helping "
        "themselves to data left accessible): a complaint to the police, the gendarmerie or the public "
        "prosecutor is recommended; it helps the investigation and leaves a record.",
    ),
    "obligation.police_complaint.insured": (
        "Condition de votre assurance : une cyberattaque n'est indemnisée que si la plainte est déposée dans les "
        "72 heures suivant sa détection (Code des assurances, art. L.12-10-1). C'est une condition de garantie, "
        "non une obligation légale.",
        "A condition of your insurance: a cyber attack is only covered if the complaint is filed within 72 hours "
        "of its detection (Code des assurances, art. L.12-10-1). It is a condition of cover, not a legal "
        "obligation.",
    ),
    "obligation.police_complaint.insurance_unknown": (
        "Si vous êtes assuré contre les cyberattaques, la plainte doit être déposée dans les 72 heures suivant la "
        "détection de l'attaque pour être indemnisé (Code des assurances, art. L.12-10-1) : une condition de "
        "garantie, non une obligation légale.",
        "If you are insured against cyber attacks, the complaint must be filed within 72 hours of the attack's "
        "detection to be covered (Code des assurances, art. L.12-10-1): a condition of cover, not a legal "
        "obligation.",
    ),
    "obligation.police_complaint.not_an_attack": (
        "Le délai de 72 heures du Code des assurances ne vise que les attaques de systèmes d'information ; "
        "vérifiez les conditions de votre contrat.",
        "The 72-hour condition of the Code des assurances only concerns attacks on information systems; check "
        "the terms of your contract.",
    ),
    "obligation.police_complaint.late": (
        "Les 72 heures suivant la détection sont dépassées : portez plainte sans attendre et prévenez l'assureur, "
        "l'indemnisation peut être compromise.",
        "The 72 hours after detection have passed: file the complaint at once and tell the insurer; cover may be "
        "at stake.",
    ),
    # --- ARS --------------------------------------------------------------------------------------------------
    "obligation.ars_cert_sante.not_health": (
        "Le signalement des incidents de sécurité à l'ARS concerne les structures de santé.",
        "Reporting security incidents to the ARS concerns health structures.",
    ),
    "obligation.ars_cert_sante.not_it": (
        "L'incident ne touche pas le système d'information (papier, courrier, erreur d'envoi ou données "
        "chiffrées) : il ne relève pas du signalement des incidents de sécurité informatique.",
        "The incident does not affect the information system (paper, post, misdirected message or encrypted "
        "data): it is not an IT security incident to report.",
    ),
    "obligation.ars_cert_sante.not_significant": (
        "Seuls les incidents significatifs ou graves sont à signaler (effets sur la sécurité des soins, la "
        "confidentialité ou l'intégrité des données de santé, ou le fonctionnement de la structure) : une "
        "interruption brève, sans effet sur les soins ni atteinte aux données, n'en est pas un.",
        "Only significant or serious incidents are reported (effects on the safety of care, on the "
        "confidentiality or integrity of health data, or on the running of the structure): a brief interruption, "
        "with no effect on care and no data compromised, is not one.",
    ),
    "obligation.ars_cert_sante.required": (
        "Incident significatif ou grave : les établissements de santé, laboratoires, centres de santé et "
        "structures médico-sociales le signalent sans délai à l'ARS, sur signalement-sante.gouv.fr ; CERT Santé "
        "aide ensuite à y faire face.",
        "A significant or serious incident: health establishments, laboratories, health centres and "
        "médico-social structures report it without delay to the ARS, on signalement-sante.gouv.fr; CERT Santé "
        "then helps handle it.",
    ),
    "obligation.ars_cert_sante.recommended": (
        "Incident significatif : l'obligation légale ne vise pas clairement les cabinets et officines, mais un "
        "signalement sur signalement-sante.gouv.fr est conseillé ; CERT Santé aide aussi les professionnels "
        "libéraux.",
        "A significant incident: the legal duty does not clearly cover practices and pharmacies, but a report "
        "on signalement-sante.gouv.fr is advised; CERT Santé also helps independent practitioners.",
    ),
    "obligation.ars_cert_sante.since": (
        "« Sans délai » court depuis la détection de l'incident, le {moment:date}.",
        "“Without delay” runs from the detection of the incident, {moment:date}.",
    ),
    # --- NIS2 -------------------------------------------------------------------------------------------------
    "obligation.nis2_early_warning.unknown": (
        "L'organisme n'est pas renseigné comme entité essentielle ou importante au sens de NIS2.",
        "The organisation is not recorded as an essential or important entity under NIS2.",
    ),
    "obligation.nis2_early_warning.not_entity": (
        "L'organisme n'est pas déclaré comme entité essentielle ou importante au sens de NIS2.",
        "The organisation is not declared an essential or important entity under NIS2.",
    ),
    "obligation.nis2_early_warning.not_it": (
        "NIS2 vise les incidents touchant les réseaux et systèmes d'information ; celui-ci n'en relève pas.",
        "NIS2 concerns incidents affecting network and information systems; this one does not.",
    ),
    "obligation.nis2_early_warning.not_significant": (
        "NIS2 ne vise que les incidents importants (perturbation grave du service, pertes, dommages considérables "
        "aux personnes) ; celui-ci n'en est pas un d'après les faits connus.",
        "NIS2 only concerns significant incidents (severe disruption of the service, losses, considerable damage "
        "to persons); on the known facts this is not one.",
    ),
    "obligation.nis2_early_warning.required": (
        "Entité essentielle ou importante au sens de NIS2 et incident important : une alerte précoce est adressée "
        "à l'ANSSI dans les 24 heures suivant sa détection, puis une notification dans les 72 heures et un "
        "rapport final dans le mois, en plus de la CNIL et de l'ARS. Les modalités sont celles de la loi "
        "française de transposition, qui prime.",
        "An essential or important entity under NIS2 with a significant incident: an early warning goes to "
        "ANSSI within 24 hours of its detection, then a notification within 72 hours and a final report within "
        "a month, on top of the CNIL and the ARS. The French transposition law governs the details.",
    ),
    "obligation.nis2_early_warning.late": (
        "Le délai de 24 heures est dépassé : adressez l'alerte sans attendre.",
        "The 24 hours have passed: send the warning at once.",
    ),
    # --- Ordre, victims' help, insurer ------------------------------------------------------------------------
    "obligation.ordre.recommended": (
        "Aucun texte n'impose de prévenir l'Ordre, mais un courrier au conseil départemental est une bonne "
        "pratique quand des dossiers de patients sont perdus, volés ou piratés, surtout si la continuité des soins "
        "ou les archives sont touchées.",
        "No text requires telling the Ordre, but a letter to the departmental council is good practice when "
        "patients' records are lost, stolen or hacked, especially if continuity of care or the archives suffer.",
    ),
    "obligation.ordre.not_applicable": (
        "Le courrier à l'Ordre est une bonne pratique réservée aux professionnels de santé dont des dossiers de "
        "patients ont été perdus, volés ou piratés ; ce n'est pas le cas ici.",
        "The letter to the Ordre is good practice for health professionals whose patients' records were lost, "
        "stolen or hacked; this is not the case here.",
    ),
    "obligation.cybermalveillance.recommended": (
        "Pour un acte malveillant, cybermalveillance.gouv.fr ou le 17Cyber aident à établir un diagnostic et "
        "orientent vers des prestataires labellisés et les forces de l'ordre. Ce n'est pas une notification "
        "légale.",
        "For a malicious act, cybermalveillance.gouv.fr or 17Cyber help with a diagnosis and point to labelled "
        "providers and the police. It is not a legal notification.",
    ),
    "obligation.cybermalveillance.not_applicable": (
        "Rien n'indique un acte de cybermalveillance : l'assistance aux victimes ne s'impose pas.",
        "Nothing points to a cyber offence: the victims' assistance service is not called for.",
    ),
    "obligation.insurer.insured": (
        "Déclarez le sinistre à votre assureur dans le délai prévu par le contrat.",
        "Declare the claim to your insurer within the period the contract sets.",
    ),
    "obligation.insurer.attack": (
        "Pour une cyberattaque, joignez le récépissé de la plainte déposée dans les 72 heures suivant la "
        "détection : c'est la condition de la garantie (Code des assurances, art. L.12-10-1).",
        "For a cyber attack, attach the receipt of the complaint filed within 72 hours of detection: it is the "
        "condition of cover (Code des assurances, art. L.12-10-1).",
    ),
    "obligation.insurer.not_attack": (
        "L'incident n'est pas une attaque de système d'information : la condition de plainte sous 72 heures du "
        "Code des assurances ne s'applique pas, celles du contrat si.",
        "The incident is not an attack on an information system: the Code des assurances' 72-hour complaint "
        "condition does not apply, the contract's conditions do.",
    ),
    "obligation.insurer.unknown": (
        "Vérifiez si un contrat d'assurance (cyber, multirisque professionnelle) couvre l'incident ; si oui, "
        "déclarez le sinistre dans le délai prévu.",
        "Check whether an insurance contract (cyber, professional multi-risk) covers the incident; if so, declare "
        "the claim within the period it sets.",
    ),
    "obligation.insurer.not_applicable": (
        "Aucune assurance couvrant l'incident n'est signalée.",
        "No insurance covering the incident is recorded.",
    ),
}
