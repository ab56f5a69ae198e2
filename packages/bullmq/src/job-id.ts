import { randomBytes } from 'node:crypto'

/**
 * Job ids. BullMQ refuses `:` in a custom id, and an idempotency key is `scheme:id`, so the key
 * is percent-encoded (`%` and `:` only, so it stays readable and decodes back exactly). The id
 * is `<encoded key>.<first 16 hex digits of the fingerprint>.<nonce>`:
 * - the encoded key is also the job's BullMQ deduplication id, so a redelivery finds the stored
 *   job in the same atomic add;
 * - the fingerprint part tells a redelivery of the same body (duplicate) from another body
 *   under the same key (mismatch) by the id the add returns;
 * - the nonce tells this add's own new job (accepted) from one that was already there.
 */
export function encodeKey(key: string): string {
  return key.replaceAll('%', '%25').replaceAll(':', '%3A')
}

export function decodeKey(encoded: string): string {
  return encoded.replace(/%(25|3A)/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  )
}

const FINGERPRINT_CHARS = 16
const processTag = randomBytes(4).toString('hex')
let counter = 0

export function newJobId(encodedKey: string, fingerprint: string): string {
  counter = (counter + 1) % 0x7fffffff
  return `${encodedKey}.${fingerprint.slice(0, FINGERPRINT_CHARS)}.${processTag}${counter.toString(36)}`
}

/** The parts of a job id made by `newJobId`; `undefined` for any other id. */
export function parseJobId(jobId: string): { encodedKey: string; fingerprint: string } | undefined {
  const last = jobId.lastIndexOf('.')
  const middle = jobId.lastIndexOf('.', last - 1)
  if (middle < 1) return undefined
  return { encodedKey: jobId.slice(0, middle), fingerprint: jobId.slice(middle + 1, last) }
}

/** Whether `fingerprint` (full hex) is the one a job id carries. */
export function sameFingerprint(jobFingerprint: string, fingerprint: string): boolean {
  return jobFingerprint === fingerprint.slice(0, FINGERPRINT_CHARS)
}
