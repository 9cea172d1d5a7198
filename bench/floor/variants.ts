/**
 * The variants the floor bench profiles edge-etag with: each is the project's own source with one step taken
 * out (text replaced as it is bundled; each replacement must match exactly once), so the difference between
 * a variant and the whole project, measured in the same rounds, is what that step costs a request under workerd.
 */

/** Variant is the project with one step taken out. */
export interface Variant {
  /** Names the variant's bundle. */
  readonly name: string
  /** The step taken out, as the profile table names it. */
  readonly without: string
  /** What it is measured on: a 1 KB document (the default) or page 1 of 100 documents of 1 KB. */
  readonly on?: 'document' | 'page'
  readonly edits: readonly { readonly file: string; readonly find: string; readonly replace: string }[]
}

const TRACE = 'src/observability/trace-requests.ts'
const INDEX = 'src/index.ts'
const APP_WIDE = [
  'traceRequests',
  'dateHeader',
  'requireValidHost',
  'corsForConfiguredOrigins',
  'forwardToOrigin',
]
const withoutLayer = (name: string) => ({ file: INDEX, find: `app.use(${name})\n`, replace: '' })

/** VARIANTS are the steps profiled. */
export const VARIANTS: readonly Variant[] = [
  // Nothing taken out: a second copy of the whole project, whose difference from the first is the noise.
  { name: 'control', without: 'nothing (a second copy: the noise)', edits: [] },
  { name: 'no-middleware', without: 'every app-wide middleware', edits: APP_WIDE.map(withoutLayer) },
  {
    name: 'no-trace',
    without: 'the trace middleware (request id, Server-Timing, log line)',
    edits: [withoutLayer('traceRequests')],
  },
  {
    name: 'no-request-id',
    without: 'the request id',
    edits: [
      { file: TRACE, find: "requestIdFor(c.req.raw.headers.get('X-Request-Id'))", replace: "''" },
      { file: TRACE, find: "headers.set('X-Request-Id', id)", replace: '' },
    ],
  },
  {
    name: 'no-server-timing',
    without: 'Server-Timing',
    edits: [{ file: TRACE, find: "headers.set('Server-Timing', trace.serverTiming())", replace: '' }],
  },
  {
    name: 'no-log-line',
    without: 'the log line',
    edits: [
      {
        file: TRACE,
        find: 'console.log(JSON.stringify(requestLogLine(c.req.method, c.req.path, id, c.res, trace)))',
        replace: '',
      },
    ],
  },
  { name: 'no-date', without: 'Date', edits: [withoutLayer('dateHeader')] },
  { name: 'no-host-check', without: 'the Host check', edits: [withoutLayer('requireValidHost')] },
  {
    name: 'no-off-features',
    without: 'the layers of CORS and origin mode, both off',
    edits: [withoutLayer('corsForConfiguredOrigins'), withoutLayer('forwardToOrigin')],
  },
  {
    name: 'no-sub-app',
    without: "the resource's sub-app (the route on the app itself)",
    edits: [
      {
        file: INDEX,
        find: "import { items } from './resources/items.ts'",
        replace:
          "import { items } from './resources/items.ts'\nimport { readDocument } from './json-resource/read-document.ts'",
      },
      {
        file: INDEX,
        find: "app.route('/api/items', items)",
        replace: "app.get('/api/items/:id', (c) => readDocument(c, 'items'))\napp.route('/api/items', items)",
      },
    ],
  },
  {
    name: 'no-accept-patch',
    without: 'Accept-Patch',
    edits: [
      {
        file: 'src/json-resource/read-document.ts',
        find: 'respondWithRepresentation(c.req.raw, document, ADVERTISED_PATCH)',
        replace: 'respondWithRepresentation(c.req.raw, document)',
      },
    ],
  },
  {
    name: 'no-timed-store',
    without: "the store's timing (Server-Timing's kv)",
    edits: [
      {
        file: 'src/json-resource/context.ts',
        find: 'new TimedDocumentStore(new KvDocumentStore(c.env.DOCUMENTS), traceOf(c))',
        replace: 'new KvDocumentStore(c.env.DOCUMENTS)',
      },
    ],
  },
  {
    name: 'whole-read',
    without: 'the validator-first stream (a whole read instead)',
    edits: [
      {
        file: 'src/store/kv-document-store.ts',
        find: "{ type: 'stream' }",
        replace: "{ type: 'arrayBuffer' }",
      },
    ],
  },
  { name: 'page-control', on: 'page', without: 'nothing (a second copy: the noise)', edits: [] },
  {
    name: 'page-no-middleware',
    on: 'page',
    without: 'every app-wide middleware',
    edits: APP_WIDE.map(withoutLayer),
  },
  {
    name: 'page-no-etag',
    on: 'page',
    without: "the page's tag (a constant instead)",
    edits: [
      {
        file: 'src/documents/collection-page.ts',
        find: 'return contentETag(encoder.encode(',
        replace: `return '"x"' || ((`,
      },
    ],
  },
  {
    name: 'page-no-seal',
    on: 'page',
    without: "the next cursor's check (a constant instead)",
    edits: [
      {
        file: 'src/documents/collection-page.ts',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text replaced
        find: 'return `${encoded}.${await cursorCheck(resource, storeCursor)}`',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text put in its place
        replace: 'return `${encoded}.aaaaaaaaaaaa`',
      },
    ],
  },
]
