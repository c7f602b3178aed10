/**
 * The unprivileged user sandboxed commands run as when the app itself runs as root. A user namespace
 * alone is not enough: uid 0 mapped inside still is real root outside (for files reachable through a
 * bind mount, and RLIMIT_NPROC never applies to root), so the sandbox really changes uid before it
 * starts bubblewrap.
 * @module
 */

/** `nobody` on Debian and most distributions: owns nothing on the host. */
export const DEFAULT_SANDBOX_UID = 65534;

/** A numeric user and group. */
export interface SandboxIdentity {
  /** User id the commands run as. */
  uid: number;
  /** Group id the commands run as. */
  gid: number;
}

function parseId(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0 || id > 0xfffffffe) {
    throw new Error(`${name}=${value} is not a valid non-root numeric id: set it to an unused uid such as 65534`);
  }
  return id;
}

/**
 * Whom sandboxed commands run as: undefined when the app is not root (commands keep the app's own
 * unprivileged uid); otherwise `QG_SANDBOX_UID`/`QG_SANDBOX_GID` or 65534.
 */
export function sandboxIdentity(env: NodeJS.ProcessEnv = process.env, euid = process.geteuid?.()): SandboxIdentity | undefined {
  if (euid !== 0) return undefined;
  const uid = parseId(env.QG_SANDBOX_UID, 'QG_SANDBOX_UID') ?? DEFAULT_SANDBOX_UID;
  const gid = parseId(env.QG_SANDBOX_GID, 'QG_SANDBOX_GID') ?? uid;
  return { uid, gid };
}
