import { hexDecodeSignature, hexEncode } from '../encoding.js'
import { WebhookVerificationError } from '../errors.js'
import type { HeaderGetter } from '../headers.js'
import { defineScheme, hmacSignature } from './define.js'
import { parseFormBody } from './form.js'
import { randomUuid } from './ids.js'
import { invalidSignature, stringField } from './read.js'

const SIGNATURE = 'x-hub-signature-256'
const DISPLAY = 'X-Hub-Signature-256'
const PREFIX = 'sha256='

function isForm(header: HeaderGetter): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(header('content-type') ?? '')
}

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. GitHub signs no
 * timestamp, so replay protection rests on the idempotency key, `X-GitHub-Delivery`
 * (unsigned, like every GitHub header). The type is `X-GitHub-Event`, plus `.` and the
 * payload's `action` when it has one: `push`, `issues.opened`, `pull_request.closed`.
 * Webhooks configured as `application/x-www-form-urlencoded` resolve to the JSON in
 * their `payload` field, the same event a JSON webhook gives.
 *
 * @example
 * const { event, type } = await verifyWebhook({ scheme: 'github', payload, headers, secret })
 * if (type === 'issues.opened') console.log(event)
 */
export const githubScheme = defineScheme({
  name: 'github',
  needsId: true,
  generateId: randomUuid,
  read(header) {
    const text = header(SIGNATURE)
    if (text === undefined) {
      const sha1Only = header('x-hub-signature') !== undefined
      throw new WebhookVerificationError(
        'MISSING_HEADER',
        `Missing ${DISPLAY} header${sha1Only ? ' (the SHA-1 X-Hub-Signature alone is not accepted)' : ''}`,
      )
    }
    if (!text.startsWith(PREFIX)) throw invalidSignature(`${DISPLAY} must start with ${PREFIX}`)
    return { signatures: hmacSignature(hexDecodeSignature(text.slice(PREFIX.length))) }
  },
  headers: ({ signature, id }) => ({
    [SIGNATURE]: `${PREFIX}${hexEncode(signature)}`,
    ...(id === undefined ? {} : { 'x-github-delivery': id }),
  }),
  parse(text, header) {
    if (!isForm(header)) return JSON.parse(text)
    const { payload } = parseFormBody(text)
    if (payload === undefined)
      throw new SyntaxError('form-encoded GitHub webhook has no payload field')
    return JSON.parse(payload)
  },
  eventId: (_event, header) => header('x-github-delivery'),
  eventType(event, header) {
    const name = header('x-github-event')
    if (name === undefined) return undefined
    const action = stringField(event, 'action')
    return action === undefined ? name : `${name}.${action}`
  },
})
