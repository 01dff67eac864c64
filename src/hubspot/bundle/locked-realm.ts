// Injected into the paste-ready files only (scripts/build-hubspot.mjs maps every `Object.defineProperty`,
// `Object.defineProperties` and `Object.getPrototypeOf` in the bundle to these). n8n's Code node runs
// pasted code after replacing `Object.getPrototypeOf` with `() => ({})` and `Object.defineProperty(ies)`
// with no-ops (its task runner's prototype lock-down). zod and esbuild's export glue need the real ones:
// without them fml-sdk.js exports nothing and zod loops forever walking a prototype chain that never
// ends. The stand-ins below give the standard behaviour from intrinsics the lock-down leaves alone
// (`Reflect.defineProperty`, the `Object.prototype.__proto__` getter), and are the built-ins themselves
// wherever those are intact (HubSpot, Node, every ordinary runtime).

// Read by name: the build's `define` rewrites every `Object.defineProperty`-style expression, these too.
const native = {
  defineProperty: Reflect.get(Object, 'defineProperty') as typeof Object.defineProperty,
  defineProperties: Reflect.get(Object, 'defineProperties') as typeof Object.defineProperties,
  getPrototypeOf: Reflect.get(Object, 'getPrototypeOf') as typeof Object.getPrototypeOf,
};

/** True when `Object.getPrototypeOf` answers as the built-in does (false under n8n's lock-down). */
function prototypesIntact(): boolean {
  try {
    return native.getPrototypeOf([]) === Array.prototype;
  } catch {
    return false;
  }
}

/** True when `Object.defineProperty` really defines (false where it was replaced by a no-op). */
function definesIntact(): boolean {
  try {
    const probe: { x?: number } = {};
    native.defineProperty(probe, 'x', { value: 1 });
    return probe.x === 1;
  } catch {
    return false;
  }
}

const protoGetter = Object.getOwnPropertyDescriptor(Object.prototype, '__proto__')?.get;

function definePropertyViaReflect<T>(
  target: T,
  key: PropertyKey,
  descriptor: PropertyDescriptor & ThisType<unknown>,
): T {
  if (typeof target !== 'object' && typeof target !== 'function')
    throw new TypeError('Object.defineProperty called on non-object');
  if (target === null || !Reflect.defineProperty(target, key, descriptor))
    throw new TypeError(`Cannot define property ${String(key)}`);
  return target;
}

function definePropertiesViaReflect<T>(target: T, descriptors: PropertyDescriptorMap & ThisType<unknown>): T {
  for (const key of Reflect.ownKeys(descriptors)) {
    const d = Object.getOwnPropertyDescriptor(descriptors, key);
    if (d?.enumerable) definePropertyViaReflect(target, key, Reflect.get(descriptors, key));
  }
  return target;
}

function getPrototypeOfViaProto(value: unknown): object | null {
  if (value === null || value === undefined) throw new TypeError('Cannot convert undefined or null to object');
  if (!protoGetter) throw new TypeError('Object.getPrototypeOf: no __proto__ getter');
  return protoGetter.call(value) as object | null;
}

const defines = definesIntact();
const prototypes = prototypesIntact();

export const __fmlDefineProperty: typeof Object.defineProperty = defines
  ? native.defineProperty
  : definePropertyViaReflect;
export const __fmlDefineProperties: typeof Object.defineProperties = defines
  ? native.defineProperties
  : definePropertiesViaReflect;
// Without the `__proto__` getter (node --disable-proto) there is nothing better than what the runtime has.
export const __fmlGetPrototypeOf: typeof Object.getPrototypeOf =
  prototypes || !protoGetter ? native.getPrototypeOf : getPrototypeOfViaProto;
