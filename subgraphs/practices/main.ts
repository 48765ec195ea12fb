// First: when traces are configured, the SDK must hook `require` before http or pg is loaded.
import '../../platform/tracing/register';
import { loadSubgraphConfig } from '../runtime/config';
import { runUntilSignalled } from '../../platform/main-loop';
import { startPracticesSubgraph } from './server';

// `npm run start:practices`: this subgraph alone, configured only by environment variables.
runUntilSignalled('practices', () => startPracticesSubgraph(loadSubgraphConfig('practices')));
