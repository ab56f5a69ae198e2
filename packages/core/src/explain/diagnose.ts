import type { HeadersInput } from '../headers.js'
import type { Logger } from '../logger.js'
import type { CheckedVerifyOptions } from '../verify.js'
import { explain } from './explain.js'

/** Whether `diagnose` is on when the option is not given: in development only. */
export function diagnoseByDefault(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env
  return env?.NODE_ENV === 'development'
}

/**
 * The receiver's failure diagnosis: on a rejected request it runs `explain` after the answer is
 * on its way and logs the most likely cause with its fix. Never into the HTTP answer, and one at
 * a time: a flood of bad requests costs one diagnosis, not one per request.
 */
export function createDiagnoser(
  checked: CheckedVerifyOptions,
  logger: Pick<Logger, 'warn'>,
): (request: { payload: string | Uint8Array; headers: HeadersInput; url?: string }) => void {
  let busy = false
  return (request) => {
    if (busy) return
    busy = true
    explain({
      payload: request.payload,
      headers: request.headers,
      secret: checked.secrets as Array<string | Uint8Array>,
      scheme: checked.scheme,
      toleranceSeconds: checked.toleranceSeconds,
      ...(checked.now === undefined ? {} : { now: checked.now }),
      ...(request.url === undefined ? {} : { url: request.url }),
    })
      .then((explanation) => {
        const [first] = explanation.findings
        if (explanation.verdict === 'valid' || first === undefined) return
        logger.warn(
          {
            code: 'SIGNATURE_DIAGNOSIS',
            error: explanation.error?.code,
            finding: first.code,
            findings: explanation.findings,
          },
          `[hookguard] ${explanation.error?.code ?? 'rejected'}: ${first.message}. Fix: ${first.fix}`,
        )
      })
      .catch((err: unknown) => {
        logger.warn({ code: 'DIAGNOSIS_FAILED', err }, '[hookguard] explain() failed')
      })
      .finally(() => {
        busy = false
      })
  }
}
