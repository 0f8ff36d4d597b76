/**
 * Route configuration: what each route needs (`config: { chit: {...} }`), validated and
 * compiled once per route into a function that builds the core's `RequestContext`, so a
 * handler cannot forget a check and the hot path does no parsing.
 */
import type { RequestContext } from '@chit/token';
import type { FastifyRequest } from 'fastify';

/**
 * Where a value comes from in the request: `params.<name>`, `query.<name>`,
 * `headers.<name>` (lowercase) or `body.<name>`; or a function of the request.
 * A `body.` source moves the whole check to `preValidation` (after body parsing).
 */
export type ValueSource = string | ((request: FastifyRequest) => string | undefined);

/**
 * What one route requires of the presented capability.
 *
 * @example
 * ```ts
 * app.get('/tenants/:tenant/orders/:id', {
 *   config: { chit: { action: 'read', resource: 'orders/:id', tenant: 'params.tenant',
 *     attributes: { customer_id: 'query.customer_id' } } },
 * }, handler)
 * ```
 */
export interface ChitRouteOptions {
  /** The action this route performs (`read`, `refund`...). */
  readonly action?: string;
  /** A template over route params (`orders/:id`) or a function of the request. */
  readonly resource?: string | ((request: FastifyRequest) => string | undefined);
  /** Tenant source; defaults to the plugin's `tenant` option. */
  readonly tenant?: ValueSource;
  /** Attribute name to source, or a function returning all attributes. */
  readonly attributes?:
    | Readonly<Record<string, ValueSource>>
    | ((request: FastifyRequest) => Readonly<Record<string, string>> | undefined);
}

/** `config.chit`: route requirements, or `false` to opt the route out explicitly. */
export type ChitRouteConfig = ChitRouteOptions | false;

/** A compiled route: the context builder and the hook it must run in. */
export interface CompiledRoute {
  /** `false` only for an explicit opt-out. */
  readonly protected: boolean;
  /** The not-found handler: authenticate only (chain, revocation, validity period). */
  readonly notFound: boolean;
  /** `true` when a source reads the body: judged in preValidation, not onRequest. */
  readonly needsBody: boolean;
  /** Builds the request context. `undefined` fields fail closed in the core. */
  readonly context: (request: FastifyRequest) => RequestContext;
}

type Getter = (request: FastifyRequest) => string | undefined;

const SOURCE_RE = /^(params|query|headers|body)\.([A-Za-z0-9_.-]+)$/;
const ROUTE_KEYS = new Set(['action', 'resource', 'tenant', 'attributes']);
const ATTR_NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

// Only scalar request values become context values: an object or array in a query or
// body (`?customer_id[]=7`) is "absent", which the core treats as unsatisfied.
function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}

function field(container: unknown, name: string): string | undefined {
  if (container === null || typeof container !== 'object') return undefined;
  if (!Object.hasOwn(container, name)) return undefined;
  return scalar((container as Record<string, unknown>)[name]);
}

function compileSource(source: ValueSource, what: string): { get: Getter; body: boolean } {
  if (typeof source === 'function') {
    return { get: (req) => scalar(source(req)), body: false };
  }
  if (typeof source !== 'string') {
    throw new TypeError(`${what} must be a source string like 'params.id' or a function`);
  }
  const m = SOURCE_RE.exec(source);
  if (m === null) {
    throw new TypeError(
      `${what} must be 'params.<name>', 'query.<name>', 'headers.<name>' or 'body.<name>'`,
    );
  }
  const where = m[1] as 'params' | 'query' | 'headers' | 'body';
  const name = where === 'headers' ? m[2]!.toLowerCase() : m[2]!;
  switch (where) {
    case 'params':
      return { get: (req) => field(req.params, name), body: false };
    case 'query':
      return { get: (req) => field(req.query, name), body: false };
    case 'headers':
      return { get: (req) => field(req.headers, name), body: false };
    case 'body':
      return { get: (req) => field(req.body, name), body: true };
  }
}

// A param that is empty, a dot segment or carries a slash would change the resource's
// path segments: the resource is then unknown, and the core denies.
function safeSegment(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || value === '.' || value === '..') return undefined;
  if (value.includes('/')) return undefined;
  return value;
}

function compileResource(resource: ChitRouteOptions['resource'], what: string): Getter | undefined {
  if (resource === undefined) return undefined;
  if (typeof resource === 'function') return (req) => scalar(resource(req));
  if (typeof resource !== 'string' || resource === '') {
    throw new TypeError(`${what} must be a non-empty template like 'orders/:id' or a function`);
  }
  const parts = resource.split('/');
  const pieces: (string | { param: string })[] = parts.map((part) => {
    if (!part.startsWith(':')) return part;
    const param = part.slice(1);
    if (!/^[A-Za-z0-9_]+$/.test(param)) throw new TypeError(`${what}: bad parameter '${part}'`);
    return { param };
  });
  if (pieces.every((p) => typeof p === 'string')) {
    const fixed = resource;
    return () => fixed;
  }
  return (req) => {
    let out = '';
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      const seg = typeof p === 'string' ? p : safeSegment(field(req.params, p.param));
      if (seg === undefined) return undefined;
      out = i === 0 ? seg : `${out}/${seg}`;
    }
    return out;
  };
}

function compileAttributes(
  attributes: ChitRouteOptions['attributes'],
  what: string,
): {
  get: ((req: FastifyRequest) => Readonly<Record<string, string>> | undefined) | undefined;
  body: boolean;
} {
  if (attributes === undefined) return { get: undefined, body: false };
  if (typeof attributes === 'function') {
    return {
      get: (req) => {
        const got = attributes(req);
        if (got === undefined) return undefined;
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(got)) {
          const s = scalar(v);
          if (s !== undefined) out[k] = s;
        }
        return out;
      },
      body: false,
    };
  }
  if (attributes === null || typeof attributes !== 'object') {
    throw new TypeError(`${what} must be an object of sources or a function`);
  }
  const entries = Object.entries(attributes).map(([name, source]) => {
    if (!ATTR_NAME_RE.test(name)) throw new TypeError(`${what}: bad attribute name '${name}'`);
    return [name, compileSource(source, `${what}.${name}`)] as const;
  });
  return {
    get: (req) => {
      const out: Record<string, string> = {};
      for (const [name, src] of entries) {
        const v = src.get(req);
        if (v !== undefined) out[name] = v;
      }
      return out;
    },
    body: entries.some(([, src]) => src.body),
  };
}

/**
 * Validates and compiles one route's `config.chit` (throws a `TypeError` naming the
 * route and the option). `undefined` config means "protected, no declared needs": the
 * token must still verify, and any action/resource/tenant caveat it carries then fails
 * closed because the context does not name one.
 *
 * @example
 * ```ts
 * const route = compileRoute({ action: 'read', resource: 'orders/:id' }, { audience: 'orders' }, 'GET /orders/:id')
 * route.context(request) // { audience: 'orders', action: 'read', resource: 'orders/7' }
 * ```
 */
export function compileRoute(
  config: unknown,
  defaults: { readonly audience?: string; readonly tenant?: ValueSource },
  routeName: string,
): CompiledRoute {
  if (config === false) {
    return { protected: false, notFound: false, needsBody: false, context: () => ({}) };
  }
  const what = `route ${routeName}: config.chit`;
  if (config !== undefined && (config === null || typeof config !== 'object')) {
    throw new TypeError(`${what} must be an object or false`);
  }
  const opts = (config ?? {}) as ChitRouteOptions;
  for (const key of Object.keys(opts)) {
    if (!ROUTE_KEYS.has(key)) throw new TypeError(`${what}.${key} is not a known option`);
  }
  if (opts.action !== undefined && (typeof opts.action !== 'string' || opts.action === '')) {
    throw new TypeError(`${what}.action must be a non-empty string`);
  }
  const action = opts.action;
  const resource = compileResource(opts.resource, `${what}.resource`);
  const tenantSource = opts.tenant ?? defaults.tenant;
  const tenant =
    tenantSource === undefined ? undefined : compileSource(tenantSource, `${what}.tenant`);
  const attrs = compileAttributes(opts.attributes, `${what}.attributes`);
  const audience = defaults.audience;
  return {
    protected: true,
    notFound: false,
    needsBody: (tenant?.body ?? false) || attrs.body,
    context: (req) => {
      const ctx: {
        -readonly [K in keyof RequestContext]: RequestContext[K];
      } = {};
      if (audience !== undefined) ctx.audience = audience;
      if (action !== undefined) ctx.action = action;
      if (resource !== undefined) {
        const r = resource(req);
        if (r !== undefined) ctx.resource = r;
      }
      if (tenant !== undefined) {
        const t = tenant.get(req);
        if (t !== undefined) ctx.tenant = t;
      }
      if (attrs.get !== undefined) {
        const a = attrs.get(req);
        if (a !== undefined) ctx.attributes = a;
      }
      return ctx;
    },
  };
}
