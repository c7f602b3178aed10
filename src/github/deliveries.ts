/**
 * The App's webhook delivery log (`GET /app/hook/deliveries`) and redelivery
 * (`POST /app/hook/deliveries/{id}/attempts`), for catching up on deliveries missed while the app was
 * down. Both need the app's own JWT, not an installation token.
 * @module
 */
import type { DeliveryApi, HookDelivery } from '../queue/redeliver.js';
import type { Octokit } from './types.js';

/** Deliveries per page (GitHub's maximum). */
const DELIVERIES_PER_PAGE = 100;

/** The delivery endpoints over an app-authenticated Octokit (`probot.auth()` without an installation). */
export function hookDeliveriesApi(appOctokit: Octokit): DeliveryApi {
  return {
    async *listDeliveries(cursor?: string): AsyncIterable<HookDelivery> {
      const pages = appOctokit.paginate.iterator(appOctokit.rest.apps.listWebhookDeliveries, {
        per_page: DELIVERIES_PER_PAGE,
        ...(cursor ? { cursor } : {}),
      });
      for await (const page of pages) {
        for (const d of page.data) {
          yield { id: d.id, guid: d.guid, delivered_at: d.delivered_at, status_code: d.status_code, redelivery: d.redelivery };
        }
      }
    },
    async redeliver(id: number): Promise<void> {
      await appOctokit.rest.apps.redeliverWebhookDelivery({ delivery_id: id });
    },
  };
}
