import { optionLabels, type ShippedLabels } from './shape';

/** The action's copy in Dutch (HubSpot language `nl`). */
export const nl: ShippedLabels = {
  actionName: 'FML KYB-dossier starten',
  actionDescription:
    'Maakt in First Mile Labs een KYB-dossier aan voor het ingeschreven bedrijf en stuurt de contactpersoon de onboarding-uitnodiging. Kan de workflow pauzeren tot FML het dossier goedkeurt of afwijst.',
  actionCardContent: 'FML KYB-dossier starten voor {{contactEmail}}',
  inputFieldLabels: {
    contactEmail: 'E-mail van contactpersoon',
    contactName: 'Naam van contactpersoon',
    companyName: 'Bedrijfsnaam',
    country: 'Land/regio',
    sendInvite: 'Uitnodiging nu versturen',
    waitForDecision: 'Wachten op het besluit van FML',
    blockExpiration: 'Maximaal wachten',
    contactEmailProperty: 'Of: bedrijfseigenschap met het e-mailadres van de contactpersoon',
    contactNameProperty: 'Of: bedrijfseigenschap met de naam van de contactpersoon',
  },
  inputFieldDescriptions: {
    contactEmail:
      'Het adres waar FML de uitnodiging naartoe stuurt. Verplicht, tenzij hieronder een bedrijfseigenschap met het e-mailadres is gekozen.',
    contactName: 'Voor de aanhef in de uitnodiging.',
    companyName: 'Laat leeg om de naam van het bedrijf te gebruiken.',
    country: 'Laat leeg om het land/de regio van het bedrijf te gebruiken.',
    sendInvite: 'De uitnodigingslink versturen zodra het dossier bestaat.',
    waitForDecision:
      'De workflow pauzeren tot FML het dossier goedkeurt of afwijst. Vertak daarna op de uitvoer Besluit.',
    blockExpiration: 'Hoe lang de workflow op het besluit van FML wacht voordat hij zonder verdergaat.',
    contactEmailProperty:
      'Gebruikt als het e-mailadres leeg is: de bedrijfseigenschap (van dit portaal) met het e-mailadres.',
    contactNameProperty: 'Gebruikt als de naam leeg is: de bedrijfseigenschap met de naam.',
  },
  inputFieldOptionLabels: optionLabels('Ja', 'Nee', {
    P1D: '1 dag',
    P3D: '3 dagen',
    P1W: '1 week',
    P2W: '2 weken',
    P30D: '30 dagen',
  }),
  outputFieldLabels: {
    caseId: 'FML-dossier-ID',
    customerPortalUrl: 'Link naar klantportaal',
    status: 'Dossierstatus',
    decision: 'Besluit',
    errorCode: 'Foutcode',
    errorMessage: 'Foutmelding',
  },
};
