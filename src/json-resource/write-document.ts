/**
 * PUT, PATCH and DELETE of a document. The worker reads and checks the request's content, then hands it,
 * with the preconditions, to the document's writer object, which evaluates the preconditions first and
 * commits atomically (src/documents/document-writes.ts); the answer is what the writer did.
 */

import type { Context } from 'hono'
import { REVALIDATE, refusalError, representationHeaders } from '../conditional-response.ts'
import { readConfig } from '../config.ts'
import { type DocumentTarget, StorageUnavailableError } from '../documents/document.ts'
import { type ContentVerdict, type DocumentRules, prepareDocument } from '../documents/document-content.ts'
import {
  isRefusal,
  type PatchVerdict,
  type WriteOutcome,
  type WriteRefusal,
} from '../documents/document-writes.ts'
import { uuidV7 } from '../documents/uuid-v7.ts'
import type { AppEnv } from '../env.ts'
import { CanonicalJsonError, canonicalJson } from '../http/canonical-json.ts'
import { MAX_IDEMPOTENCY_KEY_LENGTH, parseIdempotencyKey } from '../http/idempotency-key.ts'
import { parseJsonBody } from '../http/json-body.ts'
import { isMediaType } from '../http/media-type.ts'
import { type ConditionalHeaders, readConditionalHeaders } from '../http/preconditions.ts'
import { HttpError } from '../http/problem.ts'
import { readBodyWithLimit, rejectDeclaredOverLimit } from '../http/read-body.ts'
import { traceOf } from '../observability/request-trace.ts'
import { type DocumentWriterRpc, documentWriterFor } from '../store/document-writer.ts'
import { idempotencyKeyFor, type RememberedAnswer } from '../store/idempotency-keys.ts'
import { describeTarget, targetOf } from './context.ts'

/** JSON_TYPE is the media type of a document in a PUT. */
export const JSON_TYPE = 'application/json'

/** MERGE_PATCH_TYPE is the media type of a PATCH body: JSON Merge Patch (RFC 7396). */
export const MERGE_PATCH_TYPE = 'application/merge-patch+json'

/**
 * replaceDocument answers a PUT: 201 when it created the document, 200 when it replaced it (or the bytes
 * were identical), with the stored representation and its validators.
 *
 * @example resource.put('/:id', requireBearerToken, (c) => replaceDocument(c, 'tasks', rules))
 */
export async function replaceDocument(
  c: Context<AppEnv>,
  resource: string,
  rules: DocumentRules,
): Promise<Response> {
  const target = targetOf(c, resource)
  const policy = readConfig(c.env)
  checkContentFields(c, JSON_TYPE, policy.maxBodyBytes)
  const content = await verdictOf<ContentVerdict>(async () => {
    const value = await readJson(c, policy.maxBodyBytes)
    return traceOf(c).measure('hash', () => prepareDocument(value, rules, policy.maxBodyBytes))
  })
  const conditions = readConditionalHeaders(c.req.raw.headers)
  return answerWrite(c, target, (writer) => writer.put(target, content, conditions, policy))
}

/** CREATE_ONLY are the preconditions of a create: the new id must name no document yet. */
const CREATE_ONLY: ConditionalHeaders = {
  ifMatch: null,
  ifNoneMatch: '*',
  ifModifiedSince: null,
  ifUnmodifiedSince: null,
}

/**
 * createDocument answers a POST to a collection: the server picks the id (a UUIDv7, so ids sort by creation
 * time) and creates the document as a creating PUT does: 201 with Location, the stored representation and its
 * validators. The write is create-only, so an id that were ever taken could not be overwritten. With an
 * Idempotency-Key, a retry creates nothing and is answered what the first request was (see
 * src/store/idempotency-keys.ts): 409 while the first is in flight, 422 for the key reused with other content,
 * 400 for a malformed key.
 *
 * @example resource.post('/', requireBearerToken, (c) => createDocument(c, 'tasks', rules))
 */
export async function createDocument(
  c: Context<AppEnv>,
  resource: string,
  rules: DocumentRules,
): Promise<Response> {
  const key = parseIdempotencyKey(c.req.header('Idempotency-Key') ?? null)
  if (key.kind === 'invalid') {
    throw new HttpError(
      400,
      `Idempotency-Key must be a string of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters, bare or quoted ("...")`,
    )
  }
  const policy = readConfig(c.env)
  checkContentFields(c, JSON_TYPE, policy.maxBodyBytes)
  const content = await verdictOf<ContentVerdict>(async () => {
    const value = await readJson(c, policy.maxBodyBytes)
    return traceOf(c).measure('hash', () => prepareDocument(value, rules, policy.maxBodyBytes))
  })
  const collection = c.req.path.replace(/\/$/, '')
  if (key.kind === 'absent') {
    const target = { resource, id: uuidV7() }
    const path = `${collection}/${target.id}`
    return answerWrite(c, target, (writer) => writer.put(target, content, CREATE_ONLY, policy), path)
  }
  // Content that cannot be stored is refused before the key is claimed: such a request is not remembered.
  if (!content.ok) throw refusalError({ result: 'unacceptable', problem: content.problem }, 'POST', resource)

  const keys = await idempotencyKeyFor(c.env, resource, key.key)
  const claim = await traceOf(c).measure('writer', () => keys.claim(content.content.etag, uuidV7()))
  switch (claim.result) {
    case 'mismatch':
      throw new HttpError(
        422,
        'This Idempotency-Key was used with other content; send a new key for a new document',
      )
    case 'in-flight':
      throw new HttpError(409, 'A request with this Idempotency-Key is still in progress; retry shortly', {
        'Retry-After': '1',
      })
    case 'replay':
      return replayedAnswer(c, claim.answer)
    case 'create':
      break
  }
  const target = { resource, id: claim.id }
  const path = `${collection}/${target.id}`
  let outcome: Written
  try {
    const answered = await callWriter(c, target, (writer) => writer.put(target, content, CREATE_ONLY, policy))
    // A claim taken over from a request lost in flight: its create may have happened, with these very bytes.
    const lost = answered.result === 'precondition-failed' ? answered.current : null
    if (lost?.etag === content.content.etag) {
      outcome = { result: 'created', validators: lost, bytes: content.content.bytes }
    } else if (isRefusal(answered)) {
      throw refusalError(answered, 'POST', describeTarget(target))
    } else {
      outcome = answered
    }
  } catch (error) {
    // Nothing was created: the key is free again, as Stripe frees a key whose request failed.
    await keys.release().catch(() => undefined)
    throw error
  }
  const answer = writtenAnswer(c, outcome, path)
  if (outcome.result === 'created') {
    const { validators, bytes } = outcome
    await keys.remember({
      location: path,
      etag: validators.etag,
      lastModified: validators.lastModified,
      body: new TextDecoder().decode(bytes),
    })
  }
  return answer
}

// replayedAnswer answers a retried create with what the first was answered (`Idempotent-Replayed`, as
// Stripe's API says it).
function replayedAnswer(c: Context<AppEnv>, answer: RememberedAnswer): Response {
  const headers = representationHeaders({ etag: answer.etag, lastModified: answer.lastModified }, REVALIDATE)
  const body = new TextEncoder().encode(answer.body)
  headers.set('Content-Length', String(body.byteLength))
  headers.set('Content-Location', answer.location)
  headers.set('Location', answer.location)
  headers.set('Idempotent-Replayed', 'true')
  traceOf(c).noteRepresentation(body.byteLength)
  return new Response(body, { status: 201, headers })
}

/**
 * patchDocument answers a PATCH with a JSON Merge Patch: as a replacing PUT does (200), or 404 when there
 * is no document. The merge, the schema check of its result and the commit happen in the writer, atomically.
 *
 * @example resource.patch('/:id', requireBearerToken, (c) => patchDocument(c, 'tasks'))
 */
export async function patchDocument(c: Context<AppEnv>, resource: string): Promise<Response> {
  const target = targetOf(c, resource)
  const policy = readConfig(c.env)
  checkContentFields(c, MERGE_PATCH_TYPE, policy.maxBodyBytes)
  const patch = await verdictOf<PatchVerdict>(async () => {
    const value = await readJson(c, policy.maxBodyBytes)
    try {
      return { ok: true, json: canonicalJson(value) }
    } catch (error) {
      if (error instanceof CanonicalJsonError) {
        throw new HttpError(422, `The patch cannot be applied: ${error.message}`)
      }
      throw error
    }
  })
  const conditions = readConditionalHeaders(c.req.raw.headers)
  return answerWrite(c, target, (writer) => writer.patch(target, patch, conditions, policy))
}

/**
 * removeDocument answers a DELETE: 204, or 404 when there is no document.
 *
 * @example resource.delete('/:id', requireBearerToken, (c) => removeDocument(c, 'tasks'))
 */
export async function removeDocument(c: Context<AppEnv>, resource: string): Promise<Response> {
  const target = targetOf(c, resource)
  const conditions = readConditionalHeaders(c.req.raw.headers)
  const policy = readConfig(c.env)
  return answerWrite(c, target, (writer) => writer.remove(target, conditions, policy))
}

/**
 * checkContentFields applies the checks of the content that need no reading: a partial PUT (400), the
 * content's coding and its media type (415), and a declared length over the limit (413).
 */
function checkContentFields(c: Context<AppEnv>, type: string, maxBodyBytes: number): void {
  // RFC 9110 section 14.5: a server that does not support partial PUT answers Content-Range with 400, rather
  // than store a fragment as if it were the whole document.
  if (c.req.header('Content-Range') !== undefined) {
    throw new HttpError(400, 'Content-Range is not supported here; send the whole document')
  }
  const encoding = c.req.header('Content-Encoding')
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new HttpError(415, `Content-Encoding ${encoding} is not supported; send the body uncompressed`, {
      'Accept-Encoding': 'identity',
    })
  }
  if (!isMediaType(c.req.header('Content-Type') ?? null, type)) {
    // RFC 9110 section 15.5.16: Accept names the media type that would have been accepted; RFC 5789
    // section 2.2: a 415 to a PATCH names the patch formats in Accept-Patch.
    const headers: Record<string, string> =
      type === MERGE_PATCH_TYPE ? { Accept: type, 'Accept-Patch': type } : { Accept: type }
    throw new HttpError(415, `Send the body as Content-Type: ${type}`, headers)
  }
  rejectDeclaredOverLimit(c.req.raw, maxBodyBytes)
}

/** readJson reads the request body within the limit and parses it as UTF-8 JSON (400, 413, 422). */
async function readJson(c: Context<AppEnv>, maxBodyBytes: number): Promise<unknown> {
  return parseJsonBody(await readBodyWithLimit(c.req.raw, maxBodyBytes))
}

/**
 * verdictOf reads and checks request content, turning a refusal of it (400, 413, 422) into data: the
 * document's writer answers it only if the preconditions hold (RFC 9110 section 13.2.1).
 */
async function verdictOf<T extends ContentVerdict | PatchVerdict>(check: () => Promise<T>): Promise<T> {
  try {
    return await check()
  } catch (error) {
    if (
      error instanceof HttpError &&
      (error.status === 400 || error.status === 413 || error.status === 422)
    ) {
      return { ok: false, problem: { status: error.status, detail: error.message } } as T
    }
    throw error
  }
}

/**
 * answerWrite runs one call to the document's writer and answers with what it did, naming the document by
 * `documentPath`.
 */
async function answerWrite(
  c: Context<AppEnv>,
  target: DocumentTarget,
  call: (writer: DocumentWriterRpc) => Promise<WriteOutcome>,
  documentPath: string = c.req.path,
): Promise<Response> {
  const outcome = await callWriter(c, target, call)
  if (isRefusal(outcome)) throw refusalError(outcome, c.req.method, describeTarget(target))
  return writtenAnswer(c, outcome, documentPath)
}

/**
 * callWriter runs one call to the document's writer and returns what it did. An unreachable or failing
 * writer committed nothing (a commit is one transactional storage write): that is a storage failure.
 */
async function callWriter(
  c: Context<AppEnv>,
  target: DocumentTarget,
  call: (writer: DocumentWriterRpc) => Promise<WriteOutcome>,
): Promise<Written | WriteRefusal> {
  const document = describeTarget(target)
  let outcome: WriteOutcome
  try {
    outcome = await traceOf(c).measure('writer', () => call(documentWriterFor(c.env, target)))
  } catch (error) {
    throw new StorageUnavailableError(`The writer of ${document}`, error)
  }
  if (outcome.result === 'failed') throw new StorageUnavailableError(`The writer of ${document}`, outcome)
  return outcome
}

/** Written is a write that succeeded. */
type Written = Exclude<WriteOutcome, WriteRefusal | { readonly result: 'failed' }>

// writtenAnswer answers a write that succeeded: 204 for a delete, else the stored representation, whose
// validators are what GET serves (Content-Location says so).
function writtenAnswer(c: Context<AppEnv>, outcome: Written, documentPath: string): Response {
  if (outcome.result === 'deleted') return new Response(null, { status: 204 })
  const headers = representationHeaders(outcome.validators, REVALIDATE)
  headers.set('Content-Length', String(outcome.bytes.byteLength))
  // Relative references (RFC 9110 sections 8.7 and 10.2.2): never built from the request's Host.
  headers.set('Content-Location', documentPath)
  traceOf(c).noteRepresentation(outcome.bytes.byteLength)
  if (outcome.result === 'created') headers.set('Location', documentPath)
  return new Response(outcome.bytes, { status: outcome.result === 'created' ? 201 : 200, headers })
}
