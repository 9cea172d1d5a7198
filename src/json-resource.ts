/**
 * jsonResource: a JSON resource from a declaration. It returns a Hono sub-app serving
 *
 *   GET, HEAD             /           a page of the collection, in id order, with `next` and Link
 *   GET, HEAD             /:id        the document: validator-first, so a 304 never reads its bytes
 *   PUT, PATCH, DELETE    /:id        conditional writes, committed atomically by the document's writer
 *
 * with 405 and OPTIONS from the app's notFound (src/allowed-methods.ts) and problem+json errors naming the
 * document. Every resource shares one KV namespace (keys prefixed by its name) and one Durable Object class
 * (objects named by resource and id), so declaring one needs no binding and no migration.
 */

import type { StandardSchemaV1 } from '@standard-schema/spec'
import { type Context, Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { requireBearerToken } from './auth.ts'
import {
  answerConditionalRead,
  REVALIDATE,
  refusalError,
  representationHeaders,
  respondWithRepresentation,
} from './conditional-response.ts'
import { readConfig } from './config.ts'
import {
  countWithinBudget,
  nextPageUrl,
  pageBytes,
  pageETag,
  readPageQuery,
} from './documents/collection-page.ts'
import { type DocumentTarget, StorageUnavailableError } from './documents/document.ts'
import { type ContentVerdict, prepareDocument } from './documents/document-content.ts'
import type { DocumentStore } from './documents/document-store.ts'
import { isRefusal, type PatchVerdict, type WriteOutcome } from './documents/document-writes.ts'
import { DOCUMENT_ID_RULE, isDocumentId } from './documents/names.ts'
import { declareResource } from './documents/resource-rules.ts'
import type { AppEnv } from './env.ts'
import { CanonicalJsonError, canonicalJson } from './http/canonical-json.ts'
import { parseJsonBody } from './http/json-body.ts'
import { isMediaType } from './http/media-type.ts'
import { readConditionalHeaders } from './http/preconditions.ts'
import { HttpError } from './http/problem.ts'
import { readBodyWithLimit, rejectDeclaredOverLimit } from './http/read-body.ts'
import { type DocumentWriterRpc, documentWriterFor } from './store/document-writer.ts'
import { KvDocumentStore } from './store/kv-document-store.ts'

/** JSON_TYPE is the media type of a document in a PUT. */
export const JSON_TYPE = 'application/json'

/** MERGE_PATCH_TYPE is the media type of a PATCH body: JSON Merge Patch (RFC 7396). */
export const MERGE_PATCH_TYPE = 'application/merge-patch+json'

/** JsonResourceDeclaration is what a forker writes to get a resource. */
export interface JsonResourceDeclaration {
  /** Names the resource in KV keys, writer objects and error messages: a lowercase letter, then a-z, 0-9, "-". */
  readonly name: string
  /** A Standard Schema (zod, valibot, arktype...) every stored document must pass. Optional. */
  readonly schema?: StandardSchemaV1
}

/**
 * jsonResource declares a resource and returns its routes, to be mounted at the resource's path.
 *
 * @example
 * export const tasks = jsonResource({ name: 'tasks', schema: taskSchema })
 * app.route('/api/tasks', tasks)
 */
export function jsonResource(declaration: JsonResourceDeclaration): Hono<AppEnv> {
  const { name, schema } = declaration
  declareResource({ name, schema })
  const resource = new Hono<AppEnv>()

  const targetOf = (c: Context<AppEnv>): DocumentTarget => {
    const id = c.req.param('id') ?? ''
    if (!isDocumentId(id)) throw new HttpError(400, `Not a valid id in ${name}: ${DOCUMENT_ID_RULE}`)
    return { resource: name, id }
  }

  resource.get('/', async (c) => {
    const query = await readPageQuery(name, {
      limit: c.req.queries('limit') ?? [],
      cursor: c.req.queries('cursor') ?? [],
    })
    if (!query.ok) throw new HttpError(400, query.detail)
    const store = storeOf(c)
    let listing = await store.list(name, query)
    // Too many bytes for one page: list again, only as many as fit, so that the cursor continues from there.
    const fitting = countWithinBudget(listing.documents, readConfig(c.env).maxBodyBytes)
    if (fitting < listing.documents.length)
      listing = await store.list(name, { limit: fitting, cursor: query.cursor })
    const next =
      listing.cursor === null ? null : await nextPageUrl(c.req.path, name, query.limit, listing.cursor)
    return answerConditionalRead(c.req.raw, {
      validators: { etag: await pageETag(listing.documents, next) },
      load: async () => {
        const members = await store.load(name, listing.documents)
        return { validators: { etag: await pageETag(members, next) }, body: pageBytes(members, next) }
      },
      ...(next === null ? {} : { headers: { Link: `<${next}>; rel="next"` } }),
    })
  })

  // RFC 5789 section 3.1: a resource that accepts PATCH says in which formats.
  resource.use('/:id', advertisePatchFormats)

  resource.get('/:id', async (c) => {
    const target = targetOf(c)
    const document = await storeOf(c).get(target)
    if (document === null) throw new HttpError(404, `There is no document ${name}/${target.id}`)
    return respondWithRepresentation(c.req.raw, document)
  })

  resource.put('/:id', requireBearerToken, async (c) => {
    const target = targetOf(c)
    const policy = readConfig(c.env)
    requireContentType(c, JSON_TYPE)
    rejectDeclaredOverLimit(c.req.raw, policy.maxBodyBytes)
    const content = await verdictOf(async () => {
      const value = parseJsonBody(await readBodyWithLimit(c.req.raw, policy.maxBodyBytes))
      return prepareDocument(value, schema, policy.maxBodyBytes)
    })
    const conditions = readConditionalHeaders(c.req.raw.headers)
    return answerWrite(c, target, (writer) => writer.put(target, content, conditions, policy))
  })

  resource.patch('/:id', requireBearerToken, async (c) => {
    const target = targetOf(c)
    const policy = readConfig(c.env)
    requireContentType(c, MERGE_PATCH_TYPE)
    rejectDeclaredOverLimit(c.req.raw, policy.maxBodyBytes)
    const patch: PatchVerdict = await verdictOf(async () => {
      const value = parseJsonBody(await readBodyWithLimit(c.req.raw, policy.maxBodyBytes))
      try {
        return { ok: true, json: canonicalJson(value) }
      } catch (error) {
        if (error instanceof CanonicalJsonError)
          throw new HttpError(422, `The patch cannot be applied: ${error.message}`)
        throw error
      }
    })
    const conditions = readConditionalHeaders(c.req.raw.headers)
    return answerWrite(c, target, (writer) => writer.patch(target, patch, conditions, policy))
  })

  resource.delete('/:id', requireBearerToken, async (c) => {
    const target = targetOf(c)
    const conditions = readConditionalHeaders(c.req.raw.headers)
    return answerWrite(c, target, (writer) => writer.remove(target, conditions, readConfig(c.env)))
  })

  return resource
}

function storeOf(c: Context<AppEnv>): DocumentStore {
  return new KvDocumentStore(c.env.DOCUMENTS)
}

const advertisePatchFormats = createMiddleware<AppEnv>(async (c, next) => {
  await next()
  const method = c.req.method
  if ((method === 'GET' || method === 'HEAD' || method === 'OPTIONS') && c.res.status < 300) {
    c.res.headers.set('Accept-Patch', MERGE_PATCH_TYPE)
  }
})

/** requireContentType applies the checks that need no reading: the content's coding and media type (415). */
function requireContentType(c: Context<AppEnv>, type: string): void {
  const encoding = c.req.header('Content-Encoding')
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new HttpError(415, `Content-Encoding ${encoding} is not supported; send the body uncompressed`, {
      'Accept-Encoding': 'identity',
    })
  }
  if (!isMediaType(c.req.header('Content-Type') ?? null, type)) {
    // RFC 5789 section 2.2: a 415 to a PATCH names the patch formats that are accepted.
    const headers: Record<string, string> =
      type === MERGE_PATCH_TYPE ? { 'Accept-Patch': MERGE_PATCH_TYPE } : {}
    throw new HttpError(415, `Send the body as Content-Type: ${type}`, headers)
  }
}

/**
 * verdictOf reads and checks request content, turning a refusal of it (400, 413, 422) into data: the
 * document's writer answers it only if the preconditions hold (RFC 9110 section 13.2.1).
 */
async function verdictOf<T extends ContentVerdict | PatchVerdict>(
  check: () => Promise<T>,
): Promise<T | Extract<ContentVerdict, { ok: false }>> {
  try {
    return await check()
  } catch (error) {
    if (
      error instanceof HttpError &&
      (error.status === 400 || error.status === 413 || error.status === 422)
    ) {
      return { ok: false, problem: { status: error.status, detail: error.message } }
    }
    throw error
  }
}

/**
 * answerWrite runs one call to the document's writer and answers with what it did. An unreachable or
 * failing writer committed nothing (a commit is one transactional storage write): that is a storage failure.
 */
async function answerWrite(
  c: Context<AppEnv>,
  target: DocumentTarget,
  call: (writer: DocumentWriterRpc) => Promise<WriteOutcome>,
): Promise<Response> {
  let outcome: WriteOutcome
  try {
    outcome = await call(documentWriterFor(c.env, target))
  } catch (error) {
    throw new StorageUnavailableError(`The writer of ${target.resource}/${target.id}`, error)
  }
  if (isRefusal(outcome)) throw refusalError(outcome, c.req.method, `${target.resource}/${target.id}`)
  if (outcome.result === 'deleted') return new Response(null, { status: 204 })

  // The body is the stored representation (Content-Location says so), so its validators are what GET serves.
  const headers = representationHeaders(outcome.validators, REVALIDATE)
  headers.set('Content-Location', c.req.path)
  if (outcome.result === 'created') headers.set('Location', c.req.path)
  return new Response(outcome.bytes, { status: outcome.result === 'created' ? 201 : 200, headers })
}
