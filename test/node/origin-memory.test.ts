import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { MAX_BODY_LIMIT_BYTES } from '../../src/config.ts'
import { MAX_CANONICAL_BYTES } from '../../src/origin/origin-representation.ts'
import { type Shape, type What, WIDE_OBJECT, WORST_CASE_SHAPES } from './canonicalise-worst-case.ts'

// A Workers isolate has 128 MB; Node's --max-old-space-size=128 caps V8's old generation alike.
const HEAP_FLAG = '--max-old-space-size=128'
const SCRIPT = new URL('./canonicalise-worst-case.ts', import.meta.url).pathname

/** runCapped handles one worst-case body in a Node.js whose heap is capped, and says how that went. */
function runCapped(what: What, shape: Shape, bytes: number) {
  const run = spawnSync(process.execPath, [HEAP_FLAG, SCRIPT, what, shape, String(bytes)], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  const last = run.stdout.trim().split('\n').at(-1) ?? ''
  return {
    exitCode: run.status,
    ran: run.status === 0 ? (JSON.parse(last) as { bytes: number; canonical: boolean }) : null,
    outOfMemory: /heap out of memory/i.test(run.stderr),
  }
}

const SHAPES: Shape[] = [...(Object.keys(WORST_CASE_SHAPES) as Shape[]), WIDE_OBJECT]

describe('origin mode under a 128 MB heap', () => {
  it.each(SHAPES)('canonicalises %s at MAX_CANONICAL_BYTES', (shape) => {
    const { exitCode, ran } = runCapped('origin', shape, MAX_CANONICAL_BYTES)
    expect(exitCode).toBe(0)
    expect(ran?.canonical).toBe(true)
    expect(ran?.bytes).toBeGreaterThan(MAX_CANONICAL_BYTES - 16)
  })

  it('hashes a body of the worst shape over the limit without parsing it, at the 16 MiB hash limit', () => {
    const { exitCode, ran } = runCapped('origin', 'empty objects', 16 * 1_048_576)
    expect(exitCode).toBe(0)
    expect(ran?.canonical).toBe(false)
  })

  it('would run out of heap canonicalising that body: the limit is what keeps it alive', () => {
    const { exitCode, outOfMemory } = runCapped('canonical', 'empty objects', 8 * 1_048_576)
    expect(exitCode).not.toBe(0)
    expect(outOfMemory).toBe(true)
  })
})

describe('the API under a 128 MB heap', () => {
  it.each(SHAPES)('parses, checks and canonicalises a body of %s at the highest MAX_BODY_BYTES', (shape) => {
    const { exitCode, ran } = runCapped('api', shape, MAX_BODY_LIMIT_BYTES)
    expect(exitCode).toBe(0)
    expect(ran?.canonical).toBe(true)
    expect(ran?.bytes).toBeGreaterThan(MAX_BODY_LIMIT_BYTES - 16)
  })
})
