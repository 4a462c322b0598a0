import type { AnyStateMachine } from 'xstate';
import { agentMachine } from '../../src/machines/agent.machine.js';
import { peerMachine } from '../../src/machines/peer.machine.js';
import { vipMachine } from '../../src/machines/vip.machine.js';

/** Every statechart LinK runs, exported by `npm run visualize` under `visualize/<name>.*`. */
export const machines: ReadonlyArray<{ name: string; machine: AnyStateMachine }> = [
  { name: 'vip', machine: vipMachine },
  { name: 'agent', machine: agentMachine },
  { name: 'peer', machine: peerMachine },
];
