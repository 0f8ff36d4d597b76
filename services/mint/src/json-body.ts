/**
 * The JSON body parser: fastify's own (secure-json-parse, `__proto__` and `constructor`
 * keys rejected) after a scan that rejects duplicate keys. `JSON.parse` keeps the last of
 * two equal keys while a proxy or WAF in front may read the first: one spelling per
 * request, so an ambiguous body is a 400, never silently resolved.
 */
import { ChitError } from '@chit/token';
import type { FastifyInstance } from 'fastify';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Does any JSON object in `text` carry the same key twice (after unescaping)? Iterative,
 * no recursion, one pass; malformed text returns false and is left to the parser.
 * @example hasDuplicateKeys('{"a":1,"a":2}') // true
 */
export function hasDuplicateKeys(text: string): boolean {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) {
          escaped = true;
          j += 2;
          continue;
        }
        if (d === QUOTE) break;
        j++;
      }
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        let key = text.slice(i + 1, j);
        if (escaped) {
          try {
            key = JSON.parse(text.slice(i, j + 1)) as string;
          } catch {
            return false;
          }
        }
        if (keys.has(key)) return true;
        keys.add(key);
      }
      expectKey = false;
      i = j;
    } else if (c === 0x7b) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return false;
}

/**
 * Replaces the `application/json` parser of `app` with the strict one.
 * @example installJsonParser(app)
 */
export function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (hasDuplicateKeys(text)) {
      done(new ChitError('ERR_BAD_REQUEST', 'request body has a duplicate key'), undefined);
      return;
    }
    parse(request, text, done);
  });
}
