/** The events this example receives: the default scheme's shape. */
export type OrderEvent = {
  id: string
  type: string
  data: { object: { id: string } }
}

/**
 * The example's "business logic": one line on stdout per run, which the test reads to see that
 * each handler ran, and ran once.
 */
export async function fulfil(event: OrderEvent, route: string): Promise<void> {
  console.log(`[example-nextjs] ${route} ran ${event.type} ${event.id}`)
}

/**
 * The secret, read when the first request arrives: `next build` loads the route modules without
 * the runtime environment, and a missing secret is a TypeError at creation.
 */
export function webhookSecret(): string {
  return process.env.WEBHOOK_SECRET ?? ''
}
