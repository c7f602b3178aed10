/**
 * The deploy targets, registered in one map: adding one is a new module and a line here.
 * @module
 */
import type { DeployTarget, TargetId } from './types.js';
import { dockerHubTarget } from './dockerhub.js';
import { webhookTarget } from './webhook.js';

/** Every target, in the order they fire and are reported. */
export const TARGETS: Readonly<Record<TargetId, DeployTarget>> = {
  dockerhub: dockerHubTarget,
  webhook: webhookTarget,
};
