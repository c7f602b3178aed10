/**
 * The app's pino logger, built as Probot's own (`LOG_LEVEL`, `LOG_FORMAT`, `LOG_LEVEL_IN_STRING`,
 * `LOG_MESSAGE_KEY`, `SENTRY_DSN`, through `@probot/pino`'s formatting stream) but without a `name`:
 * Probot names the logger it is given with a child (`name: "probot"`), and pino appends a child's
 * bindings to its parent's, so Probot's own named logger wrote `"name"` twice on every JSON line.
 * @module
 */
import { getTransformStream } from '@probot/pino';
import { pino, type Logger } from 'pino';

/** The logger to hand to `createProbot` (`overrides.log`); Probot adds the one `name`. */
export async function createLogger(env: NodeJS.ProcessEnv): Promise<Logger> {
  const format = env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty' ? env.LOG_FORMAT : undefined;
  const transform = await getTransformStream({
    ...(format ? { logFormat: format } : {}),
    logLevelInString: env.LOG_LEVEL_IN_STRING === 'true',
    ...(env.SENTRY_DSN ? { sentryDsn: env.SENTRY_DSN } : {}),
  });
  // As Probot does: pino writes to the formatting stream, which writes to stdout (pino.destination is a
  // stream at run time; its typings do not say so).
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return pino({ level: env.LOG_LEVEL ?? 'info', messageKey: env.LOG_MESSAGE_KEY ?? 'msg' }, transform);
}
