/**
 * Checks the options a handler-style adapter (`webhookHandler` of `@hookguard/node` and
 * `@hookguard/web`) reads itself, so both word their mistakes alike: `options` is an object, each
 * callback in `callbacks` (name -> the shape the message shows) is a function when given, and
 * `on` or `inbox` (hookguard answers) and `handler` (you answer) are not both given. Core's
 * `createReceiver` checks the rest. Returns whether hookguard answers itself (`on` or `inbox`).
 *
 * @example
 * const answersItself = checkHandlerChoice(options, 'webhookHandler(options)', {
 *   handler: '(event, req, res) => void',
 *   onError: '(error, req, res) => void',
 * })
 */
export function checkHandlerChoice(
  options: unknown,
  where: string,
  callbacks: Readonly<Record<string, string>>,
): boolean {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object with at least a secret`)
  }
  const given = options as Record<string, unknown>
  for (const [name, shape] of Object.entries(callbacks)) {
    if (given[name] !== undefined && typeof given[name] !== 'function') {
      throw new TypeError(`${where}: ${name} must be a function ${shape}`)
    }
  }
  const answersItself = given.on !== undefined || given.inbox !== undefined
  if (answersItself && given.handler !== undefined) {
    throw new TypeError(
      `${where}: give either on handlers (hookguard answers and processes) ` +
        'or a handler (you answer), not both',
    )
  }
  return answersItself
}
