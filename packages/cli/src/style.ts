import pc from 'picocolors'

export type Colors = ReturnType<typeof pc.createColors>

/**
 * Colours for one output stream: never with NO_COLOR (https://no-color.org) or --no-color,
 * always with FORCE_COLOR, otherwise only on a terminal.
 */
export function colorsFor(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined>,
  flag: boolean,
): Colors {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== ''
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0'
  const enabled = flag && !noColor && (force || (stream.isTTY === true && env.TERM !== 'dumb'))
  return pc.createColors(enabled)
}
