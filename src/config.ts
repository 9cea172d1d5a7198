/**
 * Settings read from the worker's environment, with their defaults.
 */

import type { Env } from './env.ts'
import type { WritePolicy } from './items/item-writes.ts'

/** DEFAULT_MAX_BODY_BYTES is 1 MiB, well under KV's 25 MiB value limit. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576

/** Config is the API's settings. */
export interface Config extends WritePolicy {
  readonly maxBodyBytes: number
}

/**
 * readConfig turns the string variables of wrangler.toml into settings. A MAX_BODY_BYTES that is not a
 * positive whole number falls back to the default rather than disabling the limit.
 *
 * @example readConfig({ ...env, REQUIRE_IF_MATCH: 'true' }).requireIfMatch // true
 */
export function readConfig(env: Env): Config {
  const maxBodyBytes = Number(env.MAX_BODY_BYTES)
  return {
    maxBodyBytes:
      Number.isSafeInteger(maxBodyBytes) && maxBodyBytes > 0 ? maxBodyBytes : DEFAULT_MAX_BODY_BYTES,
    requireIfMatch: env.REQUIRE_IF_MATCH === 'true',
    strictIfMatch: env.STRICT_IF_MATCH === 'true',
  }
}
