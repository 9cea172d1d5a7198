/**
 * What the worker notes about one request while answering it: the time spent in each step, and the size of
 * the representation it answered about. The Server-Timing field and the request's log line are made from it.
 */

import type { Context } from 'hono'
import { formatServerTiming } from '../http/server-timing.ts'

/**
 * TRACED_STEPS name the steps a request's time is split into: KV reads, canonical JSON and SHA-256, the call to
 * the document's writer (a Durable Object), requests to the origin (origin mode). Server-Timing names the steps
 * a request took, without descriptions: it goes on every answer, 304s included, whose whole point is to be
 * small (the README explains the names).
 */
export const TRACED_STEPS = ['kv', 'hash', 'writer', 'origin'] as const

/** TracedStep is one of the TRACED_STEPS. */
export type TracedStep = (typeof TRACED_STEPS)[number]

/**
 * RequestTrace measures the steps of one request. Workers advance their clock only across I/O (a defence
 * against timing attacks), so KV reads and writer calls show their real latency in production while a
 * CPU-only step such as hashing shows 0 there; `wrangler dev` and tests show it too.
 *
 * @example
 * const trace = new RequestTrace()
 * const listing = await trace.measure('kv', () => kv.list())
 * trace.serverTiming() // 'kv;dur=2.1, total;dur=2.4'
 */
export class RequestTrace {
  readonly #startedAt = performance.now()
  readonly #spent: Record<TracedStep, number> = { kv: 0, hash: 0, writer: 0, origin: 0 }
  readonly #taken = new Set<TracedStep>()
  #representationBytes: number | null | (() => number | null) = null

  /** measure runs one step and adds its duration to the step's total (a page may read KV twice). */
  async measure<T>(step: TracedStep, run: () => Promise<T>): Promise<T> {
    const startedAt = performance.now()
    try {
      return await run()
    } finally {
      this.#spent[step] += performance.now() - startedAt
      this.#taken.add(step)
    }
  }

  /**
   * noteRepresentation records the size of the representation answered about, sent or not (a 304), or how to
   * work it out, which is done only if the size is asked (a page's is, for the log line of a 304).
   */
  noteRepresentation(bytes: number | null | (() => number | null)): void {
    this.#representationBytes = bytes
  }

  /** representationBytes is the size noted, or null when none was (or the store did not know it). */
  get representationBytes(): number | null {
    if (typeof this.#representationBytes === 'function')
      this.#representationBytes = this.#representationBytes()
    return this.#representationBytes
  }

  /** elapsedMs is the time since the trace started. */
  elapsedMs(): number {
    return performance.now() - this.#startedAt
  }

  /** spentMs is the time measured in each step so far. */
  spentMs(): Readonly<Record<TracedStep, number>> {
    return { ...this.#spent }
  }

  /** serverTiming returns the Server-Timing field value: each step taken, in TRACED_STEPS order, then the total. */
  serverTiming(): string {
    const steps = TRACED_STEPS.filter((name) => this.#taken.has(name)).map((name) => ({
      name,
      durationMs: this.#spent[name],
    }))
    return formatServerTiming([...steps, { name: 'total', durationMs: this.elapsedMs() }])
  }
}

/** TraceVariables types the Hono context variable that holds a request's trace. */
export interface TraceVariables {
  trace: RequestTrace
}

/**
 * traceOf returns the trace of the request in `c`, starting one when no middleware did (a sub-app mounted
 * without traceRequests still works, untraced).
 *
 * @example await traceOf(c).measure('writer', () => writer.put(...))
 */
export function traceOf(c: Context): RequestTrace {
  let trace: RequestTrace | undefined = c.get('trace')
  if (trace === undefined) {
    trace = new RequestTrace()
    c.set('trace', trace)
  }
  return trace
}
