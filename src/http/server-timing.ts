/**
 * The Server-Timing response field (W3C Server Timing): how long the server spent on each step of a request,
 * shown by browsers' developer tools beside the network timings.
 *
 * Pure: formats a field value.
 */

/** ServerTimingMetric is one step: a token name, its duration in milliseconds, and a description. */
export interface ServerTimingMetric {
  readonly name: string
  readonly durationMs: number
  readonly description?: string
}

/**
 * formatServerTiming returns the field value for some metrics, in their order: `name;dur=1.2;desc="..."`
 * joined by commas. Durations keep a tenth of a millisecond; a description is a quoted-string, so quotes and
 * backslashes in it are escaped (RFC 9110 section 5.6.4).
 *
 * @example formatServerTiming([{ name: 'kv', durationMs: 1.234, description: 'KV read' }]) // 'kv;dur=1.2;desc="KV read"'
 */
export function formatServerTiming(metrics: readonly ServerTimingMetric[]): string {
  return metrics
    .map(({ name, durationMs, description }) => {
      const duration = `${name};dur=${Math.max(0, Math.round(durationMs * 10) / 10)}`
      if (description === undefined) return duration
      return `${duration};desc="${description.replace(/["\\]/g, (character) => `\\${character}`)}"`
    })
    .join(', ')
}
