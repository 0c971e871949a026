// Worker thread for user-agent classification: device-detector's rules take tens of milliseconds per new agent,
// which would otherwise stall every socket served by the event loop.
import { parentPort } from 'node:worker_threads';
import { classify } from './user-agent.ts';

parentPort!.on('message', ({ id, ua }: { id: number; ua: string }) => {
  parentPort!.postMessage({ id, info: classify(ua) });
});
