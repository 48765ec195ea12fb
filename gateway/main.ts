process.env.APOLLO_TELEMETRY_DISABLED = '1';
import { loadGatewayConfig } from './config';
import { startGateway } from './server';
import { runUntilSignalled } from '../subgraphs/common/main-loop';

// `npm run start:gateway`: the gateway alone, configured only by environment variables.
runUntilSignalled('gateway', async () => startGateway(loadGatewayConfig()));
