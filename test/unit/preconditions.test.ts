import { describe, expect, it } from 'vitest'
import {
  type ConditionalHeaders,
  checkIfMatch,
  checkIfModifiedSince,
  checkIfNoneMatch,
  checkIfUnmodifiedSince,
  evaluatePreconditions,
  type PreconditionOptions,
  type PreconditionOutcome,
  readConditionalHeaders,
  type Validators,
} from '../../src/http/preconditions.ts'

const LAST_MODIFIED = 'Sun, 06 Nov 1994 08:49:37 GMT'
const SECOND_BEFORE = 'Sun, 06 Nov 1994 08:49:36 GMT'
const SECOND_AFTER = 'Sun, 06 Nov 1994 08:49:38 GMT'
const TWO_DATES = `${SECOND_AFTER}, ${SECOND_AFTER}`

const CURRENT: Validators = { etag: '"abc"', lastModified: LAST_MODIFIED }
const UNDATED: Validators = { etag: '"abc"' }
const CURRENT_WEAK: Validators = { etag: 'W/"abc"', lastModified: LAST_MODIFIED }

const headers = (fields: Partial<ConditionalHeaders> = {}): ConditionalHeaders => ({
  ifMatch: null,
  ifNoneMatch: null,
  ifModifiedSince: null,
  ifUnmodifiedSince: null,
  ...fields,
})

const PROCEED: PreconditionOutcome = { action: 'proceed' }
const NOT_MODIFIED_BY_INM: PreconditionOutcome = { action: 'not-modified', field: 'If-None-Match' }
const NOT_MODIFIED_BY_IMS: PreconditionOutcome = { action: 'not-modified', field: 'If-Modified-Since' }
const failed = (
  field: 'If-Match' | 'If-Unmodified-Since' | 'If-None-Match',
  malformed = false,
): PreconditionOutcome => ({ action: 'precondition-failed', field, malformed })

type Row = [
  string,
  string,
  Partial<ConditionalHeaders>,
  Validators | null,
  PreconditionOptions,
  PreconditionOutcome,
]

describe('evaluatePreconditions', () => {
  it.each<Row>([
    ['proceeds without preconditions', 'GET', {}, CURRENT, {}, PROCEED],
    ['proceeds without preconditions on a create', 'PUT', {}, null, {}, PROCEED],
  ])('%s (%s)', (_label, method, fields, current, options, expected) => {
    expect(evaluatePreconditions(method, headers(fields), current, options)).toEqual(expected)
  })

  // RFC 9110 section 13.2.2 step 1.
  describe('If-Match', () => {
    it.each<Row>([
      ['proceeds when the tag matches', 'PUT', { ifMatch: '"abc"' }, CURRENT, {}, PROCEED],
      ['proceeds when any listed tag matches', 'PUT', { ifMatch: '"x", "abc"' }, CURRENT, {}, PROCEED],
      ['answers 412 when no tag matches', 'PUT', { ifMatch: '"xyz"' }, CURRENT, {}, failed('If-Match')],
      ['answers 412 on GET too', 'GET', { ifMatch: '"xyz"' }, CURRENT, {}, failed('If-Match')],
      ['proceeds on * when the item exists', 'PUT', { ifMatch: '*' }, CURRENT, {}, PROCEED],
      [
        'answers 412 on * when the item does not exist',
        'PUT',
        { ifMatch: '*' },
        null,
        {},
        failed('If-Match'),
      ],
      [
        'answers 412 on a tag when the item does not exist',
        'PUT',
        { ifMatch: '"abc"' },
        null,
        {},
        failed('If-Match'),
      ],
      ['answers 412 to an empty list', 'PUT', { ifMatch: '' }, CURRENT, {}, failed('If-Match')],
      // Section 13.1.1: If-Match uses strong comparison.
      [
        'answers 412 when only a weak tag matches',
        'PUT',
        { ifMatch: 'W/"abc"' },
        CURRENT,
        {},
        failed('If-Match'),
      ],
      [
        'answers 412 when the current tag is weak',
        'PUT',
        { ifMatch: 'W/"abc"' },
        CURRENT_WEAK,
        {},
        failed('If-Match'),
      ],
      [
        'proceeds on a weak tag with weakIfMatch',
        'PUT',
        { ifMatch: 'W/"abc"' },
        CURRENT,
        { weakIfMatch: true },
        PROCEED,
      ],
      [
        'proceeds on a strong tag with weakIfMatch',
        'PUT',
        { ifMatch: '"abc"' },
        CURRENT,
        { weakIfMatch: true },
        PROCEED,
      ],
      [
        'still answers 412 to a different weak tag with weakIfMatch',
        'PUT',
        { ifMatch: 'W/"xyz"' },
        CURRENT,
        { weakIfMatch: true },
        failed('If-Match'),
      ],
      [
        'answers 412 to a malformed value, saying so',
        'PUT',
        { ifMatch: 'abc' },
        CURRENT,
        {},
        failed('If-Match', true),
      ],
      [
        'answers 412 to an unterminated tag, saying so',
        'DELETE',
        { ifMatch: '"abc' },
        CURRENT,
        {},
        failed('If-Match', true),
      ],
      [
        'answers 412 to * mixed with a tag',
        'PUT',
        { ifMatch: '*, "abc"' },
        CURRENT,
        {},
        failed('If-Match', true),
      ],
      [
        'answers 412 to a malformed value when the item does not exist',
        'PUT',
        { ifMatch: 'abc' },
        null,
        {},
        failed('If-Match', true),
      ],
      // Section 13.2.2: when If-Match is present, If-Unmodified-Since is not evaluated.
      [
        'ignores a failing If-Unmodified-Since when it matches',
        'PUT',
        { ifMatch: '"abc"', ifUnmodifiedSince: SECOND_BEFORE },
        CURRENT,
        {},
        PROCEED,
      ],
      [
        'answers 412 despite a passing If-Unmodified-Since',
        'PUT',
        { ifMatch: '"xyz"', ifUnmodifiedSince: SECOND_AFTER },
        CURRENT,
        {},
        failed('If-Match'),
      ],
      [
        'answers 412 before If-None-Match is considered',
        'GET',
        { ifMatch: '"xyz"', ifNoneMatch: '"abc"' },
        CURRENT,
        {},
        failed('If-Match'),
      ],
      [
        'lets a matching If-None-Match answer 304 after it passes',
        'GET',
        { ifMatch: '"abc"', ifNoneMatch: '"abc"' },
        CURRENT,
        {},
        NOT_MODIFIED_BY_INM,
      ],
      [
        'lets a matching If-None-Match answer 412 on PUT after it passes',
        'PUT',
        { ifMatch: '"abc"', ifNoneMatch: '"abc"' },
        CURRENT,
        {},
        failed('If-None-Match'),
      ],
    ])('%s (%s)', (_label, method, fields, current, options, expected) => {
      expect(evaluatePreconditions(method, headers(fields), current, options)).toEqual(expected)
    })

    // Section 13.1.1's strong comparison is the default, whether the options are left out or given without
    // weakIfMatch; the rows above always pass options, so the default parameter is tested here.
    it.each<{ given: string; options: PreconditionOptions | undefined; want: PreconditionOutcome }>([
      { given: 'no options', options: undefined, want: failed('If-Match') },
      { given: 'options without weakIfMatch', options: {}, want: failed('If-Match') },
      { given: 'weakIfMatch: false', options: { weakIfMatch: false }, want: failed('If-Match') },
      { given: 'weakIfMatch: true', options: { weakIfMatch: true }, want: PROCEED },
    ])('decides W/"abc" against the current "abc" as $want.action with $given', ({ options, want }) => {
      const fields = headers({ ifMatch: 'W/"abc"' })
      const outcome =
        options === undefined
          ? evaluatePreconditions('PUT', fields, CURRENT)
          : evaluatePreconditions('PUT', fields, CURRENT, options)
      expect(outcome).toEqual(want)
    })
  })

  // RFC 9110 section 13.2.2 step 2.
  describe('If-Unmodified-Since', () => {
    it.each<Row>([
      [
        'answers 412 when modified after the date',
        'PUT',
        { ifUnmodifiedSince: SECOND_BEFORE },
        CURRENT,
        {},
        failed('If-Unmodified-Since'),
      ],
      [
        'proceeds when modified at the date',
        'PUT',
        { ifUnmodifiedSince: LAST_MODIFIED },
        CURRENT,
        {},
        PROCEED,
      ],
      [
        'proceeds when modified before the date',
        'PUT',
        { ifUnmodifiedSince: SECOND_AFTER },
        CURRENT,
        {},
        PROCEED,
      ],
      ['ignores an invalid date', 'PUT', { ifUnmodifiedSince: 'yesterday' }, CURRENT, {}, PROCEED],
      [
        'ignores an ISO 8601 date',
        'PUT',
        { ifUnmodifiedSince: '1994-11-06T08:49:36Z' },
        CURRENT,
        {},
        PROCEED,
      ],
      [
        'ignores two dates joined by a comma',
        'PUT',
        { ifUnmodifiedSince: `${SECOND_BEFORE}, ${SECOND_BEFORE}` },
        CURRENT,
        {},
        PROCEED,
      ],
      [
        'is ignored when the item has no Last-Modified',
        'PUT',
        { ifUnmodifiedSince: SECOND_BEFORE },
        UNDATED,
        {},
        PROCEED,
      ],
      [
        'is ignored when the item does not exist',
        'PUT',
        { ifUnmodifiedSince: SECOND_BEFORE },
        null,
        {},
        PROCEED,
      ],
      [
        'answers 412 on GET too',
        'GET',
        { ifUnmodifiedSince: SECOND_BEFORE },
        CURRENT,
        {},
        failed('If-Unmodified-Since'),
      ],
      [
        'answers 412 before a matching If-None-Match is considered',
        'GET',
        { ifUnmodifiedSince: SECOND_BEFORE, ifNoneMatch: '"abc"' },
        CURRENT,
        {},
        failed('If-Unmodified-Since'),
      ],
      [
        'lets If-Modified-Since answer 304 after it passes',
        'GET',
        { ifUnmodifiedSince: SECOND_AFTER, ifModifiedSince: LAST_MODIFIED },
        CURRENT,
        {},
        NOT_MODIFIED_BY_IMS,
      ],
    ])('%s (%s)', (_label, method, fields, current, options, expected) => {
      expect(evaluatePreconditions(method, headers(fields), current, options)).toEqual(expected)
    })
  })

  // RFC 9110 section 13.2.2 step 3.
  describe('If-None-Match', () => {
    it.each<Row>([
      ['answers 304 when the tag matches', 'GET', { ifNoneMatch: '"abc"' }, CURRENT, {}, NOT_MODIFIED_BY_INM],
      ['answers 304 to HEAD', 'HEAD', { ifNoneMatch: '"abc"' }, CURRENT, {}, NOT_MODIFIED_BY_INM],
      [
        'answers 304 when any listed tag matches',
        'GET',
        { ifNoneMatch: '"x", W/"y", "abc"' },
        CURRENT,
        {},
        NOT_MODIFIED_BY_INM,
      ],
      // Section 13.1.2: If-None-Match uses weak comparison.
      [
        'answers 304 when a weak tag matches',
        'GET',
        { ifNoneMatch: 'W/"abc"' },
        CURRENT,
        {},
        NOT_MODIFIED_BY_INM,
      ],
      [
        'answers 304 when the current tag is weak',
        'GET',
        { ifNoneMatch: '"abc"' },
        CURRENT_WEAK,
        {},
        NOT_MODIFIED_BY_INM,
      ],
      ['proceeds when no tag matches', 'GET', { ifNoneMatch: '"xyz", W/"abd"' }, CURRENT, {}, PROCEED],
      ['proceeds on an empty list', 'GET', { ifNoneMatch: '' }, CURRENT, {}, PROCEED],
      [
        'answers 304 to * when the item exists',
        'GET',
        { ifNoneMatch: '*' },
        CURRENT,
        {},
        NOT_MODIFIED_BY_INM,
      ],
      ['proceeds on * when the item does not exist', 'GET', { ifNoneMatch: '*' }, null, {}, PROCEED],
      [
        'answers 412 to PUT when the tag matches',
        'PUT',
        { ifNoneMatch: '"abc"' },
        CURRENT,
        {},
        failed('If-None-Match'),
      ],
      [
        'answers 412 to DELETE when the tag matches',
        'DELETE',
        { ifNoneMatch: '"abc"' },
        CURRENT,
        {},
        failed('If-None-Match'),
      ],
      [
        'answers 412 to POST when the tag matches',
        'POST',
        { ifNoneMatch: '"abc"' },
        CURRENT,
        {},
        failed('If-None-Match'),
      ],
      [
        'answers 412 to PATCH when a weak tag matches',
        'PATCH',
        { ifNoneMatch: 'W/"abc"' },
        CURRENT,
        {},
        failed('If-None-Match'),
      ],
      [
        'answers 412 to PUT on * when the item exists',
        'PUT',
        { ifNoneMatch: '*' },
        CURRENT,
        {},
        failed('If-None-Match'),
      ],
      [
        'proceeds with a create on * when the item does not exist',
        'PUT',
        { ifNoneMatch: '*' },
        null,
        {},
        PROCEED,
      ],
      ['proceeds with PUT when no tag matches', 'PUT', { ifNoneMatch: '"xyz"' }, CURRENT, {}, PROCEED],
      ['ignores a malformed value on GET', 'GET', { ifNoneMatch: '"abc' }, CURRENT, {}, PROCEED],
      ['ignores a malformed value on HEAD', 'HEAD', { ifNoneMatch: 'abc' }, CURRENT, {}, PROCEED],
      ['ignores * mixed with a tag on GET', 'GET', { ifNoneMatch: '*, "abc"' }, CURRENT, {}, PROCEED],
      [
        'answers 412 to a malformed value on PUT',
        'PUT',
        { ifNoneMatch: 'abc' },
        CURRENT,
        {},
        failed('If-None-Match', true),
      ],
      [
        'answers 412 to a malformed value on a create',
        'PUT',
        { ifNoneMatch: '* "x"' },
        null,
        {},
        failed('If-None-Match', true),
      ],
      [
        'answers 412 to a malformed value on DELETE',
        'DELETE',
        { ifNoneMatch: 'w/"abc"' },
        CURRENT,
        {},
        failed('If-None-Match', true),
      ],
      // Section 13.1.3: If-Modified-Since is ignored when If-None-Match is present.
      [
        'makes If-Modified-Since ignored when no tag matches',
        'GET',
        { ifNoneMatch: '"xyz"', ifModifiedSince: SECOND_AFTER },
        CURRENT,
        {},
        PROCEED,
      ],
      [
        'makes If-Modified-Since ignored even when malformed',
        'GET',
        { ifNoneMatch: '"xyz', ifModifiedSince: SECOND_AFTER },
        CURRENT,
        {},
        PROCEED,
      ],
      [
        'answers 304 by itself even when If-Modified-Since would not',
        'GET',
        { ifNoneMatch: '"abc"', ifModifiedSince: SECOND_BEFORE },
        CURRENT,
        {},
        NOT_MODIFIED_BY_INM,
      ],
    ])('%s (%s)', (_label, method, fields, current, options, expected) => {
      expect(evaluatePreconditions(method, headers(fields), current, options)).toEqual(expected)
    })
  })

  // RFC 9110 section 13.2.2 step 4.
  describe('If-Modified-Since', () => {
    it.each<Row>([
      [
        'answers 304 when the date equals Last-Modified',
        'GET',
        { ifModifiedSince: LAST_MODIFIED },
        CURRENT,
        {},
        NOT_MODIFIED_BY_IMS,
      ],
      [
        'answers 304 when the date is later',
        'GET',
        { ifModifiedSince: SECOND_AFTER },
        CURRENT,
        {},
        NOT_MODIFIED_BY_IMS,
      ],
      ['answers 304 to HEAD', 'HEAD', { ifModifiedSince: LAST_MODIFIED }, CURRENT, {}, NOT_MODIFIED_BY_IMS],
      [
        'proceeds when the date is one second earlier',
        'GET',
        { ifModifiedSince: SECOND_BEFORE },
        CURRENT,
        {},
        PROCEED,
      ],
      [
        'answers 304 to the RFC 850 form of Last-Modified',
        'GET',
        { ifModifiedSince: 'Sunday, 06-Nov-94 08:49:37 GMT' },
        CURRENT,
        {},
        NOT_MODIFIED_BY_IMS,
      ],
      [
        'answers 304 to the asctime form of Last-Modified',
        'GET',
        { ifModifiedSince: 'Sun Nov  6 08:49:37 1994' },
        CURRENT,
        {},
        NOT_MODIFIED_BY_IMS,
      ],
      ['is ignored on PUT', 'PUT', { ifModifiedSince: LAST_MODIFIED }, CURRENT, {}, PROCEED],
      ['is ignored on DELETE', 'DELETE', { ifModifiedSince: SECOND_AFTER }, CURRENT, {}, PROCEED],
      ['is ignored on POST', 'POST', { ifModifiedSince: SECOND_AFTER }, CURRENT, {}, PROCEED],
      ['ignores an invalid date', 'GET', { ifModifiedSince: 'Sun, 06 Nov 1994' }, CURRENT, {}, PROCEED],
      ['ignores an ISO 8601 date', 'GET', { ifModifiedSince: '1994-11-06T08:49:38Z' }, CURRENT, {}, PROCEED],
      ['ignores two dates joined by a comma', 'GET', { ifModifiedSince: TWO_DATES }, CURRENT, {}, PROCEED],
      [
        'is ignored when the item has no Last-Modified',
        'GET',
        { ifModifiedSince: SECOND_AFTER },
        UNDATED,
        {},
        PROCEED,
      ],
      [
        'is ignored when the item does not exist',
        'GET',
        { ifModifiedSince: SECOND_AFTER },
        null,
        {},
        PROCEED,
      ],
    ])('%s (%s)', (_label, method, fields, current, options, expected) => {
      expect(evaluatePreconditions(method, headers(fields), current, options)).toEqual(expected)
    })
  })

  it('ignores a repeated If-Modified-Since that arrives joined from two field lines', () => {
    const single = new Headers({ 'If-Modified-Since': SECOND_AFTER })
    const repeated = new Headers()
    repeated.append('If-Modified-Since', SECOND_AFTER)
    repeated.append('If-Modified-Since', SECOND_AFTER)
    expect(evaluatePreconditions('GET', readConditionalHeaders(single), CURRENT)).toEqual(NOT_MODIFIED_BY_IMS)
    expect(evaluatePreconditions('GET', readConditionalHeaders(repeated), CURRENT)).toEqual(PROCEED)
  })

  it('matches a tag from a repeated If-None-Match that arrives joined from two field lines', () => {
    const repeated = new Headers()
    repeated.append('If-None-Match', '"xyz"')
    repeated.append('If-None-Match', '"abc"')
    expect(evaluatePreconditions('GET', readConditionalHeaders(repeated), CURRENT)).toEqual(
      NOT_MODIFIED_BY_INM,
    )
  })
})

describe('readConditionalHeaders', () => {
  it('reads the four precondition fields, case-insensitively', () => {
    const request = new Request('https://example.com/', {
      headers: {
        'if-match': '"a"',
        'IF-NONE-MATCH': 'W/"b"',
        'If-Modified-Since': SECOND_AFTER,
        'if-unmodified-since': SECOND_BEFORE,
        'Content-Type': 'application/json',
      },
    })
    expect(readConditionalHeaders(request.headers)).toEqual({
      ifMatch: '"a"',
      ifNoneMatch: 'W/"b"',
      ifModifiedSince: SECOND_AFTER,
      ifUnmodifiedSince: SECOND_BEFORE,
    })
  })

  it('gives null for each absent field', () => {
    expect(readConditionalHeaders(new Headers({ 'Content-Type': 'application/json' }))).toEqual({
      ifMatch: null,
      ifNoneMatch: null,
      ifModifiedSince: null,
      ifUnmodifiedSince: null,
    })
  })

  it('gives an empty string, not null, for a field sent empty', () => {
    expect(readConditionalHeaders(new Headers({ 'If-None-Match': '' })).ifNoneMatch).toBe('')
  })

  it('joins a repeated field with ", "', () => {
    const repeated = new Headers()
    repeated.append('If-Match', '"a"')
    repeated.append('If-Match', '"b"')
    expect(readConditionalHeaders(repeated).ifMatch).toBe('"a", "b"')
  })
})

describe('checkIfMatch', () => {
  it.each<[string, string | null, Validators | null, PreconditionOptions, string]>([
    ['is none when absent', null, CURRENT, {}, 'none'],
    ['is none when absent and the item does not exist', null, null, {}, 'none'],
    ['is true when the tag matches', '"abc"', CURRENT, {}, 'true'],
    ['is false when no tag matches', '"abd"', CURRENT, {}, 'false'],
    ['is true on * when the item exists', '*', CURRENT, {}, 'true'],
    ['is false on * when the item does not exist', '*', null, {}, 'false'],
    ['is false on a weak tag by default', 'W/"abc"', CURRENT, {}, 'false'],
    ['is true on a weak tag with weakIfMatch', 'W/"abc"', CURRENT, { weakIfMatch: true }, 'true'],
    ['is false on a malformed value', '"abc', CURRENT, {}, 'false'],
    ['is false on an empty list', ', ,', CURRENT, {}, 'false'],
  ])('%s', (_label, value, current, options, expected) => {
    expect(checkIfMatch(value, current, options)).toBe(expected)
  })
})

describe('checkIfUnmodifiedSince', () => {
  it.each<[string, string | null, Validators | null, string]>([
    ['is none when absent', null, CURRENT, 'none'],
    ['is true when modified at the date', LAST_MODIFIED, CURRENT, 'true'],
    ['is true when modified before the date', SECOND_AFTER, CURRENT, 'true'],
    ['is false when modified after the date', SECOND_BEFORE, CURRENT, 'false'],
    ['is none for an invalid date', 'not a date', CURRENT, 'none'],
    ['is none for two dates', TWO_DATES, CURRENT, 'none'],
    ['is none when the item has no Last-Modified', SECOND_BEFORE, UNDATED, 'none'],
    ['is none when the item does not exist', SECOND_BEFORE, null, 'none'],
  ])('%s', (_label, value, current, expected) => {
    expect(checkIfUnmodifiedSince(value, current)).toBe(expected)
  })
})

describe('checkIfNoneMatch', () => {
  it.each<[string, string | null, Validators | null, string, string]>([
    ['is none when absent', null, CURRENT, 'GET', 'none'],
    ['is false when the tag matches', '"abc"', CURRENT, 'GET', 'false'],
    ['is false when a weak tag matches', 'W/"abc"', CURRENT, 'GET', 'false'],
    ['is false when a weak tag matches on PUT', 'W/"abc"', CURRENT, 'PUT', 'false'],
    ['is true when no tag matches', '"abd"', CURRENT, 'GET', 'true'],
    ['is false on * when the item exists', '*', CURRENT, 'PUT', 'false'],
    ['is true on * when the item does not exist', '*', null, 'PUT', 'true'],
    ['is true on a tag when the item does not exist', '"abc"', null, 'GET', 'true'],
    ['is none on a malformed value on GET', '"abc', CURRENT, 'GET', 'none'],
    ['is none on a malformed value on HEAD', '"abc', CURRENT, 'HEAD', 'none'],
    ['is false on a malformed value on PUT', '"abc', CURRENT, 'PUT', 'false'],
    ['is false on a malformed value on a create', '"abc', null, 'PUT', 'false'],
  ])('%s', (_label, value, current, method, expected) => {
    expect(checkIfNoneMatch(value, current, method)).toBe(expected)
  })
})

describe('checkIfModifiedSince', () => {
  it.each<[string, string | null, Validators | null, string, string]>([
    ['is none when absent', null, CURRENT, 'GET', 'none'],
    ['is false when modified at the date', LAST_MODIFIED, CURRENT, 'GET', 'false'],
    ['is false when modified before the date', SECOND_AFTER, CURRENT, 'HEAD', 'false'],
    ['is true when modified after the date', SECOND_BEFORE, CURRENT, 'GET', 'true'],
    ['is none on PUT', LAST_MODIFIED, CURRENT, 'PUT', 'none'],
    ['is none on DELETE', SECOND_BEFORE, CURRENT, 'DELETE', 'none'],
    ['is none for an invalid date', '06 Nov 1994', CURRENT, 'GET', 'none'],
    ['is none for two dates', TWO_DATES, CURRENT, 'GET', 'none'],
    ['is none when the item has no Last-Modified', SECOND_AFTER, UNDATED, 'GET', 'none'],
    ['is none when the item does not exist', SECOND_AFTER, null, 'GET', 'none'],
  ])('%s', (_label, value, current, method, expected) => {
    expect(checkIfModifiedSince(value, current, method)).toBe(expected)
  })
})
