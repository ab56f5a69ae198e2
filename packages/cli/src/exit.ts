/**
 * What the `hookguard` exit status means: 0 valid or sent, 1 rejected (or not every delivery
 * answered 2xx), 2 usage (a bad flag, a missing secret or file).
 *
 * @example
 * if (code === EXIT.REJECTED) console.error('the receiver said no')
 */
export const EXIT = { OK: 0, REJECTED: 1, USAGE: 2 } as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A mistake in how the command was called: reported in one line, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}
