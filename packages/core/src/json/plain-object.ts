/**
 * Whether an object (not an array) is plain JSON data: its prototype is `Object.prototype` or `null`.
 * Class instances, `Map`, `Set`, `Date`, typed arrays, `Buffer`s and boxed primitives are not.
 * An `Object.prototype` from another realm (a `vm` context, a worker's structured clone) is accepted.
 */
export function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || isForeignObjectPrototype(proto);
}

/** True for the `Object.prototype` of another realm. */
function isForeignObjectPrototype(proto: unknown): boolean {
  if (typeof proto !== 'object' || proto === null || Object.getPrototypeOf(proto) !== null) return false;
  const ctor: unknown = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
  return (
    typeof ctor === 'function' &&
    ctor.name === 'Object' &&
    (ctor as { prototype?: unknown }).prototype === proto &&
    Function.prototype.toString.call(ctor).includes('[native code]')
  );
}
