/**
 * The HEAD operation of a GET. Hono answers HEAD on every GET route, and RFC 9110 section 9.3.2 says what the
 * answer is: the GET's status and header fields, without content. So HEAD is described from its GET, each
 * response with its headers and no `content`, errors included.
 */

import { COMPONENTS } from './components.ts'

/** Operation is an OpenAPI operation object. */
export type Operation = Record<string, unknown>

type Response = Readonly<Record<string, unknown>>

/** DescribedGet is a GET operation, as far as its HEAD needs it. */
export interface DescribedGet {
  readonly operationId: string
  readonly responses: Readonly<Record<string, Response>>
  readonly [member: string]: unknown
}

const RESPONSE_REF = '#/components/responses/'

// A shared response keeps its $ref when it has no content (304); one with content is copied without it.
function withoutContent(response: Response): Response {
  const shared =
    typeof response.$ref === 'string' && response.$ref.startsWith(RESPONSE_REF)
      ? (COMPONENTS.responses as Record<string, Response>)[response.$ref.slice(RESPONSE_REF.length)]
      : undefined
  const { content, ...bodiless } = shared ?? response
  return content === undefined ? response : bodiless
}

/**
 * headOperationOf returns the HEAD operation of a GET operation: the same parameters and responses, each
 * response without `content`, and the GET's operationId with `.head` appended.
 *
 * @example headOperationOf(readOperation).responses['404'] // { description: 'There is no such document.', headers: {...} }
 */
export function headOperationOf(get: DescribedGet): Operation {
  const responses = Object.entries(get.responses).map(([status, response]) => [
    status,
    withoutContent(response),
  ])
  return { ...get, operationId: `${get.operationId}.head`, responses: Object.fromEntries(responses) }
}
