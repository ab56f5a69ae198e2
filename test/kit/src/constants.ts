/** The default test secret (hookguard, Stripe, GitHub, Slack and Shopify use it as given). */
export const SECRET = 'whsec_test_secret_for_hookguard'

/** A second secret, for rotation and wrong-secret tests. */
export const OTHER_SECRET = 'whsec_other_secret_for_hookguard'

/**
 * A Standard Webhooks / Svix secret: `whsec_` plus base64 key bytes, as those senders issue it
 * (the example secret from the Standard Webhooks spec).
 */
export const STANDARD_WEBHOOKS_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

/** The fixed clock tests pass as `now`. */
export const NOW = new Date('2026-11-28T12:00:00Z')

/** `NOW` in unix seconds, the unit webhook timestamps use. */
export const NOW_S = Math.floor(NOW.getTime() / 1000)

/** One mebibyte, the adapters' default body limit. */
export const MiB = 1024 * 1024

/** The content type most senders post with; spread it beside signed headers. */
export const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json' }
