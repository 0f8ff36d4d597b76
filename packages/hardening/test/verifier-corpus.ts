/**
 * The named hostile corpus for the HTTP verifier: each case is one request and the exact
 * answer it must get (see corpus-*.ts).
 */

import type { HostileCase } from './corpus-fixtures.js';
import { FORMAT_CASES } from './corpus-format.js';
import { HEADER_CASES } from './corpus-header.js';
import { MEANING_CASES } from './corpus-meaning.js';

export { approved, valid } from './corpus-fixtures.js';

/** The corpus (each name is unique; the test asserts it). */
export const VERIFIER_CORPUS: readonly HostileCase[] = [
  ...HEADER_CASES,
  ...FORMAT_CASES,
  ...MEANING_CASES,
];
