import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from '@chit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { guardTool } from '../src/index.js';
import { runtimeOn, SPEC, suiteMintHarness } from './helpers.js';

const h = suiteMintHarness();
const servers: Server[] = [];
const seen: { server: string; headers: IncomingHttpHeaders }[] = [];

async function listen(name: string): Promise<string> {
  const srv = createServer((req, res) => {
    seen.push({ server: name, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

let known: string;
let unknown: string;
beforeAll(async () => {
  known = await listen('orders');
  unknown = await listen('elsewhere');
});
afterAll(async () => {
  for (const s of servers) s.close();
});

describe('ctx.fetch', () => {
  it('sends a token delegated to the known service only, never to another origin', async () => {
    const tool = guardTool(
      {
        name: 'two_calls',
        args: z.strictObject({}),
        needs: () => ({ tenant: '42', action: 'list', resource: 'orders' }),
      },
      async (_a, ctx) => {
        await ctx.fetch(`${known}/x`, { headers: { authorization: 'Bearer planted' } });
        await ctx.fetch(`${unknown}/y`, { headers: { 'x-other': '1' } });
      },
    );
    const runtime = runtimeOn(h, { audiences: { [known]: 'orders' } });
    await tool(await runtime.startSession(SPEC), {});
    const toKnown = seen.find((s) => s.server === 'orders')!;
    const toOther = seen.find((s) => s.server === 'elsewhere')!;
    expect(toKnown.headers.authorization).toMatch(/^Chit /);
    const view = inspect(toKnown.headers.authorization!.slice(5));
    expect(view.caveats).toEqual(
      expect.arrayContaining([
        'tenant = 42',
        'action = list',
        'resource = orders',
        'audience = orders',
        'via = agent',
      ]),
    );
    expect(toOther.headers.authorization).toBeUndefined();
    expect(toOther.headers['chit-discharges']).toBeUndefined();
  });
});
