import fc from 'fast-check'

/**
 * Webhook bodies as senders produce them: JSON with any unicode (astral characters,
 * escapes of lone surrogates), the empty object, and large documents.
 */
export const jsonBody: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ stringUnit: 'grapheme' }).map((value) => JSON.stringify({ data: value })),
  fc.jsonValue({ stringUnit: 'binary' }).map((value) => JSON.stringify(value, null, 2)),
  fc.constant('{}'),
  fc
    .string({ unit: 'grapheme', minLength: 20_000, maxLength: 60_000 })
    .map((text) => JSON.stringify({ id: 'evt_large', type: 'large.event', text })),
)

/** A message id in the shape Svix and Standard Webhooks senders use (no dots). */
export const messageId: fc.Arbitrary<string> = fc
  .stringMatching(/^[A-Za-z0-9_-]{1,40}$/)
  .map((id) => `msg_${id}`)
