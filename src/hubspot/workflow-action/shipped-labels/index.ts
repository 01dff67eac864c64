import type { ActionLabels, HubSpotLanguage } from '../labels';
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { ja } from './ja';
import { nl } from './nl';
import { ptBr } from './pt-br';
import type { ShippedLabels } from './shape';

// The action's copy in every language HubSpot shows, one file per language: the labels the SDK ships
// (mergeLabels in ../labels.ts lays an app's own on top). Written for this action, reviewed for tone:
// short, imperative, the way HubSpot's own actions read.
const SHIPPED: Record<HubSpotLanguage, ShippedLabels> = { en, fr, de, ja, es, 'pt-br': ptBr, nl };

/** A deep copy of the labels the SDK ships for `language`. */
export function shippedLabels(language: HubSpotLanguage): ActionLabels {
  return structuredClone(SHIPPED[language]);
}
