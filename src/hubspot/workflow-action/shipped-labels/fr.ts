import { optionLabels, type ShippedLabels } from './shape';

/** The action's copy in French (HubSpot language `fr`). */
export const fr: ShippedLabels = {
  actionName: 'Lancer un dossier KYB FML',
  actionDescription:
    "Crée un dossier KYB dans First Mile Labs pour l'entreprise inscrite et envoie au contact son invitation d'intégration. Peut mettre le workflow en pause jusqu'à ce que FML approuve ou refuse le dossier.",
  actionCardContent: 'Lancer un dossier KYB FML pour {{contactEmail}}',
  inputFieldLabels: {
    contactEmail: 'E-mail du contact',
    contactName: 'Nom du contact',
    companyName: "Nom de l'entreprise",
    country: 'Pays/Région',
    sendInvite: "Envoyer l'invitation maintenant",
    waitForDecision: 'Attendre la décision de FML',
    blockExpiration: 'Attendre au plus',
    contactEmailProperty: "Ou : propriété d'entreprise avec l'e-mail du contact",
    contactNameProperty: "Ou : propriété d'entreprise avec le nom du contact",
  },
  inputFieldDescriptions: {
    contactEmail:
      "Adresse à laquelle FML envoie l'invitation. Obligatoire, sauf si une propriété d'entreprise avec l'e-mail du contact est choisie plus bas.",
    contactName: "Utilisé pour saluer le contact dans l'invitation.",
    companyName: "Laissez vide pour utiliser le nom de l'entreprise.",
    country: "Laissez vide pour utiliser le pays/région de l'entreprise.",
    sendInvite: "Envoyer le lien d'invitation dès la création du dossier.",
    waitForDecision:
      "Mettre le workflow en pause jusqu'à ce que FML approuve ou refuse le dossier. Créez ensuite une branche selon la sortie Décision.",
    blockExpiration: 'Durée pendant laquelle le workflow attend la décision de FML avant de continuer sans elle.',
    contactEmailProperty:
      "Utilisée si l'e-mail du contact est vide : la propriété d'entreprise (de ce portail) qui contient l'e-mail.",
    contactNameProperty: "Utilisée si le nom du contact est vide : la propriété d'entreprise qui contient le nom.",
  },
  inputFieldOptionLabels: optionLabels('Oui', 'Non', {
    P1D: '1 jour',
    P3D: '3 jours',
    P1W: '1 semaine',
    P2W: '2 semaines',
    P30D: '30 jours',
  }),
  outputFieldLabels: {
    caseId: 'ID du dossier FML',
    customerPortalUrl: 'Lien du portail client',
    status: 'Statut du dossier',
    decision: 'Décision',
    errorCode: "Code d'erreur",
    errorMessage: "Message d'erreur",
  },
};
