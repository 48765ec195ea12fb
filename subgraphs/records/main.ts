// First: when traces are configured, the SDK must hook `require` before http or pg is loaded.
import '../../platform/tracing/register';
import { loadSubgraphConfig } from '../runtime/config';
import { runUntilSignalled } from '../../platform/main-loop';
import { startRecordsSubgraph } from './server';

// `npm run start:records`: this subgraph alone, configured only by environment variables.
runUntilSignalled('records', () => startRecordsSubgraph(loadSubgraphConfig('records')));
