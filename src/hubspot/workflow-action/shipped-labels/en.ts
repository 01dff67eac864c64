import { optionLabels, type ShippedLabels } from './shape';

/** The action's copy in English (HubSpot language `en`). */
export const en: ShippedLabels = {
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
};
