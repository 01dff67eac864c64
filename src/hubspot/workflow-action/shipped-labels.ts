import type { BlockExpiration, InputFieldName, OutputFieldName } from './fields';
import type { ActionLabels, HubSpotLanguage } from './labels';

// The action's copy in every language HubSpot shows: the labels the SDK ships (mergeLabels in ./labels.ts
// lays an app's own on top).

/** Labels as the SDK ships them: every input and output named. */
interface ShippedLabels extends ActionLabels {
  actionDescription: string;
  actionCardContent: string;
  inputFieldLabels: Record<InputFieldName, string>;
  inputFieldDescriptions: Record<InputFieldName, string>;
  inputFieldOptionLabels: Record<'sendInvite' | 'waitForDecision', Record<'true' | 'false', string>> & {
    blockExpiration: Record<BlockExpiration, string>;
  };
  outputFieldLabels: Record<OutputFieldName, string>;
}

const optionLabels = (yes: string, no: string, waits: Record<BlockExpiration, string>) => ({
  sendInvite: { true: yes, false: no },
  waitForDecision: { true: yes, false: no },
  blockExpiration: waits,
});

// Written for this action, reviewed for tone: short, imperative, the way HubSpot's own actions read.
const SHIPPED: Record<HubSpotLanguage, ShippedLabels> = {
  en: {
    actionName: 'Start FML KYB case',
    actionDescription:
      'Creates a KYB case in First Mile Labs for the enrolled company and emails the contact their onboarding invite. Can pause the workflow until FML approves or declines the case.',
    actionCardContent: 'Start an FML KYB case for {{contactEmail}}',
    inputFieldLabels: {
      contactEmail: 'Contact email',
      contactName: 'Contact name',
      companyName: 'Company name',
      country: 'Country/Region',
      sendInvite: 'Send the onboarding invite now',
      waitForDecision: "Wait for FML's decision",
      blockExpiration: 'Wait at most',
      contactEmailProperty: 'Or: Company property with the contact email',
      contactNameProperty: 'Or: Company property with the contact name',
    },
    inputFieldDescriptions: {
      contactEmail:
        'Where FML sends the onboarding invite. Required, unless a Company property with the contact email is chosen below.',
      contactName: 'Used to greet the contact in the invite.',
      companyName: "Leave empty to use the company's name.",
      country: "Leave empty to use the company's Country/Region.",
      sendInvite: 'Email the magic-link invite as soon as the case exists.',
      waitForDecision:
        'Pause the workflow until FML approves or declines the case. Branch on the Decision output afterwards.',
      blockExpiration: "How long the workflow waits for FML's decision before moving on without it.",
      contactEmailProperty:
        'Used when Contact email is empty: the Company property (of this portal) that holds the email.',
      contactNameProperty: 'Used when Contact name is empty: the Company property that holds the name.',
    },
    inputFieldOptionLabels: optionLabels('Yes', 'No', {
      P1D: '1 day',
      P3D: '3 days',
      P1W: '1 week',
      P2W: '2 weeks',
      P30D: '30 days',
    }),
    outputFieldLabels: {
      caseId: 'FML case ID',
      customerPortalUrl: 'Customer portal link',
      status: 'Case status',
      decision: 'Decision',
      errorCode: 'Error code',
      errorMessage: 'Error message',
    },
  },
  fr: {
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
  },
  de: {
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
  },
  ja: {
    actionName: 'FML KYB ケースを開始',
    actionDescription:
      '登録された会社の KYB ケースを First Mile Labs に作成し、担当者にオンボーディングの招待メールを送信します。FML がケースを承認または却下するまでワークフローを一時停止することもできます。',
    actionCardContent: '{{contactEmail}} の FML KYB ケースを開始',
    inputFieldLabels: {
      contactEmail: '担当者のメールアドレス',
      contactName: '担当者名',
      companyName: '会社名',
      country: '国/地域',
      sendInvite: '招待を今すぐ送信',
      waitForDecision: 'FML の判断を待つ',
      blockExpiration: '最長待機時間',
      contactEmailProperty: 'または：担当者のメールアドレスを含む会社プロパティ',
      contactNameProperty: 'または：担当者名を含む会社プロパティ',
    },
    inputFieldDescriptions: {
      contactEmail: 'FML が招待を送信するアドレス（下でメールアドレスを含む会社プロパティを選ばない限り必須）。',
      contactName: '招待メールの宛名に使用します。',
      companyName: '空欄の場合は会社の名前を使用します。',
      country: '空欄の場合は会社の国/地域を使用します。',
      sendInvite: 'ケース作成後すぐに招待リンクを送信します。',
      waitForDecision:
        'FML がケースを承認または却下するまでワークフローを一時停止します。その後「判断」の出力で分岐できます。',
      blockExpiration: 'FML の判断を待たずに先へ進むまで、ワークフローが待機する時間。',
      contactEmailProperty:
        '担当者のメールアドレスが空欄の場合に使用：メールアドレスを含む（このポータルの）会社プロパティ。',
      contactNameProperty: '担当者名が空欄の場合に使用：名前を含む会社プロパティ。',
    },
    inputFieldOptionLabels: optionLabels('はい', 'いいえ', {
      P1D: '1 日',
      P3D: '3 日',
      P1W: '1 週間',
      P2W: '2 週間',
      P30D: '30 日',
    }),
    outputFieldLabels: {
      caseId: 'FML ケース ID',
      customerPortalUrl: '顧客ポータルのリンク',
      status: 'ケースのステータス',
      decision: '判断',
      errorCode: 'エラーコード',
      errorMessage: 'エラーメッセージ',
    },
  },
  es: {
    actionName: 'Iniciar caso KYB de FML',
    actionDescription:
      'Crea un caso KYB en First Mile Labs para la empresa inscrita y envía al contacto su invitación de incorporación. Puede pausar el workflow hasta que FML apruebe o rechace el caso.',
    actionCardContent: 'Iniciar un caso KYB de FML para {{contactEmail}}',
    inputFieldLabels: {
      contactEmail: 'Correo del contacto',
      contactName: 'Nombre del contacto',
      companyName: 'Nombre de la empresa',
      country: 'País/Región',
      sendInvite: 'Enviar la invitación ahora',
      waitForDecision: 'Esperar la decisión de FML',
      blockExpiration: 'Esperar como máximo',
      contactEmailProperty: 'O bien: propiedad de empresa con el correo del contacto',
      contactNameProperty: 'O bien: propiedad de empresa con el nombre del contacto',
    },
    inputFieldDescriptions: {
      contactEmail:
        'Dirección a la que FML envía la invitación. Obligatorio, salvo que se elija abajo una propiedad de empresa con el correo del contacto.',
      contactName: 'Se usa para saludar al contacto en la invitación.',
      companyName: 'Déjelo vacío para usar el nombre de la empresa.',
      country: 'Déjelo vacío para usar el país/región de la empresa.',
      sendInvite: 'Enviar el enlace de invitación en cuanto exista el caso.',
      waitForDecision:
        'Pausar el workflow hasta que FML apruebe o rechace el caso. Después, ramifique según la salida Decisión.',
      blockExpiration: 'Cuánto espera el workflow la decisión de FML antes de continuar sin ella.',
      contactEmailProperty:
        'Se usa si el correo del contacto está vacío: la propiedad de empresa (de este portal) que contiene el correo.',
      contactNameProperty:
        'Se usa si el nombre del contacto está vacío: la propiedad de empresa que contiene el nombre.',
    },
    inputFieldOptionLabels: optionLabels('Sí', 'No', {
      P1D: '1 día',
      P3D: '3 días',
      P1W: '1 semana',
      P2W: '2 semanas',
      P30D: '30 días',
    }),
    outputFieldLabels: {
      caseId: 'ID del caso FML',
      customerPortalUrl: 'Enlace al portal del cliente',
      status: 'Estado del caso',
      decision: 'Decisión',
      errorCode: 'Código de error',
      errorMessage: 'Mensaje de error',
    },
  },
  'pt-br': {
    actionName: 'Iniciar caso KYB da FML',
    actionDescription:
      'Cria um caso KYB na First Mile Labs para a empresa inscrita e envia ao contato o convite de onboarding. Pode pausar o fluxo de trabalho até a FML aprovar ou recusar o caso.',
    actionCardContent: 'Iniciar um caso KYB da FML para {{contactEmail}}',
    inputFieldLabels: {
      contactEmail: 'E-mail do contato',
      contactName: 'Nome do contato',
      companyName: 'Nome da empresa',
      country: 'País/Região',
      sendInvite: 'Enviar o convite agora',
      waitForDecision: 'Aguardar a decisão da FML',
      blockExpiration: 'Aguardar no máximo',
      contactEmailProperty: 'Ou: propriedade da empresa com o e-mail do contato',
      contactNameProperty: 'Ou: propriedade da empresa com o nome do contato',
    },
    inputFieldDescriptions: {
      contactEmail:
        'Endereço para o qual a FML envia o convite. Obrigatório, a menos que uma propriedade da empresa com o e-mail do contato seja escolhida abaixo.',
      contactName: 'Usado para cumprimentar o contato no convite.',
      companyName: 'Deixe em branco para usar o nome da empresa.',
      country: 'Deixe em branco para usar o país/região da empresa.',
      sendInvite: 'Enviar o link do convite assim que o caso existir.',
      waitForDecision:
        'Pausar o fluxo de trabalho até a FML aprovar ou recusar o caso. Depois, ramifique pela saída Decisão.',
      blockExpiration: 'Quanto tempo o fluxo de trabalho aguarda a decisão da FML antes de seguir sem ela.',
      contactEmailProperty:
        'Usada quando o e-mail do contato está vazio: a propriedade da empresa (deste portal) que contém o e-mail.',
      contactNameProperty: 'Usada quando o nome do contato está vazio: a propriedade da empresa que contém o nome.',
    },
    inputFieldOptionLabels: optionLabels('Sim', 'Não', {
      P1D: '1 dia',
      P3D: '3 dias',
      P1W: '1 semana',
      P2W: '2 semanas',
      P30D: '30 dias',
    }),
    outputFieldLabels: {
      caseId: 'ID do caso FML',
      customerPortalUrl: 'Link do portal do cliente',
      status: 'Status do caso',
      decision: 'Decisão',
      errorCode: 'Código de erro',
      errorMessage: 'Mensagem de erro',
    },
  },
  nl: {
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
  },
};

/** A deep copy of the labels the SDK ships for `language`. */
export function shippedLabels(language: HubSpotLanguage): ActionLabels {
  return structuredClone(SHIPPED[language]);
}
