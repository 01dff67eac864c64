import { optionLabels, type ShippedLabels } from './shape';

/** The action's copy in German (HubSpot language `de`). */
export const de: ShippedLabels = {
  actionName: 'FML-KYB-Fall starten',
  actionDescription:
    'Legt in First Mile Labs einen KYB-Fall für das aufgenommene Unternehmen an und sendet dem Kontakt die Onboarding-Einladung. Kann den Workflow anhalten, bis FML den Fall genehmigt oder ablehnt.',
  actionCardContent: 'FML-KYB-Fall für {{contactEmail}} starten',
  inputFieldLabels: {
    contactEmail: 'E-Mail des Kontakts',
    contactName: 'Name des Kontakts',
    companyName: 'Unternehmensname',
    country: 'Land/Region',
    sendInvite: 'Einladung jetzt senden',
    waitForDecision: 'Auf die Entscheidung von FML warten',
    blockExpiration: 'Höchstens warten',
    contactEmailProperty: 'Oder: Unternehmenseigenschaft mit der E-Mail des Kontakts',
    contactNameProperty: 'Oder: Unternehmenseigenschaft mit dem Namen des Kontakts',
  },
  inputFieldDescriptions: {
    contactEmail:
      'An diese Adresse sendet FML die Einladung. Pflichtfeld, außer unten ist eine Unternehmenseigenschaft mit der E-Mail gewählt.',
    contactName: 'Für die Anrede in der Einladung.',
    companyName: 'Leer lassen, um den Namen des Unternehmens zu verwenden.',
    country: 'Leer lassen, um Land/Region des Unternehmens zu verwenden.',
    sendInvite: 'Den Einladungslink senden, sobald der Fall angelegt ist.',
    waitForDecision:
      'Den Workflow anhalten, bis FML den Fall genehmigt oder ablehnt. Danach nach der Ausgabe „Entscheidung“ verzweigen.',
    blockExpiration: 'Wie lange der Workflow auf die Entscheidung von FML wartet, bevor er ohne sie weiterläuft.',
    contactEmailProperty:
      'Wird verwendet, wenn die E-Mail des Kontakts leer ist: die Unternehmenseigenschaft (dieses Portals) mit der E-Mail.',
    contactNameProperty:
      'Wird verwendet, wenn der Name des Kontakts leer ist: die Unternehmenseigenschaft mit dem Namen.',
  },
  inputFieldOptionLabels: optionLabels('Ja', 'Nein', {
    P1D: '1 Tag',
    P3D: '3 Tage',
    P1W: '1 Woche',
    P2W: '2 Wochen',
    P30D: '30 Tage',
  }),
  outputFieldLabels: {
    caseId: 'FML-Fall-ID',
    customerPortalUrl: 'Link zum Kundenportal',
    status: 'Fallstatus',
    decision: 'Entscheidung',
    errorCode: 'Fehlercode',
    errorMessage: 'Fehlermeldung',
  },
};
