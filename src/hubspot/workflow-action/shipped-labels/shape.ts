import type { BlockExpiration, InputFieldName, OutputFieldName } from '../fields';
import type { ActionLabels } from '../labels';

/** Labels as the SDK ships them: every input and output named, so a language file missing one fails to compile. */
export interface ShippedLabels extends ActionLabels {
  actionDescription: string;
  actionCardContent: string;
  inputFieldLabels: Record<InputFieldName, string>;
  inputFieldDescriptions: Record<InputFieldName, string>;
  inputFieldOptionLabels: Record<'sendInvite' | 'waitForDecision', Record<'true' | 'false', string>> & {
    blockExpiration: Record<BlockExpiration, string>;
  };
  outputFieldLabels: Record<OutputFieldName, string>;
}

/** The select inputs' option labels: the two yes/no inputs share one pair, the wait has one per duration. */
export const optionLabels = (yes: string, no: string, waits: Record<BlockExpiration, string>) => ({
  sendInvite: { true: yes, false: no },
  waitForDecision: { true: yes, false: no },
  blockExpiration: waits,
});
