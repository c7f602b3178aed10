// Lets Node run the TypeScript sources directly (no build step between a checkout and a run).
import { register } from 'tsx/esm/api';

register();
