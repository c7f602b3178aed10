/**
 * The gate history on the embedded SQLite file (the same file as the job queue, or the web process's
 * local file when the queue is on Redis). Lists and charts read narrow rows through indexes on
 * (repository, time); the per-file detail is one JSON column read only by the commit page; sources
 * are stored once per content hash, since most files are the same from one commit to the next.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import type { StoreDatabase } from './database.js';
import type { HistoryDetail, HistoryRun, HistoryStore, HistorySummary, RepositoryInfo } from './history.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS history_repos (
  owner TEXT NOT NULL,
  repo TEXT NOT NULL,
  private INTEGER NOT NULL,
  default_branch TEXT NOT NULL,
  badge_token TEXT,
  installation_id INTEGER,
  last_run_at INTEGER NOT NULL,
  PRIMARY KEY (owner, repo)
);
CREATE TABLE IF NOT EXISTS history_runs (
  id INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  repo TEXT NOT NULL,
  sha TEXT NOT NULL,
  branch TEXT,
  pull_request INTEGER,
  trigger TEXT NOT NULL,
  on_default INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  from_cache INTEGER NOT NULL,
  error TEXT,
  worker TEXT,
  phases TEXT NOT NULL,
  gates TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_runs_repo ON history_runs (owner, repo, finished_at);
CREATE INDEX IF NOT EXISTS history_runs_default ON history_runs (owner, repo, on_default, finished_at);
CREATE INDEX IF NOT EXISTS history_runs_sha ON history_runs (owner, repo, sha, finished_at);
CREATE INDEX IF NOT EXISTS history_runs_finished ON history_runs (finished_at);
CREATE TABLE IF NOT EXISTS history_sources (
  hash TEXT PRIMARY KEY,
  text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS history_run_sources (
  run_id INTEGER NOT NULL,
  path TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (run_id, path)
);
CREATE INDEX IF NOT EXISTS history_run_sources_hash ON history_run_sources (hash);
`;

/** Columns a summary needs: never the detail column, which can be large. */
const SUMMARY_COLUMNS =
  'id, job_id, owner, repo, sha, branch, pull_request, trigger, on_default, received_at, finished_at, from_cache, error, worker, phases, gates';

interface SummaryRow {
  id: number;
  job_id: string;
  owner: string;
  repo: string;
  sha: string;
  branch: string | null;
  pull_request: number | null;
  trigger: string;
  on_default: number;
  received_at: number;
  finished_at: number;
  from_cache: number;
  error: string | null;
  worker: string | null;
  phases: string;
  gates: string;
}

interface RepoRow {
  owner: string;
  repo: string;
  private: number;
  default_branch: string;
  installation_id: number | null;
  last_run_at: number;
}

function summaryOf(row: SummaryRow): HistorySummary {
  return {
    id: row.id,
    jobId: row.job_id,
    owner: row.owner,
    repo: row.repo,
    sha: row.sha,
    ...(row.branch === null ? {} : { branch: row.branch }),
    ...(row.pull_request === null ? {} : { pullRequest: row.pull_request }),
    trigger: row.trigger as HistorySummary['trigger'],
    finishedAt: row.finished_at,
    durationMs: row.finished_at - row.received_at,
    onDefaultBranch: row.on_default === 1,
    phases: JSON.parse(row.phases) as HistorySummary['phases'],
    gates: JSON.parse(row.gates) as HistorySummary['gates'],
    fromCache: row.from_cache === 1,
    ...(row.error === null ? {} : { error: row.error }),
    ...(row.worker === null ? {} : { worker: row.worker }),
  };
}

function repoOf(row: RepoRow): RepositoryInfo {
  return {
    owner: row.owner,
    repo: row.repo,
    private: row.private === 1,
    defaultBranch: row.default_branch,
    ...(row.installation_id === null ? {} : { installationId: row.installation_id }),
    lastRunAt: row.last_run_at,
  };
}

/** Whether a run checked the default branch itself: a push (or re-run) there, not a pull request. */
export function onDefaultBranch(run: Pick<HistoryRun, 'branch' | 'defaultBranch' | 'pullRequest'>): boolean {
  return run.pullRequest === undefined && run.branch === run.defaultBranch;
}

const newToken = (): string => randomBytes(18).toString('base64url');

/**
 * Creates the history tables in `db` (if missing) and returns the store on them.
 * @param db Open store file.
 */
export function sqliteHistoryStore(db: StoreDatabase): HistoryStore {
  db.exec(SCHEMA);
  // An unknown visibility counts as private when new, and leaves a known one alone.
  const upsertRepo = db.prepare<[string, string, number, string, number | null, number, number | null]>(
    'INSERT INTO history_repos (owner, repo, private, default_branch, installation_id, last_run_at) VALUES (?, ?, ?, ?, ?, ?) ' +
      'ON CONFLICT(owner, repo) DO UPDATE SET private = COALESCE(?, history_repos.private), ' +
      'default_branch = excluded.default_branch, installation_id = COALESCE(excluded.installation_id, history_repos.installation_id), ' +
      'last_run_at = MAX(history_repos.last_run_at, excluded.last_run_at)',
  );
  const updatePrivate = db.prepare<[number, string, string]>('UPDATE history_repos SET private = ? WHERE owner = ? AND repo = ?');
  const deleteRun = db.prepare<[string]>('DELETE FROM history_runs WHERE job_id = ?');
  const deleteRunSourcesOfJob = db.prepare<[string]>('DELETE FROM history_run_sources WHERE run_id IN (SELECT id FROM history_runs WHERE job_id = ?)');
  const insertRun = db.prepare(
    'INSERT INTO history_runs (job_id, owner, repo, sha, branch, pull_request, trigger, on_default, received_at, finished_at, from_cache, error, worker, phases, gates, detail) ' +
      'VALUES (@jobId, @owner, @repo, @sha, @branch, @pullRequest, @trigger, @onDefault, @receivedAt, @finishedAt, @fromCache, @error, @worker, @phases, @gates, @detail)',
  );
  const insertSource = db.prepare<[string, string]>('INSERT OR IGNORE INTO history_sources (hash, text) VALUES (?, ?)');
  const linkSource = db.prepare<[number, string, string]>('INSERT OR REPLACE INTO history_run_sources (run_id, path, hash) VALUES (?, ?, ?)');
  const repoColumns = 'owner, repo, private, default_branch, installation_id, last_run_at';
  const selectRepos = db.prepare<[], RepoRow>(`SELECT ${repoColumns} FROM history_repos ORDER BY last_run_at DESC`);
  const selectRepo = db.prepare<[string, string], RepoRow>(`SELECT ${repoColumns} FROM history_repos WHERE owner = ? AND repo = ?`);
  const selectDefault = db.prepare<[string, string, number], SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM history_runs WHERE owner = ? AND repo = ? AND on_default = 1 ORDER BY finished_at DESC LIMIT ?`,
  );
  const selectRecent = db.prepare<[string, string, number], SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM history_runs WHERE owner = ? AND repo = ? ORDER BY finished_at DESC LIMIT ?`,
  );
  const selectCommit = db.prepare<[string, string, string], SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM history_runs WHERE owner = ? AND repo = ? AND sha = ? ORDER BY finished_at DESC LIMIT 1`,
  );
  const selectSince = db.prepare<[number, number], SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM history_runs WHERE finished_at >= ? ORDER BY finished_at DESC LIMIT ?`,
  );
  const selectDetail = db.prepare<[number], { detail: string }>('SELECT detail FROM history_runs WHERE id = ?');
  const selectSourcePaths = db.prepare<[number], { path: string }>('SELECT path FROM history_run_sources WHERE run_id = ? ORDER BY path');
  const selectSource = db.prepare<[number, string], { text: string }>(
    'SELECT s.text FROM history_run_sources r JOIN history_sources s ON s.hash = r.hash WHERE r.run_id = ? AND r.path = ?',
  );
  const selectToken = db.prepare<[string, string], { badge_token: string | null }>('SELECT badge_token FROM history_repos WHERE owner = ? AND repo = ?');
  const setToken = db.prepare<[string, string, string]>('UPDATE history_repos SET badge_token = ? WHERE owner = ? AND repo = ?');
  const pruneRunSources = db.prepare<[number]>('DELETE FROM history_run_sources WHERE run_id IN (SELECT id FROM history_runs WHERE finished_at < ?)');
  const pruneRuns = db.prepare<[number]>('DELETE FROM history_runs WHERE finished_at < ?');
  const pruneSources = db.prepare('DELETE FROM history_sources WHERE hash NOT IN (SELECT hash FROM history_run_sources)');

  const write = db.transaction((run: HistoryRun) => {
    const visibility = run.private === undefined ? null : Number(run.private);
    upsertRepo.run(run.owner, run.repo, visibility ?? 1, run.defaultBranch, run.installationId ?? null, run.finishedAt, visibility);
    deleteRunSourcesOfJob.run(run.jobId);
    deleteRun.run(run.jobId);
    const { lastInsertRowid } = insertRun.run({
      jobId: run.jobId,
      owner: run.owner,
      repo: run.repo,
      sha: run.sha,
      branch: run.branch ?? null,
      pullRequest: run.pullRequest ?? null,
      trigger: run.trigger,
      onDefault: Number(onDefaultBranch(run)),
      receivedAt: run.receivedAt,
      finishedAt: run.finishedAt,
      fromCache: Number(run.fromCache),
      error: run.error ?? null,
      worker: run.worker ?? null,
      phases: JSON.stringify(run.phases),
      gates: JSON.stringify(run.gates),
      detail: JSON.stringify({ files: run.files, findings: run.findings }),
    });
    for (const [path, text] of Object.entries(run.sources)) {
      const hash = createHash('sha1').update(text).digest('hex');
      insertSource.run(hash, text);
      linkSource.run(Number(lastInsertRowid), path, hash);
    }
  });

  const ensureToken = db.transaction((owner: string, repo: string, rotate: boolean): string => {
    const row = selectToken.get(owner, repo);
    if (row === undefined) throw new Error(`${owner}/${repo} has no history yet: a badge token is made once a run is recorded`);
    if (row.badge_token !== null && !rotate) return row.badge_token;
    const token = newToken();
    setToken.run(token, owner, repo);
    return token;
  });

  return {
    record: (run) => write(run),
    repositories: () => selectRepos.all().map(repoOf),
    repository(owner, repo) {
      const row = selectRepo.get(owner, repo);
      return row === undefined ? undefined : repoOf(row);
    },
    defaultBranchRuns: (owner, repo, limit) => selectDefault.all(owner, repo, limit).map(summaryOf),
    recentRuns: (owner, repo, limit) => selectRecent.all(owner, repo, limit).map(summaryOf),
    commitRun(owner, repo, sha) {
      const row = selectCommit.get(owner, repo, sha);
      return row === undefined ? undefined : summaryOf(row);
    },
    detail(runId) {
      const row = selectDetail.get(runId);
      if (row === undefined) return undefined;
      const detail = JSON.parse(row.detail) as Omit<HistoryDetail, 'sourcePaths'>;
      return { ...detail, sourcePaths: selectSourcePaths.all(runId).map((r) => r.path) };
    },
    source: (runId, path) => selectSource.get(runId, path)?.text,
    runsSince: (since, limit) => selectSince.all(since, limit).map(summaryOf),
    setPrivate(owner, repo, isPrivate) {
      updatePrivate.run(Number(isPrivate), owner, repo);
    },
    badgeToken: (owner, repo) => ensureToken(owner, repo, false),
    rotateBadgeToken: (owner, repo) => ensureToken(owner, repo, true),
    prune: db.transaction((before: number): number => {
      pruneRunSources.run(before);
      const { changes } = pruneRuns.run(before);
      pruneSources.run();
      return changes;
    }),
  };
}
