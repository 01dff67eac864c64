import { optionLabels, type ShippedLabels } from './shape';

/** The action's copy in Brazilian Portuguese (HubSpot language `pt-br`). */
export const ptBr: ShippedLabels = {
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
};
