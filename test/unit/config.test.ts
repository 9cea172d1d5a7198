import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_BODY_BYTES, MAX_BODY_LIMIT_BYTES, readConfig } from '../../src/config.ts'
import type { Env } from '../../src/env.ts'

const ENV = {
  DOCUMENTS: {} as KVNamespace,
  DOCUMENT_WRITER: {} as Env['DOCUMENT_WRITER'],
  IDEMPOTENCY_KEYS: {} as Env['IDEMPOTENCY_KEYS'],
} satisfies Env

describe('readConfig', () => {
  it.each([
    ['absent', undefined, DEFAULT_MAX_BODY_BYTES],
    ['a positive whole number', '2048', 2048],
    ['zero', '0', DEFAULT_MAX_BODY_BYTES],
    ['negative', '-5', DEFAULT_MAX_BODY_BYTES],
    ['not a number', 'lots', DEFAULT_MAX_BODY_BYTES],
    ['fractional', '10.5', DEFAULT_MAX_BODY_BYTES],
    ['at the highest limit', '1048576', MAX_BODY_LIMIT_BYTES],
    ['above the highest limit', String(2 * 1_048_576), MAX_BODY_LIMIT_BYTES],
    ['far above it', String(100 * 1_048_576), MAX_BODY_LIMIT_BYTES],
  ])('reads MAX_BODY_BYTES %s', (_, value, expected) => {
    const env: Env = value === undefined ? ENV : { ...ENV, MAX_BODY_BYTES: value }
    expect(readConfig(env).maxBodyBytes).toBe(expected)
  })

  it.each([
    ['true', true],
    ['false', false],
    ['TRUE', false],
    ['1', false],
  ])('reads "%s" as %s for the switches', (value, expected) => {
    const config = readConfig({ ...ENV, REQUIRE_IF_MATCH: value, STRICT_IF_MATCH: value })
    expect(config.requireIfMatch).toBe(expected)
    expect(config.strictIfMatch).toBe(expected)
  })
})
