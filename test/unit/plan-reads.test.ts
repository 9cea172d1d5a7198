import { describe, expect, it } from 'vitest'
import { BULK_READ_BYTES, IN_FLIGHT_BYTES, planReads } from '../../src/store/kv-document-store.ts'

const KiB = 1_024
const MiB = 1_048_576

describe('planReads', () => {
  it.each([
    {
      why: 'a page of 100 at the default body limit: one read',
      count: 100,
      largest: 256 * KiB,
      want: [[100]],
    },
    { why: 'no documents: no read', count: 0, largest: 256 * KiB, want: [] },
    { why: 'one document', count: 1, largest: 256 * KiB, want: [[1]] },
    {
      why: 'a page of 1000 small documents: ten reads at once',
      count: 1000,
      largest: KiB,
      want: [Array.from({ length: 10 }, () => 100)],
    },
    {
      why: 'documents of 1 MiB: 25 a read',
      count: 100,
      largest: MiB,
      want: [
        [25, 25],
        [25, 25],
      ],
    },
    { why: 'documents of 25 MiB: one a read', count: 3, largest: 25 * MiB, want: [[1, 1], [1]] },
    {
      why: 'documents larger than a read can hold: still one a read',
      count: 2,
      largest: 30 * MiB,
      want: [[1], [1]],
    },
  ])('plans $why', ({ count, largest, want }) => {
    expect(planReads(count, largest)).toEqual(want)
  })

  it.each([1, 100, 1_000, 65_536, 262_144, 1_000_000, MiB, 5 * MiB, 25 * MiB])(
    'keeps every read within 25 MiB and every wave within 50 MiB, at documents of %i bytes',
    (largest) => {
      const waves = planReads(1_000, largest)
      expect(waves.flat().reduce((sum, keys) => sum + keys, 0)).toBe(1_000)
      for (const wave of waves) {
        for (const keys of wave) {
          expect(keys).toBeGreaterThan(0)
          expect(keys).toBeLessThanOrEqual(100)
          if (keys > 1) expect(keys * largest).toBeLessThanOrEqual(BULK_READ_BYTES)
        }
        if (wave.length > 1)
          expect(wave.reduce((sum, keys) => sum + keys, 0) * largest).toBeLessThanOrEqual(IN_FLIGHT_BYTES)
      }
    },
  )
})
