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
import { isRefusal, type PatchVerdict, type WriteOutcome } from '../documents/document-writes.ts'
import { uuidV7 } from '../documents/uuid-v7.ts'
import type { AppEnv } from '../env.ts'
import { CanonicalJsonError, canonicalJson } from '../http/canonical-json.ts'
import { parseJsonBody } from '../http/json-body.ts'
import { isMediaType } from '../http/media-type.ts'
import { type ConditionalHeaders, readConditionalHeaders } from '../http/preconditions.ts'
import { HttpError } from '../http/problem.ts'
import { readBodyWithLimit, rejectDeclaredOverLimit } from '../http/read-body.ts'
import { traceOf } from '../observability/request-trace.ts'
import { type DocumentWriterRpc, documentWriterFor } from '../store/document-writer.ts'
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
 * validators. The write is create-only, so an id that were ever taken could not be overwritten.
 *
 * @example resource.post('/', requireBearerToken, (c) => createDocument(c, 'tasks', rules))
 */
export async function createDocument(
  c: Context<AppEnv>,
  resource: string,
  rules: DocumentRules,
): Promise<Response> {
  const target = { resource, id: uuidV7() }
  const policy = readConfig(c.env)
  checkContentFields(c, JSON_TYPE, policy.maxBodyBytes)
  const content = await verdictOf<ContentVerdict>(async () => {
    const value = await readJson(c, policy.maxBodyBytes)
    return traceOf(c).measure('hash', () => prepareDocument(value, rules, policy.maxBodyBytes))
  })
  const path = `${c.req.path.replace(/\/$/, '')}/${target.id}`
  return answerWrite(c, target, (writer) => writer.put(target, content, CREATE_ONLY, policy), path)
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
 * `documentPath`. An unreachable or failing writer committed nothing (a commit is one transactional storage
 * write): that is a storage failure.
 */
async function answerWrite(
  c: Context<AppEnv>,
  target: DocumentTarget,
  call: (writer: DocumentWriterRpc) => Promise<WriteOutcome>,
  documentPath: string = c.req.path,
): Promise<Response> {
  const document = describeTarget(target)
  const trace = traceOf(c)
  let outcome: WriteOutcome
  try {
    outcome = await trace.measure('writer', () => call(documentWriterFor(c.env, target)))
  } catch (error) {
    throw new StorageUnavailableError(`The writer of ${document}`, error)
  }
  if (outcome.result === 'failed') throw new StorageUnavailableError(`The writer of ${document}`, outcome)
  if (isRefusal(outcome)) throw refusalError(outcome, c.req.method, document)
  if (outcome.result === 'deleted') return new Response(null, { status: 204 })

  // The body is the stored representation (Content-Location says so), so its validators are what GET serves.
  const headers = representationHeaders(outcome.validators, REVALIDATE)
  headers.set('Content-Length', String(outcome.bytes.byteLength))
  // Relative references (RFC 9110 sections 8.7 and 10.2.2): never built from the request's Host.
  headers.set('Content-Location', documentPath)
  trace.noteRepresentation(outcome.bytes.byteLength)
  if (outcome.result === 'created') headers.set('Location', documentPath)
  return new Response(outcome.bytes, { status: outcome.result === 'created' ? 201 : 200, headers })
}
