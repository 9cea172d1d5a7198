import { describe, expect, it } from 'vitest'
import { formatServerTiming } from '../../src/http/server-timing.ts'

describe('formatServerTiming', () => {
  it.each([
    { metrics: [], want: '' },
    { metrics: [{ name: 'total', durationMs: 12 }], want: 'total;dur=12' },
    {
      metrics: [{ name: 'kv', durationMs: 1.26, description: 'KV reads' }],
      want: 'kv;dur=1.3;desc="KV reads"',
    },
    {
      metrics: [
        { name: 'kv', durationMs: 0.04 },
        { name: 'total', durationMs: 3 },
      ],
      want: 'kv;dur=0, total;dur=3',
    },
    { metrics: [{ name: 'x', durationMs: -1 }], want: 'x;dur=0' },
    {
      metrics: [{ name: 'x', durationMs: 1, description: 'a "b" \\ c' }],
      want: 'x;dur=1;desc="a \\"b\\" \\\\ c"',
    },
  ])('formats $want', ({ metrics, want }) => {
    expect(formatServerTiming(metrics)).toBe(want)
  })
})
