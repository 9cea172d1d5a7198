import { describe, expect, it } from 'vitest'
import demoData from '../../scripts/demo-data.json' with { type: 'json' }
import app from '../../src/index.ts'
import { generatedTypesOf } from '../../tools/openapi-typescript/generated-types.ts'
import { OUTLINES_APP } from './recursive-resource.ts'
import { typeErrorsOf } from './type-check.ts'

// biome-ignore lint/suspicious/noExplicitAny: the document is walked and broken by path
type OpenApi = Record<string, any>

/** Seeds are the demo's documents per resource, as scripts/seed-demo.ts stores them. */
type Seeds = Record<string, { id: string; value: unknown }[]>

const SEEDS: Seeds = demoData

async function servedDocument(served: { request: typeof app.request } = app): Promise<OpenApi> {
  const response = await served.request('https://edge-etag.test/openapi.json', {}, {})
  expect(response.status).toBe(200)
  return (await response.json()) as OpenApi
}

/** resourcesOf returns the names of the resources whose documents `document` serves at /api/<name>/{id}. */
function resourcesOf(document: OpenApi): string[] {
  return Object.keys(document.paths).flatMap((path) => /^\/api\/([^/]+)\/\{id\}$/.exec(path)?.[1] ?? [])
}

// The component a resource's documents are described by, as src/openapi names it: `order-lines` is
// OrderLinesDocument.
const documentSchemaName = (resource: string) =>
  `${resource.replace(/(?:^|-)([a-z])/g, (_, letter: string) => letter.toUpperCase())}Document`

// What a typed client makes of the paths (client/api-from-paths.ts): each /api/<name>/{id} path is the
// resource <name>, whose documents are what its GET answers with a 200, as JSON.
const DOCUMENTS_OF_PATHS =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source, with template literal types
  "type Documents = { [Path in keyof paths & `/api/${string}/{id}` as Path extends `/api/${infer Name}/{id}` ? Name : never]: paths[Path]['get']['responses'][200]['content']['application/json'] }"

/**
 * checksOf returns a module that type-checks only if the generated types serve each resource's document as
 * the JSON body of its GET 200, and fit each seeded document; one labelled check per line.
 */
function checksOf(resources: readonly string[], seeds: Seeds): { label: string; line: string }[] {
  const bodyOf = (resource: string) =>
    `paths['/api/${resource}/{id}']['get']['responses'][200]['content']['application/json']`
  return [
    { label: 'imports', line: "import type { components, paths } from './openapi'" },
    { label: 'Documents, mapped from paths', line: DOCUMENTS_OF_PATHS },
    {
      label: 'Same',
      line: 'type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false',
    },
    ...resources.map((resource, index) => ({
      label: `Documents['${resource}'] is ${documentSchemaName(resource)}`,
      line: `export const document${index}: Same<Documents['${resource}'], components['schemas']['${documentSchemaName(resource)}']> = true`,
    })),
    ...Object.entries(seeds).flatMap(([resource, documents]) =>
      documents.map(({ id, value }, index) => ({
        label: `${resource}/${id}`,
        line: `export const ${resource.replaceAll('-', '_')}${index}: ${bodyOf(resource)} = ${JSON.stringify(value)}`,
      })),
    ),
  ]
}

/**
 * typeFailuresOf generates the types of `document`, type-checks them with the checks of checksOf, and returns
 * each error with the label of its check (`items/apple` for a seeded document that does not fit); none when
 * all of it type-checks.
 */
async function typeFailuresOf(
  document: OpenApi,
  seeds: Seeds,
): Promise<{ label: string; message: string }[]> {
  const checks = checksOf(resourcesOf(document), seeds)
  const errors = typeErrorsOf({
    'openapi.d.ts': await generatedTypesOf(document),
    'checks.ts': checks.map(({ line }) => line).join('\n'),
  })
  return errors.map(({ file, line, message }) => {
    const label = file === 'checks.ts' ? checks[line - 1]?.label : undefined
    return { label: label ?? `${file}:${line}`, message }
  })
}

describe('the types openapi-typescript generates from GET /openapi.json', () => {
  it('type-check, type each GET 200 as its resource document, and fit every seeded document', async () => {
    const document = await servedDocument()
    // Each seeded resource is described, so none of its documents goes unchecked.
    expect(resourcesOf(document)).toEqual(expect.arrayContaining(Object.keys(SEEDS)))
    expect(await typeFailuresOf(document, SEEDS)).toEqual([])
  })

  it.each([
    {
      breakage: 'items described as an object without members (the bare `{"type":"object"}`)',
      apply: (document: OpenApi) => {
        document.components.schemas.ItemsDocument = { type: 'object' }
      },
      failing: ['items/apple', 'items/banana', 'items/cheese'],
    },
    {
      breakage: 'a seeded task whose title is a number',
      apply: (_: OpenApi, seeds: Seeds) => {
        seeds.tasks?.push({ id: 'numbered', value: { title: 42, done: false } })
      },
      failing: ['tasks/numbered'],
    },
    {
      breakage: "a document's GET 200 without a JSON body",
      apply: (document: OpenApi) => {
        delete document.paths['/api/tasks/{id}'].get.responses['200'].content
      },
      failing: ['Documents, mapped from paths'],
    },
    {
      breakage: "a document's GET 200 typed as another resource's document",
      apply: (document: OpenApi) => {
        document.paths['/api/items/{id}'].get.responses['200'].content['application/json'].schema = {
          $ref: '#/components/schemas/TasksDocument',
        }
      },
      failing: ["Documents['items'] is ItemsDocument", 'items/apple'],
    },
  ])('fail with $breakage, at $failing', async ({ apply, failing }) => {
    const document = await servedDocument()
    const seeds = structuredClone(SEEDS)
    apply(document, seeds)
    const failures = await typeFailuresOf(document, seeds)
    expect(failures.map(({ label }) => label)).toEqual(expect.arrayContaining(failing))
  })

  it("fit a recursive resource's documents, and only those", async () => {
    const document = await servedDocument(OUTLINES_APP)
    const chapter = { title: 'One', sections: [{ title: 'One.One', sections: [] }] }
    const failures = await typeFailuresOf(document, {
      outlines: [
        { id: 'book', value: { title: 'Book', sections: [chapter] } },
        { id: 'numbered', value: { title: 'Book', sections: [{ ...chapter, title: 1 }] } },
      ],
    })
    expect(failures.map(({ label }) => label)).toEqual(['outlines/numbered'])
  })
})
