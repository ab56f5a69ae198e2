import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { ExpressAdapter } from '@bull-board/express'
import type { BullInbox } from '@hookguard/bullmq'
import type { Express } from 'express'

/** Where bull-board is mounted. Put it behind your own authentication in production. */
export const DASHBOARD_PATH = '/admin/queues'

/**
 * bull-board for the inbox's queue: waiting, active, completed and dead-lettered (failed) events,
 * with their stored data and a Retry button (the same as `inbox.replay(key)`).
 */
export function mountDashboard(app: Express, inbox: BullInbox): void {
  const serverAdapter = new ExpressAdapter()
  serverAdapter.setBasePath(DASHBOARD_PATH)
  createBullBoard({ queues: [new BullMQAdapter(inbox.queue)], serverAdapter })
  app.use(DASHBOARD_PATH, serverAdapter.getRouter())
}
