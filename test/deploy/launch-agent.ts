// Starts the real deploy agent as its own process, configured from QG_AGENT_* like
// `quality-gates deploy-agent`, and prints the port it listens on (the tests use port 0).
import { deployAgentOptionsFromEnv, startDeployAgent } from '../../src/deploy/agent/index.js';

const agent = await startDeployAgent(deployAgentOptionsFromEnv(process.env));
process.stdout.write(`${JSON.stringify({ port: agent.port })}\n`);
process.once('SIGTERM', () => {
  void agent.close().then(() => process.exit(0));
});
