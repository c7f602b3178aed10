/**
 * The dashboard's front page: the repositories the viewer may see, most recently active first.
 * @module
 */
import type { RepositoryInfo } from '../../store/history.js';
import { html, type SafeHtml } from '../html.js';
import { dashboardPaths } from '../paths.js';
import { when } from './common.js';

/** The home page's body. */
export function homePage(repositories: readonly RepositoryInfo[], signedIn: boolean): SafeHtml {
  return html`<h1>Repositories</h1>
${repositories.length === 0 ? html`<p class="empty">No repository to show yet${signedIn ? '' : ' (private repositories appear once you sign in)'}.</p>` : html`<table class="repositories"><thead><tr><th>Repository</th><th>Last run</th></tr></thead><tbody>
${repositories.map((r) => html`<tr><td><a href="${dashboardPaths.repository(r.owner, r.repo)}">${r.owner}/${r.repo}</a> ${r.private ? html`<span class="tag">private</span>` : ''}</td><td>${when(r.lastRunAt)}</td></tr>`)}
</tbody></table>`}`;
}
