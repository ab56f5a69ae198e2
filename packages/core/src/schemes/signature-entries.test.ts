import {
  BODY,
  expectCode,
  NOW,
  SECRET,
  signHookguard,
  signPaddle,
  signStripe,
} from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { verify } from '../verify.js'
import { MAX_SIGNATURE_ENTRIES } from './read.js'

const wrong = (version: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${version}=${i.toString(16).padStart(64, '0')}`)

// Each scheme's signature header with `extra` wrong entries put before the valid one.
const cases = [
  {
    scheme: 'hookguard' as const,
    headers: (extra: number) => {
      const signed = signHookguard(BODY)
      const header = [...wrong('v1', extra), signed['x-webhook-signature']].join(',')
      return { ...signed, 'x-webhook-signature': header }
    },
  },
  {
    scheme: 'stripe' as const,
    headers: (extra: number) => {
      const header = signStripe(BODY)['stripe-signature']
      return { 'stripe-signature': [header, ...wrong('v1', extra)].join(',') }
    },
  },
  {
    scheme: 'paddle' as const,
    secret: 'pdl_ntfset_kit_secret',
    headers: (extra: number) => {
      const header = signPaddle(BODY)['paddle-signature']
      return { 'paddle-signature': [header, ...wrong('h1', extra)].join(';') }
    },
  },
]

describe.each(cases)('$scheme: entries per signature header', (c) => {
  const { scheme, headers } = c
  const secret = 'secret' in c ? c.secret : SECRET
  it(`verifies with ${MAX_SIGNATURE_ENTRIES} entries, the valid one among them`, async () => {
    const parts = scheme === 'hookguard' ? MAX_SIGNATURE_ENTRIES - 1 : MAX_SIGNATURE_ENTRIES - 2
    await expect(
      verify({ scheme, payload: BODY, headers: headers(parts), secret, now: NOW }),
    ).resolves.toBeDefined()
  })

  it(`refuses more than ${MAX_SIGNATURE_ENTRIES} entries as INVALID_SIGNATURE, at any length`, async () => {
    for (const extra of [MAX_SIGNATURE_ENTRIES, 100_000]) {
      const error = await expectCode(
        verify({ scheme, payload: BODY, headers: headers(extra), secret, now: NOW }),
        'INVALID_SIGNATURE',
        401,
      )
      expect(error.message).toMatch(`more than ${MAX_SIGNATURE_ENTRIES} entries`)
    }
  })
})
