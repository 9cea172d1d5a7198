/**
 * Conditional requests, RFC 9110 section 13: each precondition header is checked by its own function,
 * and evaluatePreconditions applies them in the order of section 13.2.2.
 *
 * Pure: no framework, no storage. The caller supplies the current validators and decides, per section 13.2.1,
 * whether preconditions apply at all (they do not when the unconditional response would be neither 2xx nor
 * 412: a missing item stays 404).
 */

import {
  type EntityTag,
  parseEntityTag,
  parseEntityTagCondition,
  strongMatch,
  weakMatch,
} from './entity-tag.ts'
import { parseHttpDate } from './http-date.ts'

/** Validators are the current representation's ETag (a strong tag, quotes included) and Last-Modified. */
export interface Validators {
  readonly etag: string
  /** An IMF-fixdate; absent when the representation has no modification date. */
  readonly lastModified?: string | undefined
}

/** ConditionalHeaders holds the four precondition fields of a request; null when a field is absent. */
export interface ConditionalHeaders {
  readonly ifMatch: string | null
  readonly ifNoneMatch: string | null
  readonly ifModifiedSince: string | null
  readonly ifUnmodifiedSince: string | null
}

/**
 * ConditionResult is what one precondition evaluates to: `none` when the field is absent or must be
 * ignored, otherwise whether the condition is `true` or `false` (RFC 9110 section 13.1).
 */
export type ConditionResult = 'none' | 'true' | 'false'

/**
 * PreconditionOutcome is the result of evaluating a request's preconditions: perform the method
 * (`proceed`), answer 304 (`not-modified`), or answer 412 (`precondition-failed`), with the field that decided.
 */
export type PreconditionOutcome =
  | { readonly action: 'proceed' }
  | { readonly action: 'not-modified'; readonly field: 'If-None-Match' | 'If-Modified-Since' }
  | {
      readonly action: 'precondition-failed'
      readonly field: 'If-Match' | 'If-Unmodified-Since' | 'If-None-Match'
      readonly malformed: boolean
    }

/** PreconditionOptions adjusts comparison; see `weakIfMatch`. */
export interface PreconditionOptions {
  /**
   * When true, If-Match compares weakly, so `W/"h"` matches the current strong `"h"`. RFC 9110 section
   * 13.1.1 asks for strong comparison; the relaxation exists because Cloudflare weakens strong tags when it
   * compresses a response, and is safe only while every tag is a hash of one exact representation.
   */
  readonly weakIfMatch?: boolean
}

const PROCEED: PreconditionOutcome = { action: 'proceed' }

/**
 * readConditionalHeaders extracts the precondition fields from request headers. Repeated fields arrive
 * joined with ", ", which keeps entity-tag lists valid and makes a repeated date invalid, as it must be.
 *
 * @example readConditionalHeaders(new Headers({ 'If-None-Match': '"a"' })).ifNoneMatch // '"a"'
 */
export function readConditionalHeaders(headers: Headers): ConditionalHeaders {
  return {
    ifMatch: headers.get('If-Match'),
    ifNoneMatch: headers.get('If-None-Match'),
    ifModifiedSince: headers.get('If-Modified-Since'),
    ifUnmodifiedSince: headers.get('If-Unmodified-Since'),
  }
}

/** isSafeRead reports whether the method is GET or HEAD, the methods a 304 can answer. */
function isSafeRead(method: string): boolean {
  return method === 'GET' || method === 'HEAD'
}

function currentTag(current: Validators | null): EntityTag | null {
  return current ? parseEntityTag(current.etag) : null
}

function currentModified(current: Validators | null): number | null {
  return current?.lastModified === undefined ? null : parseHttpDate(current.lastModified)
}

/**
 * checkIfMatch evaluates If-Match, RFC 9110 section 13.1.1: true when the value is `*` and a current
 * representation exists, or when a listed tag matches the current one by strong comparison (weak when
 * `weakIfMatch`). A malformed value matches nothing, so it is false: a write must never proceed on a
 * condition that cannot be read.
 */
export function checkIfMatch(
  value: string | null,
  current: Validators | null,
  options: PreconditionOptions = {},
): ConditionResult {
  if (value === null) return 'none'
  const condition = parseEntityTagCondition(value)
  const tag = currentTag(current)
  if (condition.kind === 'invalid' || tag === null) return 'false'
  if (condition.kind === 'any') return 'true'
  const match = options.weakIfMatch ? weakMatch : strongMatch
  return condition.tags.some((listed) => match(listed, tag)) ? 'true' : 'false'
}

/**
 * checkIfUnmodifiedSince evaluates If-Unmodified-Since, RFC 9110 section 13.1.4: true when the current
 * representation was last modified at or before the given date. It is ignored (`none`) when the value is
 * not a valid HTTP-date or when there is no modification date to compare with.
 */
export function checkIfUnmodifiedSince(value: string | null, current: Validators | null): ConditionResult {
  if (value === null) return 'none'
  const since = parseHttpDate(value)
  const modified = currentModified(current)
  if (since === null || modified === null) return 'none'
  return modified <= since ? 'true' : 'false'
}

/**
 * checkIfNoneMatch evaluates If-None-Match, RFC 9110 section 13.1.2: false when the value is `*` and a
 * current representation exists, or when a listed tag matches the current one by weak comparison.
 * A malformed value is ignored on GET and HEAD (a full response is always safe) and is false otherwise,
 * so that an unreadable `If-None-Match: *` cannot let a create overwrite an item.
 */
export function checkIfNoneMatch(
  value: string | null,
  current: Validators | null,
  method: string,
): ConditionResult {
  if (value === null) return 'none'
  const condition = parseEntityTagCondition(value)
  if (condition.kind === 'invalid') return isSafeRead(method) ? 'none' : 'false'
  const tag = currentTag(current)
  if (tag === null) return 'true'
  if (condition.kind === 'any') return 'false'
  return condition.tags.some((listed) => weakMatch(listed, tag)) ? 'false' : 'true'
}

/**
 * checkIfModifiedSince evaluates If-Modified-Since, RFC 9110 section 13.1.3: false when the current
 * representation was last modified at or before the given date. It is ignored (`none`) unless the method is
 * GET or HEAD, and when the value is not one valid HTTP-date (a repeated field joined by a comma is not).
 */
export function checkIfModifiedSince(
  value: string | null,
  current: Validators | null,
  method: string,
): ConditionResult {
  if (value === null || !isSafeRead(method)) return 'none'
  const since = parseHttpDate(value)
  const modified = currentModified(current)
  if (since === null || modified === null) return 'none'
  return modified <= since ? 'false' : 'true'
}

/**
 * evaluatePreconditions applies a request's preconditions in the order of RFC 9110 section 13.2.2:
 * If-Match, else If-Unmodified-Since; then If-None-Match, else If-Modified-Since (GET and HEAD only).
 * `current` is null when the target has no current representation (a PUT that would create).
 *
 * A request's `Cache-Control: no-cache` plays no part: it asks caches to revalidate with the origin, and this
 * is the origin revalidating, so a matching If-None-Match still earns a 304.
 *
 * @example
 * evaluatePreconditions('GET', readConditionalHeaders(request.headers), { etag: '"abc"' })
 * // { action: 'not-modified', field: 'If-None-Match' } when the request carries If-None-Match: "abc"
 */
export function evaluatePreconditions(
  method: string,
  headers: ConditionalHeaders,
  current: Validators | null,
  options: PreconditionOptions = {},
): PreconditionOutcome {
  // Step 1, else step 2: the state-changing guards.
  if (headers.ifMatch !== null) {
    if (checkIfMatch(headers.ifMatch, current, options) === 'false') {
      const malformed = parseEntityTagCondition(headers.ifMatch).kind === 'invalid'
      return { action: 'precondition-failed', field: 'If-Match', malformed }
    }
  } else if (checkIfUnmodifiedSince(headers.ifUnmodifiedSince, current) === 'false') {
    return { action: 'precondition-failed', field: 'If-Unmodified-Since', malformed: false }
  }

  // Step 3, else step 4: the cache-validation checks.
  if (headers.ifNoneMatch !== null) {
    if (checkIfNoneMatch(headers.ifNoneMatch, current, method) === 'false') {
      if (isSafeRead(method)) return { action: 'not-modified', field: 'If-None-Match' }
      const malformed = parseEntityTagCondition(headers.ifNoneMatch).kind === 'invalid'
      return { action: 'precondition-failed', field: 'If-None-Match', malformed }
    }
  } else if (checkIfModifiedSince(headers.ifModifiedSince, current, method) === 'false') {
    return { action: 'not-modified', field: 'If-Modified-Since' }
  }

  return PROCEED
}
