import { hexEncode } from '../encoding.js'
import type { HeaderGetter } from '../headers.js'
import { defineScheme } from './define.js'
import { parseFormBody } from './form.js'
import { objectField, stringField } from './read.js'
import { readTimestampedHex } from './versioned-hex.js'

const SIGNATURE = 'x-slack-signature'
const TIMESTAMP = 'x-slack-request-timestamp'

function isForm(text: string, header: HeaderGetter): boolean {
  const type = (header('content-type') ?? '').toLowerCase()
  if (type.startsWith('application/x-www-form-urlencoded')) return true
  if (type.startsWith('application/json')) return false
  // No usable content type (a test client's text/plain, say): JSON starts with { or [.
  return !/^\s*[[{]/.test(text)
}

/**
 * Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:${timestamp}:${body}">` and
 * `X-Slack-Request-Timestamp`, keyed with the app's signing secret as given.
 *
 * The event: JSON bodies (Events API) parse as JSON. Form bodies (slash commands,
 * interactivity) resolve to a flat object of their fields, with a `payload` field parsed
 * as JSON. Id and type, for idempotency and routing:
 *
 * | request | id | type |
 * | --- | --- | --- |
 * | Events API `event_callback` | `event_id` | `event.type` (`app_mention`, `message`) |
 * | other Events API bodies | `event_id` if any | `type` (`url_verification`) |
 * | interactivity (`payload=…`) | `payload.trigger_id` if any | `payload.type` (`block_actions`, `view_submission`) |
 * | slash command | `trigger_id` | `slash_command.` + the command without `/` (`slash_command.deploy`) |
 *
 * @example
 * const event = await verify({ scheme: 'slack', payload, headers, secret: process.env.SLACK_SIGNING_SECRET! })
 */
export const slackScheme = defineScheme({
  name: 'slack',
  read: (header) =>
    readTimestampedHex(header, {
      signature: SIGNATURE,
      signatureDisplay: 'X-Slack-Signature',
      timestamp: TIMESTAMP,
      timestampDisplay: 'X-Slack-Request-Timestamp',
      version: 'v0',
    }),
  content: (parts, body) => [`v0:${parts.timestampText}:`, body],
  headers: ({ signature, timestamp }) => ({
    [TIMESTAMP]: String(timestamp),
    [SIGNATURE]: `v0=${hexEncode(signature)}`,
  }),
  challenge(event) {
    // The periodic SSL probe (`ssl_check=1`) wants an empty 200, as Bolt answers it.
    if (stringField(event, 'ssl_check') === '1') return ''
    const challenge = stringField(event, 'challenge')
    return stringField(event, 'type') === 'url_verification' && challenge !== undefined
      ? { challenge }
      : undefined
  },
  parse(text, header) {
    if (!isForm(text, header)) return JSON.parse(text)
    const fields: Record<string, unknown> = parseFormBody(text)
    if (typeof fields.payload === 'string') fields.payload = JSON.parse(fields.payload)
    return fields
  },
  eventId(event) {
    const payload = objectField(event, 'payload')
    if (payload !== undefined) return stringField(payload, 'trigger_id')
    return stringField(event, 'event_id') ?? stringField(event, 'trigger_id')
  },
  eventType(event) {
    const payload = objectField(event, 'payload')
    if (payload !== undefined) return stringField(payload, 'type')
    const command = stringField(event, 'command')
    if (command !== undefined) return `slash_command.${command.replace(/^\//, '')}`
    const type = stringField(event, 'type')
    if (type === 'event_callback') return stringField(objectField(event, 'event'), 'type') ?? type
    return type
  },
})
