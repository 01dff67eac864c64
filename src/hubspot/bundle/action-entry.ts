// Entry of dist/hubspot/fml-hubspot-action.js, the paste-ready Custom Code action. Only what the action
// needs, so the bundle stays small: no webhooks, no sandbox, no write-back.
export { hubspotCustomCodeAction } from '../custom-code/action';
export { VERSION } from '../../version';
