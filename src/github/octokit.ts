/**
 * The Octokit class the app gives Probot (`overrides.Octokit`): Probot's own, with two changes that
 * only matter at volume or on GitHub Enterprise.
 * @module
 */
import { ProbotOctokit } from 'probot';

interface RequestWithDefaults {
  defaults(options: { baseUrl: string }): unknown;
}

interface ConstructorOptions extends Record<string, unknown> {
  baseUrl?: string;
  throttle?: object;
  auth?: { request?: RequestWithDefaults } & Record<string, unknown>;
}

/**
 * Probot's Octokit, changed so that:
 * - the client-side write throttle is off: Probot spaces writes one second apart per installation,
 *   which would keep the `queued` checks of a burst of pull requests waiting for minutes (GitHub's own
 *   rate-limit answers are still honoured: see `check-run-thread.js` and the retry plugin);
 * - the auth strategy's own requests use the instance's base URL. Probot hands it a plain
 *   `@octokit/request` (api.github.com), which only matters when the token is asked for directly
 *   (`octokit.auth({ type: 'installation' })`, as `installationAuth` does) on GitHub Enterprise.
 */
export const AppOctokit: typeof ProbotOctokit = ProbotOctokit.defaults((options: ConstructorOptions) => ({
  ...options,
  // A function, not an object: Probot passes its own `throttle` options later and would replace ours.
  throttle: { ...options.throttle, enabled: false },
  ...(options.baseUrl && options.auth?.request
    ? { auth: { ...options.auth, request: withBaseUrl(options.auth.request, options.baseUrl) } }
    : {}),
}));

// Probot builds an Octokit for every delivery, always from the same auth `request`: derive its
// base-URL variant once rather than per delivery.
const derived = new WeakMap<RequestWithDefaults, Map<string, unknown>>();

function withBaseUrl(request: RequestWithDefaults, baseUrl: string): unknown {
  let byUrl = derived.get(request);
  if (byUrl === undefined) derived.set(request, (byUrl = new Map()));
  let result = byUrl.get(baseUrl);
  if (result === undefined) byUrl.set(baseUrl, (result = request.defaults({ baseUrl })));
  return result;
}
