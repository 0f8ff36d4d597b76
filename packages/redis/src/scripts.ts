/**
 * The Lua scripts, registered once per client with `defineCommand` (EVALSHA, falling back
 * to EVAL). Each touches only keys of one hash tag, so it runs in one Cluster slot.
 */
import type { Cluster, Redis } from 'ioredis';

/**
 * Revoke: prune up to 100 expired entries, merge with an existing entry (latest revokedAt
 * and expiresAt, latest issuedBefore, the family once known), write hash + expiry ZSET,
 * append the stored entry to the log (compacting the log from the hash when over half of
 * it is stale), then publish the stored entry on the feed channel, all atomically.
 * KEYS: revocations hash, expiry zset, log string, meta hash. ARGV: field, revokedAt,
 * expiresAt, issuedBefore ('' unless principal), nowSeconds, channel, family (hex, ''
 * unless a holder entry). Returns the value (`rev,exp,ib` or `rev,exp,ib,family`).
 */
export const REVOKE_LUA = `
local now = tonumber(ARGV[5])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)
for _, f in ipairs(expired) do redis.call('HDEL', KEYS[1], f) end
if #expired > 0 then redis.call('ZREM', KEYS[2], unpack(expired)) end
local rev, exp, ib, fam = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[7]
local prev = redis.call('HGET', KEYS[1], ARGV[1])
if prev then
  local pr, pe, pib, pfam = string.match(prev, '^(%d+),(%d+),(%d*),?(%x*)$')
  if pr then
    if tonumber(pr) > rev then rev = tonumber(pr) end
    if tonumber(pe) > exp then exp = tonumber(pe) end
    if ib ~= '' and pib ~= '' and tonumber(pib) > tonumber(ib) then ib = pib end
    if fam == '' then fam = pfam end
  end
end
local value = string.format('%d,%d,%s', rev, exp, ib)
if fam ~= '' then value = value .. ',' .. fam end
redis.call('HSET', KEYS[1], ARGV[1], value)
redis.call('ZADD', KEYS[2], exp, ARGV[1])
redis.call('APPEND', KEYS[3], ARGV[1] .. '\\t' .. value .. '\\n')
local lines = redis.call('HINCRBY', KEYS[4], 'lines', 1)
local live = redis.call('HLEN', KEYS[1])
if lines > 2 * live + 1000 then
  local all = redis.call('HGETALL', KEYS[1])
  local parts = {}
  for i = 1, #all, 2 do parts[#parts + 1] = all[i] .. '\\t' .. all[i + 1] .. '\\n' end
  redis.call('SET', KEYS[3], table.concat(parts))
  redis.call('HSET', KEYS[4], 'lines', live)
  redis.call('HINCRBY', KEYS[4], 'gen', 1)
end
redis.call('PUBLISH', ARGV[6], ARGV[1] .. '\\n' .. value)
return value
`;

/**
 * Consume budgets: deny (returning the 1-based index of the first budget that fails)
 * unless every budget's until is still ahead and every counter is below its limit;
 * otherwise increment all. A counter's lifetime only ever grows (descendants share an
 * ancestor's counter, and a holder must not be able to shorten it): an until is applied
 * with `PEXPIREAT ... GT`, which never shortens a TTL and leaves a persistent counter
 * persistent; an empty until (never lapse) is `PERSIST`. A counter whose expiry has passed
 * by the caller's clock counts as absent and restarts at the new until. Untils are passed
 * as decimal strings straight to Redis (exact past 2^53 ms); Lua numbers only compare.
 * KEYS: counters. ARGV: nowMs, then per key: limit, untilMs ('' = never lapse). Returns 0
 * when allowed.
 */
export const CONSUME_BUDGETS_LUA = `
local now = tonumber(ARGV[1])
local fresh = {}
for i, k in ipairs(KEYS) do
  local u = ARGV[2 * i + 1]
  if u ~= '' and tonumber(u) <= now then return i end
  local used = redis.call('GET', k)
  if used then
    local t = redis.call('PEXPIRETIME', k)
    if t > 0 and t <= now then used = false end
  end
  if used then used = tonumber(used) else used = 0; fresh[i] = true end
  if used >= tonumber(ARGV[2 * i]) then return i end
end
for i, k in ipairs(KEYS) do
  local u = ARGV[2 * i + 1]
  if fresh[i] then
    if u == '' then redis.call('SET', k, 1) else redis.call('SET', k, 1, 'PXAT', u) end
  else
    redis.call('INCR', k)
    if u == '' then redis.call('PERSIST', k) else redis.call('PEXPIREAT', k, u, 'GT') end
  end
end
return 0
`;

/**
 * Read a chunk of the revocation log with the log's generation, atomically, so a reader
 * notices a compaction that happened between two chunks (and starts over).
 * KEYS: log string, meta hash. ARGV: start offset, end offset (inclusive). Returns
 * `[gen, chunk]`.
 */
export const READ_LOG_LUA = `
local gen = redis.call('HGET', KEYS[2], 'gen') or '0'
return {gen, redis.call('GETRANGE', KEYS[1], ARGV[1], ARGV[2])}
`;

/**
 * Append audit events: one XADD per event, in argument order, then one approximate trim,
 * so a batch costs one round trip and keeps the retention of `XADD MAXLEN ~`.
 * KEYS: stream. ARGV: maxLen, event JSON 1..N. Returns N.
 */
export const APPEND_AUDITS_LUA = `
local key = KEYS[1]
for i = 2, #ARGV do redis.call('XADD', key, '*', 'd', ARGV[i]) end
redis.call('XTRIM', key, 'MAXLEN', '~', ARGV[1])
return #ARGV - 1
`;

/** The commands `defineScripts` adds to a client. */
export interface ScriptCommands {
  chitRevoke(
    revocations: string,
    expiry: string,
    log: string,
    meta: string,
    field: string,
    revokedAt: number,
    expiresAt: number,
    issuedBefore: string,
    nowSeconds: number,
    channel: string,
    family: string,
  ): Promise<string>;
  chitConsumeBudgets(numKeys: number, ...keysThenArgs: (string | number)[]): Promise<number>;
  chitAppendAudits(stream: string, maxLen: number, ...events: string[]): Promise<number>;
  chitReadLogBuffer(
    log: string,
    meta: string,
    start: number,
    end: number,
  ): Promise<[Buffer, Buffer]>;
}

/**
 * Registers the scripts on `client` (idempotent) and returns it typed with them.
 *
 * @example
 * ```ts
 * const scripted = defineScripts(redis);
 * await scripted.chitConsumeBudgets(1, key, nowMs, 100, untilMs);
 * ```
 */
export function defineScripts(client: Redis | Cluster): (Redis | Cluster) & ScriptCommands {
  const scripted = client as (Redis | Cluster) & Partial<ScriptCommands>;
  if (typeof scripted.chitRevoke !== 'function') {
    client.defineCommand('chitRevoke', { numberOfKeys: 4, lua: REVOKE_LUA });
    client.defineCommand('chitReadLog', { numberOfKeys: 2, lua: READ_LOG_LUA });
  }
  if (typeof scripted.chitConsumeBudgets !== 'function') {
    client.defineCommand('chitConsumeBudgets', { lua: CONSUME_BUDGETS_LUA });
  }
  if (typeof scripted.chitAppendAudits !== 'function') {
    client.defineCommand('chitAppendAudits', { numberOfKeys: 1, lua: APPEND_AUDITS_LUA });
  }
  return client as (Redis | Cluster) & ScriptCommands;
}
