import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextLastModified } from '../../src/documents/last-modified.ts'
import { parseHttpDate } from '../../src/http/http-date.ts'

afterEach(() => {
  vi.useRealTimers()
})

const at = (iso: string) => new Date(iso).toUTCString()

describe('nextLastModified', () => {
  it('is the current second when there is no previous date', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-30T12:00:00.400Z') })
    expect(await nextLastModified(undefined)).toBe(at('2026-11-30T12:00:00Z'))
  })

  it('is the current second when the previous date is older', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-30T12:00:05.400Z') })
    expect(await nextLastModified(at('2026-11-30T12:00:00Z'))).toBe(at('2026-11-30T12:00:05Z'))
  })

  it('waits for the next second when the previous date is this second', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-30T12:00:00.400Z') })
    const next = nextLastModified(at('2026-11-30T12:00:00Z'))
    await vi.advanceTimersByTimeAsync(700)
    expect(await next).toBe(at('2026-11-30T12:00:01Z'))
  })

  it('never goes back, even when this clock is far behind the one that wrote the previous date', async () => {
    // The previous change was stamped by a clock 10 s ahead of this one.
    vi.useFakeTimers({ now: new Date('2026-11-30T12:00:00.400Z') })
    const previous = at('2026-11-30T12:00:10Z')
    const next = nextLastModified(previous)
    await vi.advanceTimersByTimeAsync(2_000)
    const moved = await next
    expect(parseHttpDate(moved)).toBe((parseHttpDate(previous) ?? 0) + 1)
  })

  it('ignores a previous date that is not an HTTP-date', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-30T12:00:00.400Z') })
    expect(await nextLastModified('yesterday')).toBe(at('2026-11-30T12:00:00Z'))
  })
})
