import { describe, expect, it, vi } from 'vitest'
import { createReceiver } from '../receiver.js'
import { sign } from '../sign.js'
import { checkVerifyOptions } from '../verify.js'
import { createDiagnoser, diagnoseByDefault } from './diagnose.js'

const secret = 'whsec_diagnose_test'
const body = JSON.stringify({ id: 'evt_1', type: 'order.created' }, null, 2)

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5))
}

describe('createDiagnoser', () => {
  it('logs the most likely cause with its fix, never the secret or a signature', async () => {
    const warn = vi.fn()
    const diagnose = createDiagnoser(checkVerifyOptions({ secret }), { warn })
    const headers = await sign({ payload: body, secret })
    diagnose({ payload: JSON.stringify(JSON.parse(body)), headers })
    await waitFor(() => warn.mock.calls.length > 0)
    expect(warn).toHaveBeenCalledTimes(1)
    const [fields, message] = warn.mock.calls[0] as [Record<string, unknown>, string]
    expect(fields).toMatchObject({
      code: 'SIGNATURE_DIAGNOSIS',
      error: 'INVALID_SIGNATURE',
      finding: 'BODY_RESERIALIZED',
    })
    expect(message).toMatch(
      /^\[hookguard\] INVALID_SIGNATURE: The signature matches .* Fix: Verify the raw request bytes/,
    )
    const logged = JSON.stringify([fields, message])
    expect(logged).not.toContain(secret)
    expect(logged).not.toContain(String(headers['x-webhook-signature']).slice(3))
  })

  it('runs one diagnosis at a time: a flood of bad requests costs one', async () => {
    const warn = vi.fn()
    const diagnose = createDiagnoser(checkVerifyOptions({ secret }), { warn })
    const headers = await sign({ payload: body, secret: 'whsec_other' })
    for (let i = 0; i < 50; i++) diagnose({ payload: body, headers })
    await waitFor(() => warn.mock.calls.length > 0)
    await new Promise((r) => setTimeout(r, 50))
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ finding: 'SECRET_MISMATCH' })
  })

  it('is on by default only when NODE_ENV is development', () => {
    const before = process.env.NODE_ENV
    try {
      process.env.NODE_ENV = 'development'
      expect(diagnoseByDefault()).toBe(true)
      process.env.NODE_ENV = 'production'
      expect(diagnoseByDefault()).toBe(false)
    } finally {
      process.env.NODE_ENV = before
    }
  })
})

describe('the receiver’s diagnose option', () => {
  const reserialised = JSON.stringify(JSON.parse(body))

  async function rejected(options: { diagnose?: boolean }) {
    const warn = vi.fn()
    const receiver = createReceiver({ secret, logger: { warn, error: vi.fn() }, ...options })
    const headers = await sign({ payload: body, secret })
    await expect(receiver.receive({ payload: reserialised, headers })).rejects.toMatchObject({
      code: 'INVALID_SIGNATURE',
    })
    await waitFor(() => warn.mock.calls.length > 0)
    return warn
  }

  it('logs the cause of a rejected signature through the logger when diagnose is on', async () => {
    const warn = await rejected({ diagnose: true })
    expect(warn.mock.calls[0]?.[0]).toMatchObject({
      code: 'SIGNATURE_DIAGNOSIS',
      finding: 'BODY_RESERIALIZED',
    })
  })

  it('stays silent when diagnose is off, and follows NODE_ENV when not given', async () => {
    expect(await rejected({ diagnose: false })).not.toHaveBeenCalled()
    const before = process.env.NODE_ENV
    try {
      process.env.NODE_ENV = 'development'
      expect((await rejected({})).mock.calls[0]?.[0]).toMatchObject({ code: 'SIGNATURE_DIAGNOSIS' })
      process.env.NODE_ENV = 'production'
      expect(await rejected({})).not.toHaveBeenCalled()
    } finally {
      process.env.NODE_ENV = before
    }
  })

  it('refuses a diagnose option that is not a boolean', () => {
    expect(() => createReceiver({ secret, diagnose: 'yes' as unknown as boolean })).toThrow(
      new TypeError('diagnose must be true or false'),
    )
  })
})
