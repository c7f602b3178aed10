/**
 * The dashboard's URLs, in one place: pages link to each other and the check-run summaries link to
 * the commit page through these, so a route and its links cannot drift apart.
 * @module
 */
import type { GateName } from '../gates/types.js';

/** Every dashboard path starts here, under `QG_PUBLIC_URL`. */
export const DASHBOARD_PREFIX = '/quality-gates';

const seg = encodeURIComponent;
const repoPath = (owner: string, repo: string) => `${DASHBOARD_PREFIX}/${seg(owner)}/${seg(repo)}`;

/** Paths of the dashboard's pages and badges. */
export const dashboardPaths = {
  /** The list of repositories. */
  home: () => `${DASHBOARD_PREFIX}/`,
  /** A repository's page. */
  repository: (owner: string, repo: string) => repoPath(owner, repo),
  /** A commit's page. */
  commit: (owner: string, repo: string, sha: string) => `${repoPath(owner, repo)}/commit/${seg(sha)}`,
  /** A file of a commit. */
  file: (owner: string, repo: string, sha: string, file: string) =>
    `${repoPath(owner, repo)}/commit/${seg(sha)}/file/${file.split('/').map(seg).join('/')}`,
  /** Rotating a private repository's badge token (POST). */
  badgeToken: (owner: string, repo: string) => `${repoPath(owner, repo)}/badge-token`,
  /** A badge. */
  badge: (owner: string, repo: string, gate: GateName) => `${DASHBOARD_PREFIX}/badge/${seg(owner)}/${seg(repo)}/${gate}.svg`,
  /** The operator's page. */
  operator: () => `${DASHBOARD_PREFIX}/operator`,
  /** Sign in with GitHub. */
  login: () => `${DASHBOARD_PREFIX}/login`,
  /** GitHub's redirect back after sign-in. */
  callback: () => `${DASHBOARD_PREFIX}/auth/callback`,
  /** Sign out (POST). */
  logout: () => `${DASHBOARD_PREFIX}/logout`,
  /** The stylesheet. */
  stylesheet: () => `${DASHBOARD_PREFIX}/assets/dashboard.css`,
};
