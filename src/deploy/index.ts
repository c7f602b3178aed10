/**
 * Deploy on green: the deploy step the pipeline calls, the operator's bindings of deploy variables to
 * repositories, the app's handler for the agent's report, and the signature scheme receivers implement.
 * @module
 */
export { runDeploy, deployOnGreen, ledgerKey, configSecrets, MAX_STATUS_DESCRIPTION, type RunDeployInput } from './run.js';
export { shouldDeploy, NON_BLOCKING, type DeployDecision } from './policy.js';
export { handleAgentCallback, claimedRepository, type AgentCallback, type AgentCallbackError, type AgentReportBody } from './callback.js';
export { TARGETS } from './targets.js';
export {
  loadBindings,
  parseBindings,
  bindingRefusal,
  BINDINGS_VARIABLE,
  BINDINGS_FILE_VARIABLE,
  DEFAULT_DEPLOY_VARIABLES,
  NO_BINDINGS,
  type DeployBinding,
  type DeployBindings,
} from './bindings.js';
export { DEFAULT_RETRY, type RetryOptions } from './retry.js';
export {
  sign,
  verifySignature,
  verifySignedRequest,
  SIGNATURE_HEADER,
  DELIVERY_HEADER,
  TIMESTAMP_HEADER,
  DEFAULT_MAX_SKEW_SECONDS,
} from './signature.js';
export {
  AGENT_CALLBACK_PATH,
  type DeployConfig,
  type DeploymentsApi,
  type DeploymentState,
  type DeployOutcome,
  type DeployRecord,
  type DeployRequest,
  type DeployTarget,
  type TargetId,
  type TargetOutcome,
} from './types.js';
