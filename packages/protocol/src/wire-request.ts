/**
 * Request types as clients write them: the schemas' input types, deeply read-only, so a
 * caller may pass `readonly` arrays and frozen objects.
 */

/**
 * Deeply read-only form of a wire type.
 * @example type R = WireRequest<{ a: string[] }>; // { readonly a: readonly string[] }
 */
export type WireRequest<T> = T extends (infer E)[]
  ? readonly WireRequest<E>[]
  : T extends object
    ? { readonly [K in keyof T]: WireRequest<T[K]> }
    : T;
