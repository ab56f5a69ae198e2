import { sign, verify, verifyWebhook } from '@hookguard/core'
import { createReceiver } from '@hookguard/core/adapter'
import { DISCORD_KEYS, discordKeys, NOW, NOW_S, signDiscord } from '@hookguard/test-kit'
import { discordVerifyKey } from '@hookguard/test-kit/senders'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonBody } from './arbitraries.js'
import { codeOf } from './codes.js'

const scheme = 'discord' as const
const secret = DISCORD_KEYS.publicKey
const base = { scheme, secret, now: NOW }
const command = JSON.stringify({ id: '1234', type: 2, data: { name: 'ban' } })

describe('discord: against discord-interactions verifyKey', () => {
  it('node:crypto signs (as Discord) → hookguard and verifyKey both accept', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, async (payload) => {
        const headers = signDiscord(payload)
        expect(await verify({ ...base, payload, headers })).toEqual(JSON.parse(payload))
        const sdk = await discordVerifyKey(
          payload,
          headers['x-signature-ed25519'],
          headers['x-signature-timestamp'],
          secret,
        )
        expect(sdk).toBe(true)
      }),
      { numRuns: 25 },
    )
  })

  it("hookguard's sign() (NaCl secret key) → verifyKey accepts", async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, async (payload) => {
        const headers = await sign({
          scheme,
          payload,
          secret: DISCORD_KEYS.secretKey,
          timestamp: NOW_S,
        })
        expect(
          await discordVerifyKey(
            payload,
            headers['x-signature-ed25519'] as string,
            headers['x-signature-timestamp'] as string,
            secret,
          ),
        ).toBe(true)
      }),
      { numRuns: 25 },
    )
  })

  it('id and type: the interaction id, the type name with the command', async () => {
    const webhook = await verifyWebhook({
      ...base,
      payload: command,
      headers: signDiscord(command),
    })
    expect([webhook.id, webhook.type]).toEqual(['1234', 'application_command.ban'])
  })
})

describe('discord: rejections, as verifyKey rejects them', () => {
  const headers = signDiscord(command)

  it('a tampered body', async () => {
    const tampered = command.replace('ban', 'kick')
    expect(await codeOf(verify({ ...base, payload: tampered, headers }))).toBe('INVALID_SIGNATURE')
    expect(
      await discordVerifyKey(
        tampered,
        headers['x-signature-ed25519'],
        headers['x-signature-timestamp'],
        secret,
      ),
    ).toBe(false)
  })

  it("another application's public key", async () => {
    const other = discordKeys().publicKey
    expect(await codeOf(verify({ ...base, secret: other, payload: command, headers }))).toBe(
      'INVALID_SIGNATURE',
    )
  })

  it('a stale timestamp (verifyKey checks none; hookguard keeps its 300 s window)', async () => {
    const stale = signDiscord(command, { timestamp: NOW_S - 301 })
    expect(await codeOf(verify({ ...base, payload: command, headers: stale }))).toBe(
      'TIMESTAMP_EXPIRED',
    )
  })

  it.each(['x-signature-ed25519', 'x-signature-timestamp'])('a missing %s', async (name) => {
    const partial: Record<string, string> = { ...headers }
    delete partial[name]
    expect(await codeOf(verify({ ...base, payload: command, headers: partial }))).toBe(
      'MISSING_HEADER',
    )
  })

  it('a malformed public key is a TypeError naming the expected form', async () => {
    await expect(verify({ ...base, secret: 'not-hex', payload: command, headers })).rejects.toThrow(
      /64 hex digits/,
    )
  })
})

describe('discord: the PING handshake', () => {
  it('is answered {"type":1} by the receiver and never reaches handlers or the store', async () => {
    const ran: unknown[] = []
    const receiver = createReceiver({
      ...base,
      on: { '*': (event) => void ran.push(event) },
    })
    const ping = JSON.stringify({ id: 'p1', type: 1, application_id: 'a' })
    const outcome = await receiver.receive({ payload: ping, headers: signDiscord(ping) })
    expect(outcome).toMatchObject({ action: 'respond', status: 200, body: { type: 1 } })
    // The same id again is a fresh handshake, not a duplicate: nothing was claimed.
    const again = await receiver.receive({ payload: ping, headers: signDiscord(ping) })
    expect(again).toMatchObject({ status: 200, body: { type: 1 } })
    expect(ran).toEqual([])
    await receiver.close()
  })

  it('an unsigned PING is rejected like any request', async () => {
    const receiver = createReceiver(base)
    await expect(
      receiver.receive({ payload: '{"type":1}', headers: signDiscord('{"type":2}') }),
    ).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' })
  })
})
