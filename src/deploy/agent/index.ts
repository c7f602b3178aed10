/**
 * The deploy agent (`quality-gates deploy-agent`): the service on the site's server that receives
 * signed deploy webhooks and runs the deploy command.
 * @module
 */
export { startDeployAgent, MAX_BODY_BYTES, type DeployAgentHandle } from './server.js';
export {
  deployAgentOptionsFromEnv,
  jsonLogger,
  DEFAULT_AGENT_HOST,
  DEFAULT_AGENT_PORT,
  DEFAULT_COMMAND_TIMEOUT_SECONDS,
  MIN_SECRET_LENGTH,
  type DeployAgentOptions,
} from './options.js';
export { commandEnv, imageTag, type AgentJob } from './job.js';
export { OUTPUT_TAIL_CHARS } from './report.js';
