import { describe, expect, it } from 'vitest'
import { UUID_V7_PATTERN, uuidV7 } from '../../src/documents/uuid-v7.ts'

describe('uuidV7', () => {
  it('writes RFC 9562 version 7, variant 10, lowercase and hyphenated', () => {
    for (let count = 0; count < 1_000; count++) expect(uuidV7()).toMatch(UUID_V7_PATTERN)
  })

  it('begins with the time in milliseconds, as 48 bits of hex', () => {
    // Later than any id made before in this isolate (ids never go back in time), whenever the test runs.
    const at = Date.now() + 10 * 365 * 86_400_000 + 123
    const id = uuidV7(at)
    expect(Number.parseInt(id.replace('-', '').slice(0, 12), 16)).toBe(at)
  })

  it('sorts every id after the one made before it, 5000 within one millisecond included', () => {
    const now = Date.now() + 20_000_000
    const ids = Array.from({ length: 5_000 }, () => uuidV7(now))
    const sorted = [...ids].sort()
    expect(sorted).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('never goes back in time when the clock does', () => {
    const later = uuidV7(Date.now() + 30_000_000)
    const earlierClock = uuidV7(Date.now())
    expect(earlierClock > later).toBe(true)
  })
})
