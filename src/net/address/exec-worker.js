// @ts-check
/**
 * The command worker started by `ExecThread` (exec-thread.ts): runs each requested command and
 * answers with its id. Plain JavaScript, so the worker starts without a TypeScript loader.
 */
import { parentPort } from 'node:worker_threads';
import { execOutcome } from './exec-file.js';

const port = parentPort;
if (!port) throw new Error('exec-worker.js runs as a worker thread (see exec-thread.ts)');
port.on('message', async (/** @type {import('./exec-thread.js').ExecRequest & { id: number }} */ message) => {
  const { id, ...request } = message;
  port.postMessage({ id, ...(await execOutcome(request)) });
});
