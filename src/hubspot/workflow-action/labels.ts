/** A language HubSpot shows custom-action labels in. English is required; the others are optional. */
export type HubSpotLanguage = 'en' | 'fr' | 'de' | 'ja' | 'es' | 'pt-br' | 'nl';

/** Every language HubSpot supports for custom-action labels. */
export const HUBSPOT_LANGUAGES: readonly HubSpotLanguage[] = ['en', 'fr', 'de', 'ja', 'es', 'pt-br', 'nl'];

/** The user-facing copy of the action in one language (HubSpot's `PublicActionLabels`). */
export interface ActionLabels {
  /** The action's name in the workflow editor's action list. */
  actionName: string;
  /** Shown in the action editor above the inputs. */
  actionDescription?: string;
  /** The action card's text in the workflow; `{{inputName}}` shows that input's value. */
  actionCardContent?: string;
  /** Shown at the top of the action editor. */
  appDisplayName?: string;
  /** Input name → label. Every input needs one in English. */
  inputFieldLabels?: Record<string, string>;
  /** Input name → tooltip. */
  inputFieldDescriptions?: Record<string, string>;
  /** Input name → option value → label, for select inputs. */
  inputFieldOptionLabels?: Record<string, Record<string, string>>;
  /** Output name → label, as later workflow steps show it. */
  outputFieldLabels?: Record<string, string>;
  /** Anything newer HubSpot accepts passes through. */
  [key: string]: unknown;
}

const MAPS = ['inputFieldLabels', 'inputFieldDescriptions', 'outputFieldLabels'] as const;

/**
 * `override` on top of `base`: plain fields replace, label maps merge key by key (so one renamed label
 * keeps the rest), option labels merge per input. Keys are copied with defineProperty, so a caller's
 * `__proto__` key stays an ordinary key.
 */
export function mergeLabels(base: ActionLabels | undefined, override: Partial<ActionLabels>): ActionLabels {
  const out = copyRecord(base ?? {}) as ActionLabels;
  for (const key of Object.keys(override)) {
    const value = (override as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if ((MAPS as readonly string[]).includes(key) && isRecord(value))
      put(out, key, { ...copyRecord(isRecord(out[key]) ? out[key] : {}), ...copyRecord(value) });
    else if (key === 'inputFieldOptionLabels' && isRecord(value)) {
      const merged = copyRecord(isRecord(out[key]) ? out[key] : {});
      for (const input of Object.keys(value)) {
        const given = value[input];
        const prior = merged[input];
        put(merged, input, {
          ...copyRecord(isRecord(prior) ? prior : {}),
          ...copyRecord(isRecord(given) ? given : {}),
        });
      }
      put(out, key, merged);
    } else put(out, key, value);
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function copyRecord(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) put(out, key, source[key]);
  return out;
}
