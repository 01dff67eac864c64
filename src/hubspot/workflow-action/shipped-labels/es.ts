import { optionLabels, type ShippedLabels } from './shape';

/** The action's copy in Spanish (HubSpot language `es`). */
export const es: ShippedLabels = {
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
    contactNameProperty: 'Se usa si el nombre del contacto está vacío: la propiedad de empresa que contiene el nombre.',
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
};
