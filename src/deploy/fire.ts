/**
 * What every target does around its HTTP call: read its URL and secret from the environment by the
 * name the config gives, and turn the call's result into a {@link TargetOutcome} free of secrets.
 * @module
 */
import type { TargetOutcome } from './types.js';
import { DeliveryError, type PostResult } from './retry.js';

/** The value of the environment variable `name`, or an outcome saying it is missing (naming it, never a value). */
export function fromEnv(env: NodeJS.ProcessEnv, name: string, what: string): string | TargetOutcome {
  const value = env[name]?.trim();
  if (value) return value;
  return {
    status: 'failure',
    message: `${what} is not set: define the environment variable ${name} in the app's environment`,
    attempts: 0,
  };
}

/** Awaits the POST and describes its result; `accepted` is the status of an accepted trigger. */
export async function settle(
  post: Promise<PostResult>,
  accepted: 'success' | 'in_progress',
  acceptedMessage: (result: PostResult) => string,
): Promise<TargetOutcome> {
  try {
    const result = await post;
    return { status: accepted, message: acceptedMessage(result), httpStatus: result.status, attempts: result.attempts, sentAt: result.sentAt };
  } catch (error) {
    if (!(error instanceof DeliveryError)) throw error;
    const attempts = error.details.attempts;
    const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    return {
      status: 'failure',
      message: `${error.message}${tries}`,
      attempts,
      ...(error.details.status !== undefined ? { httpStatus: error.details.status } : {}),
    };
  }
}
