/**
 * Settings read from the worker's environment, with their defaults.
 */

import type { WritePolicy } from './documents/document-writes.ts'
import type { Env } from './env.ts'

/**
 * DEFAULT_MAX_BODY_BYTES is 1 MiB, the highest the limit may go (MAX_BODY_LIMIT_BYTES). A lower setting makes
 * pages cheaper to read: a page's reads are planned for documents as large as the limit (100 documents of up
 * to 256 KiB are one KV bulk read; of up to 1 MiB, four, two at a time).
 */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576

/**
 * MAX_BODY_LIMIT_BYTES is the highest MAX_BODY_BYTES may go (1 MiB): parsing, checking and canonicalising a
 * body of the worst shapes (a million empty objects) at this size stays under a 128 MB V8 heap, a Workers
 * isolate's (measured: test/node/origin-memory.test.ts); at 2 MiB it came within a few MB of it. A Durable
 * Object's 2 MB per value would stop larger documents anyway.
 */
export const MAX_BODY_LIMIT_BYTES = 1_048_576

/** Config is the API's settings. */
export interface Config extends WritePolicy {
  /** Origins whose pages may call the API (CORS); `*` for any. Empty: CORS is off. */
  readonly corsAllowedOrigins: readonly string[]
}

const configs = new WeakMap<Env, Config>()

/**
 * readConfig turns the string variables of wrangler.toml into settings. A MAX_BODY_BYTES that is not a
 * positive whole number falls back to the default rather than disabling the limit, and one above
 * MAX_BODY_LIMIT_BYTES is lowered to it, so that every accepted document can be handled within a Worker's
 * memory and stored.
 *
 * @example readConfig({ ...env, REQUIRE_IF_MATCH: 'true' }).requireIfMatch // true
 */
export function readConfig(env: Env): Config {
  // Read once per environment: the runtime hands every request of an isolate the same env object.
  let config = configs.get(env)
  if (config === undefined) {
    config = parseConfig(env)
    configs.set(env, config)
  }
  return config
}

function parseConfig(env: Env): Config {
  const maxBodyBytes = Number(env.MAX_BODY_BYTES)
  return {
    maxBodyBytes:
      Number.isSafeInteger(maxBodyBytes) && maxBodyBytes > 0
        ? Math.min(maxBodyBytes, MAX_BODY_LIMIT_BYTES)
        : DEFAULT_MAX_BODY_BYTES,
    corsAllowedOrigins: (env.CORS_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
    requireIfMatch: env.REQUIRE_IF_MATCH === 'true',
    strictIfMatch: env.STRICT_IF_MATCH === 'true',
  }
}
