import { hookguardScheme } from './hookguard.js'
import type { Scheme } from './types.js'

/** The built-in schemes, by name. */
export const schemes = {
  hookguard: hookguardScheme,
} as const satisfies Record<string, Scheme>

/** A built-in scheme's name. */
export type SchemeName = keyof typeof schemes

/** Looks a scheme up by name, or passes a custom one through. Unknown names are a `TypeError`. */
export function resolveScheme(scheme: SchemeName | Scheme | undefined): Scheme {
  if (scheme === undefined) return hookguardScheme
  if (typeof scheme === 'string') {
    const found = Object.hasOwn(schemes, scheme) ? schemes[scheme] : undefined
    if (!found) {
      throw new TypeError(
        `Unknown scheme "${scheme}"; expected one of ${Object.keys(schemes).join(', ')} or a Scheme object`,
      )
    }
    return found
  }
  if (typeof scheme !== 'object' || scheme === null || typeof scheme.read !== 'function') {
    throw new TypeError('scheme must be a scheme name or a Scheme object')
  }
  return scheme
}
