import { describe, expect, it } from 'vitest'
import type { ListedDocument } from '../../src/documents/document.ts'
import {
  BULK_READ_BYTES,
  IN_FLIGHT_BYTES,
  KvDocumentStore,
  planReads,
} from '../../src/store/kv-document-store.ts'

const KiB = 1_024
const MiB = 1_048_576

const unknown = (count: number) => Array.from({ length: count }, () => null)
const listedAt = (count: number, size: number) => Array.from({ length: count }, () => size)

describe('planReads', () => {
  it.each([
    {
      why: 'a page of 100 documents listed at 1 KB, whatever the body limit: one read',
      sizes: listedAt(100, KiB),
      want: [[100]],
    },
    {
      why: 'documents listed at 1 MiB: 25 a read, two reads at once',
      sizes: listedAt(100, MiB),
      want: [
        [25, 25],
        [25, 25],
      ],
    },
    {
      why: 'small documents, then a large one that does not fit their read: a second read, beside it',
      sizes: [...listedAt(60, 400 * KiB), 20 * MiB, KiB],
      want: [[60, 2]],
    },
    {
      why: 'documents the listing does not know: planned at the largest a document can be',
      sizes: [KiB, null, KiB, null],
      want: [[4]],
    },
  ])('plans $why', ({ sizes, want }) => {
    expect(planReads(sizes, MiB)).toEqual(want)
  })

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
  ])('plans $why, when no size is known', ({ count, largest, want }) => {
    expect(planReads(unknown(count), largest)).toEqual(want)
  })

  it.each([1, 100, 1_000, 65_536, 262_144, 1_000_000, MiB, 5 * MiB, 25 * MiB])(
    'keeps every read within 25 MiB and every wave within 50 MiB, at documents of %i bytes',
    (largest) => {
      const waves = planReads(unknown(1_000), largest)
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

  it.each([1, 1_000, 100_000, MiB, 10 * MiB])(
    'keeps every read and wave within bounds when sizes are listed, at documents of %i bytes',
    (size) => {
      const sizes = listedAt(1_000, size)
      const waves = planReads(sizes, MiB)
      expect(waves.flat().reduce((sum, keys) => sum + keys, 0)).toBe(1_000)
      for (const wave of waves) {
        for (const keys of wave) if (keys > 1) expect(keys * size).toBeLessThanOrEqual(BULK_READ_BYTES)
        if (wave.length > 1)
          expect(wave.reduce((sum, keys) => sum + keys, 0) * size).toBeLessThanOrEqual(IN_FLIGHT_BYTES)
      }
    },
  )
})

// A KV whose bulk reads fail above `most` keys, as KV refuses a read of more than 25 MiB: documents listed
// small that have grown to 1 MiB since.
function refusingKv(most: number) {
  const reads: number[] = []
  const kv = {
    getWithMetadata: async (keys: string[]) => {
      reads.push(keys.length)
      if (keys.length > most) throw new Error('KV GET_BULK failed: 413 Payload Too Large')
      return new Map(
        keys.map((key) => [key, { value: '{}', metadata: { etag: `"${key}"`, lastModified: 'x', size: 2 } }]),
      )
    },
  }
  return { kv: kv as unknown as KVNamespace, reads }
}

describe('KvDocumentStore.load', () => {
  const listed: ListedDocument[] = Array.from({ length: 100 }, (_, index) => ({
    id: `d${String(index).padStart(3, '0')}`,
    etag: '"old"',
    size: KiB,
  }))

  it('reads a page listed small in one bulk read', async () => {
    const { kv, reads } = refusingKv(100)
    const loaded = await new KvDocumentStore(kv).load('items', listed, {
      budget: 64 * MiB,
      largestDocument: MiB,
    })
    expect(reads).toEqual([100])
    expect(loaded.documents.map(({ id }) => id)).toEqual(listed.map(({ id }) => id))
  })

  it('reads again, planned at the largest a document can be, when KV refuses the planned read', async () => {
    const { kv, reads } = refusingKv(25)
    const loaded = await new KvDocumentStore(kv).load('items', listed, {
      budget: 64 * MiB,
      largestDocument: MiB,
    })
    expect(reads).toEqual([100, 25, 25, 25, 25])
    expect(loaded.complete).toBe(true)
    expect(loaded.documents.map(({ id }) => id)).toEqual(listed.map(({ id }) => id))
  })

  it('fails when even the smallest read is refused', async () => {
    const { kv } = refusingKv(0)
    await expect(
      new KvDocumentStore(kv).load('items', listed.slice(0, 1), { budget: 64 * MiB, largestDocument: MiB }),
    ).rejects.toThrow(/KV bulk get/)
  })
})
