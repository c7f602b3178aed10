/**
 * Catching up on webhooks missed while the app was down: GitHub keeps a log of the App's webhook
 * deliveries (newest first) and can send a failed one again. On start we redeliver each delivery
 * that failed and was not delivered successfully later, and remember how far we got.
 * @module
 */
import type { Logger } from '../gates/types.js';
import type { CursorStore } from '../store/types.js';

/** One entry of `GET /app/hook/deliveries` (the fields used here). */
export interface HookDelivery {
  /** Delivery attempt id (grows with time). */
  id: number;
  /** The `X-GitHub-Delivery` id, shared by an original delivery and its redeliveries. */
  guid: string;
  /** When GitHub sent it (ISO 8601). */
  delivered_at: string;
  /** HTTP status our app answered with (0 when it could not connect). */
  status_code: number;
  /** Whether this attempt was itself a redelivery. */
  redelivery: boolean;
}

/** The two GitHub calls needed, wired to octokit by the app. */
export interface DeliveryApi {
  /** Deliveries newest first, across pages (`cursor` is GitHub's page cursor, to start further back). */
  listDeliveries(cursor?: string): AsyncIterable<HookDelivery>;
  /** `POST /app/hook/deliveries/{id}/attempts`. */
  redeliver(id: number): Promise<void>;
}

/** What a catch-up did. */
export interface RedeliveryReport {
  /** Deliveries read. */
  scanned: number;
  /** Delivery ids sent again. */
  redelivered: number[];
  /** Delivery ids GitHub refused to send again (retried next start). */
  failed: number[];
}

/** Cursor name in the {@link CursorStore}: the newest delivery id already looked at. */
export const REDELIVERY_CURSOR = 'webhook-redelivery';

/**
 * Redeliveries per start. Each is one API request (of 5,000 per hour for an App); anything beyond
 * waits for the next start, because the cursor stops before it.
 */
export const MAX_REDELIVERIES_PER_RUN = 100;

/** Deliveries read per start at most (GitHub returns up to 100 per page): bounds the start-up cost. */
export const MAX_SCANNED_PER_RUN = 2_000;

const succeeded = (code: number) => code >= 200 && code < 300;

/**
 * Redelivers the deliveries that failed since the last run (or since `since`, whichever is later).
 * Duplicates are harmless: a redelivery carries the original `X-GitHub-Delivery` id, on which the
 * queue deduplicates.
 * @param api GitHub's delivery endpoints.
 * @param cursors Where the newest id looked at is kept.
 * @param options `since`: how far back to look at most (GitHub keeps 3 days); `log`.
 */
export async function redeliverMissedDeliveries(
  api: DeliveryApi,
  cursors: CursorStore,
  options: { since: Date; log?: Logger },
): Promise<RedeliveryReport> {
  const stored = Number((await cursors.get(REDELIVERY_CURSOR)) ?? 0);
  const floor = options.since.getTime();
  const delivered = new Set<string>();
  const missed = new Map<string, HookDelivery>();
  let newest = stored;
  let scanned = 0;
  for await (const delivery of api.listDeliveries()) {
    if (delivery.id <= stored || Date.parse(delivery.delivered_at) < floor || scanned >= MAX_SCANNED_PER_RUN) break;
    scanned += 1;
    newest = Math.max(newest, delivery.id);
    // Newest first: a later success of the same guid has been seen before its earlier failures.
    if (succeeded(delivery.status_code)) delivered.add(delivery.guid);
    else if (!delivered.has(delivery.guid) && !missed.has(delivery.guid)) missed.set(delivery.guid, delivery);
  }

  const toSend = [...missed.values()].sort((a, b) => a.id - b.id);
  const report: RedeliveryReport = { scanned, redelivered: [], failed: [] };
  for (const delivery of toSend.slice(0, MAX_REDELIVERIES_PER_RUN)) {
    try {
      await api.redeliver(delivery.id);
      report.redelivered.push(delivery.id);
    } catch (error) {
      options.log?.warn({ err: error, deliveryId: delivery.guid, hookDeliveryId: delivery.id }, 'could not redeliver a missed webhook; will try on the next start');
      report.failed.push(delivery.id);
    }
  }
  // Stop the cursor before the first delivery not sent, so the next start tries it again.
  const pending = [...report.failed, ...toSend.slice(MAX_REDELIVERIES_PER_RUN).map((d) => d.id)];
  const cursor = pending.length === 0 ? newest : Math.max(stored, Math.min(...pending) - 1);
  await cursors.set(REDELIVERY_CURSOR, String(cursor));
  if (report.redelivered.length > 0 || report.failed.length > 0) {
    options.log?.info({ ...report, redelivered: report.redelivered.length, failed: report.failed.length }, 'redelivered webhooks missed while the app was down');
  }
  return report;
}
