/**
 * What the worker imports from `cloudflare:workers`, for tests that run in Node rather than workerd (tools
 * such as the OpenAPI validator read files, which workerd cannot). Only the class to extend: these tests
 * never reach a Durable Object.
 */
export class DurableObject {}
