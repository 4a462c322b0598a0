/**
 * What the demo prints: progress for people, and `DEMO-RESULT {json}` lines for programs (the
 * demo's own test parses them), both on stdout so their order is kept.
 */
const tty = process.stdout.isTTY === true;
const started = Date.now();

const style = (code: string, text: string) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
export const bold = (text: string) => style('1', text);
export const dim = (text: string) => style('2', text);
export const green = (text: string) => style('32', text);
export const yellow = (text: string) => style('33', text);
export const red = (text: string) => style('31', text);

/** Seconds since the demo started, e.g. `+12.3s`. */
export function elapsed(): string {
  return `+${((Date.now() - started) / 1000).toFixed(1)}s`;
}

/** A phase of the demo. */
export function step(text: string): void {
  process.stdout.write(`${bold(`==> ${text}`)} ${dim(elapsed())}\n`);
}

/** A detail under the current phase. */
export function info(text: string): void {
  process.stdout.write(`    ${text}\n`);
}

export function warn(text: string): void {
  process.stdout.write(`${yellow(`!!  ${text}`)}\n`);
}

export function fail(text: string): void {
  process.stderr.write(`${red(`demo: ${text}`)}\n`);
}

export type DemoResult =
  | { type: 'mode'; mode: 'lab' | 'dry-run'; pid: number; namespacePrefix: string | null; dataDir: string }
  | {
      type: 'processes';
      pids: number[];
      /** Each PID's start time (`/proc/PID/stat` field 22), so a reused PID is not taken for it. */
      started: Record<string, string>;
    }
  | { type: 'ready'; liveView: string; etcd: string; vip: string; holder: string }
  | {
      type: 'failover';
      step: StoryStepName;
      from: string;
      to: string;
      /** From the action to the new holder's ACTIVATED, as its API reports it. */
      takeoverMs: number;
      /** What the client probing every 20 ms saw; null in dry-run mode, where nothing is bound. */
      outageMs: number | null;
      failedProbes: number | null;
    }
  | { type: 'restored'; step: StoryStepName; host: string }
  | { type: 'story-done' }
  | { type: 'cleanup'; ok: boolean; ms: number };

export type StoryStepName = 'owner-crash' | 'graceful-stop' | 'backend-failure';

export function result(data: DemoResult): void {
  process.stdout.write(`DEMO-RESULT ${JSON.stringify(data)}\n`);
}
