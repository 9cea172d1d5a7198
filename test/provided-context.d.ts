// What vitest's globalSetup (test/global-setup/) hands the tests, by `inject`.
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The URL of the two-replica test origin (scripts/replica-origin.ts). */
    replicaOrigin: string
  }
}
