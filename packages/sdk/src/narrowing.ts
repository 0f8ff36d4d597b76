/**
 * Does a new condition narrow a token? The holder-side judge behind `narrow` and
 * `delegate`: it works on the UNVERIFIED summary of the token's conditions (the holder
 * cannot verify), so it protects holders from mistakes; the verifier's intersection
 * rules are what make widening impossible.
 */

import type { Condition, ConditionSummary } from '@chit/token';
import { claimField, NotNarrowerError, summarizeConditions } from '@chit/token';

/**
 * Does resource pattern `outer` match every resource `inner` matches?
 * @example patternCovers('orders/**', 'orders/7') // true
 */
export function patternCovers(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  const o = outer.split('/');
  const i = inner.split('/');
  for (let k = 0; k < o.length; k++) {
    const os = o[k]!;
    // `**` is only ever last: it takes one or more further segments of any kind.
    if (os === '**') return k < i.length;
    const is = i[k];
    if (is === undefined || is === '**') return false;
    if (os !== '*' && os !== is) return false;
  }
  return o.length === i.length;
}

function subset(next: readonly string[], current: readonly string[] | null): boolean {
  return current === null || next.every((v) => current.includes(v));
}

function sameSet(a: readonly string[], b: readonly string[] | null): boolean {
  return b !== null && a.length === b.length && subset(a, b);
}

function fail(what: string): never {
  throw new NotNarrowerError(`${what} would not narrow the token`);
}

function failOutside(what: string): never {
  throw new NotNarrowerError(`${what} is outside what the token allows`);
}

/**
 * Checks that `c` strictly narrows `s`; throws NotNarrowerError otherwise. Messages name
 * the condition type, never the token.
 * @example assertNarrows(summarizeConditions(['action in [read,write]']), parseCondition('action = read'))
 */
export function assertNarrows(s: ConditionSummary, c: Condition): void {
  switch (c.type) {
    case 'tenant':
    case 'action':
    case 'audience': {
      const current =
        c.type === 'tenant' ? s.tenants : c.type === 'action' ? s.actions : s.audiences;
      if (!subset(c.values, current)) failOutside(c.type);
      if (sameSet(c.values, current)) fail(c.type);
      return;
    }
    case 'resource': {
      for (const entry of s.resources) {
        if (!c.patterns.every((p) => entry.some((e) => patternCovers(e, p)))) {
          failOutside('resource');
        }
      }
      const equivalent = s.resources.some((entry) =>
        entry.every((e) => c.patterns.some((p) => patternCovers(p, e))),
      );
      if (equivalent) fail('resource');
      return;
    }
    case 'attribute': {
      const current = s.attributes[c.name] ?? null;
      if (!subset(c.values, current)) failOutside('attribute');
      if (sameSet(c.values, current)) fail('attribute');
      return;
    }
    case 'expires':
      if (s.expiresAt !== null && c.at >= s.expiresAt) fail('expires');
      if (s.notBefore !== null && c.at <= s.notBefore) failOutside('expires');
      return;
    case 'not-before':
      if (s.notBefore !== null && c.at <= s.notBefore) fail('not-before');
      if (s.expiresAt !== null && c.at >= s.expiresAt) failOutside('not-before');
      return;
    case 'uses':
      if (s.uses !== null && c.limit >= s.uses) fail('uses');
      return;
    case 'principal':
    case 'role':
    case 'session':
    case 'trace': {
      // Claims come only from the minter: a holder's claim caveat is a check that must
      // repeat the sealed claim (it narrows nothing), and with no sealed claim it would
      // leave the token unusable.
      const current = s[claimField(c.type)];
      if (current === c.value) fail(c.type);
      if (current !== undefined) failOutside(c.type);
      throw new NotNarrowerError(
        `${c.type}: claims come only from the minter; appending one would make the token unusable`,
      );
    }
    case 'via':
      // A hop record: it never restricts, and always adds information to the audit.
      return;
  }
}

/**
 * The unverified summary of `conditions`, with the session carried in the identifier
 * (if any) counted as a session claim: a `session` caveat must agree with it. `sealed` is
 * the identifier's count of the minter's caveats (claims come only from those).
 * @example summarize(['action = read'], 's-1', 1).session // 's-1'
 */
export function summarize(
  conditions: readonly string[],
  idSession: string | undefined,
  sealed: number = conditions.length,
): ConditionSummary {
  const s = summarizeConditions(conditions, undefined, sealed);
  if (idSession === undefined) return s;
  const conflict = s.session !== undefined && s.session !== idSession;
  return { ...s, session: idSession, unsatisfiable: s.unsatisfiable || conflict };
}

/**
 * Appends `added` conditions to `existing` one at a time, each judged against everything
 * before it. Returns the summary after all of them.
 * @example checkAppend(['action in [read,write]'], [{ text: 'action = read', parsed: parseCondition('action = read') }])
 */
export function checkAppend(
  existing: readonly string[],
  added: readonly { readonly text: string; readonly parsed: Condition }[],
  idSession?: string,
  sealed: number = existing.length,
): ConditionSummary {
  const all = existing.slice();
  let summary = summarize(all, idSession, sealed);
  for (const a of added) {
    assertNarrows(summary, a.parsed);
    all.push(a.text);
    summary = summarize(all, idSession, sealed);
  }
  if (summary.unsatisfiable) throw new NotNarrowerError('the token would allow nothing');
  return summary;
}
