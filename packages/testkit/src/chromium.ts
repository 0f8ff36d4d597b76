import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/**
 * The flags every Chit browser test launches Chromium with: headless, no sandbox (CI runs
 * as root in a container), and nothing that phones home or updates itself mid-test.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the Chromium binary is: `CHIT_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env.CHIT_CHROMIUM ?? '/usr/bin/chromium';
}

/**
 * Launches real headless Chromium (through `playwright-core`, no bundled browser). Throws
 * when the binary is missing, naming the path it looked at: browser tests never skip.
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 * // ...
 * await browser.close();
 * ```
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: install Debian's chromium (apt-get install chromium, as .ci/run does) or set CHIT_CHROMIUM`,
    );
  }
  // Loaded here, not at the top: the Redis helpers of this package should not pay for it.
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
}
