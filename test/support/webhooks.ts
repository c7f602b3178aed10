/**
 * Signed webhook deliveries built from GitHub's own example payloads (`@octokit/webhooks-examples`),
 * with repository, installation, shas and refs adjusted to what a test serves.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Record<string, unknown>[] }[];

type Payload = Record<string, unknown>;

/** A deep copy of the first example of `event` (with `action`, when given) that carries an installation. */
export function examplePayload(event: string, action?: string): Payload {
  const group = examples.find((e) => e.name === event);
  const pick =
    group?.examples.find((p) => (action === undefined || p.action === action) && p.installation !== undefined) ??
    group?.examples.find((p) => action === undefined || p.action === action);
  if (!pick) throw new Error(`no example for ${event}.${action ?? '*'}`);
  return structuredClone(pick);
}

/** Points a payload's repository and installation at the test's. */
export function withRepo(payload: Payload, owner: string, repo: string, defaultBranch = 'main', installationId = 1): Payload {
  const repository = payload.repository as Payload;
  repository.name = repo;
  repository.full_name = `${owner}/${repo}`;
  repository.default_branch = defaultBranch;
  (repository.owner as Payload).login = owner;
  payload.installation = { id: installationId, node_id: 'x' };
  return payload;
}

/** A pull_request delivery for head `sha` on base `baseSha`. */
export function pullRequestPayload(o: { owner: string; repo: string; number: number; sha: string; baseSha: string; action?: string }): Payload {
  const payload = withRepo(examplePayload('pull_request', o.action ?? 'opened'), o.owner, o.repo);
  const pr = payload.pull_request as Payload;
  payload.number = o.number;
  pr.number = o.number;
  (pr.head as Payload).sha = o.sha;
  (pr.head as Payload).ref = 'feature';
  (pr.base as Payload).sha = o.baseSha;
  (pr.base as Payload).ref = 'main';
  return payload;
}

/** A branch push delivery of `sha` to `refs/heads/<branch>`. */
export function pushPayload(o: { owner: string; repo: string; sha: string; branch: string }): Payload {
  const payload = withRepo(examplePayload('push'), o.owner, o.repo);
  payload.ref = `refs/heads/${o.branch}`;
  payload.after = o.sha;
  payload.deleted = false;
  return payload;
}

/** A check_run.rerequested delivery for our check `name` on `sha`. */
export function checkRunRerequestedPayload(o: { owner: string; repo: string; sha: string; name: string }): Payload {
  const payload = withRepo(examplePayload('check_run', 'rerequested'), o.owner, o.repo);
  const run = payload.check_run as Payload;
  run.name = o.name;
  run.head_sha = o.sha;
  run.pull_requests = [];
  return payload;
}

/** The `X-Hub-Signature-256` of a body. */
export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Sends a delivery; `signature` overrides the correct one (forgeries). */
export async function deliver(url: string, event: string, payload: unknown, secret: string, options: { id?: string; signature?: string; rawBody?: string } = {}): Promise<{ status: number; body: string; id: string }> {
  const body = options.rawBody ?? JSON.stringify(payload);
  const id = options.id ?? randomUUID();
  const response = await fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': id,
      'x-hub-signature-256': options.signature ?? sign(body, secret),
    },
    body,
  });
  return { status: response.status, body: await response.text(), id };
}
