// A client's view of a service: one TCP connection every EVERY_MS, printing one JSON line per
// probe: {"at":epochMs,"ok":bool,"ms":n,"answer":"a"} or {"at","ok":false,"ms","detail":"ETIMEDOUT"}.
// Runs inside a lab namespace with plain node (no tsx start-up); exits when its stdin closes.
// Usage: node probe-client.mjs HOST PORT EVERY_MS TIMEOUT_MS
import { connect } from 'node:net';

const [host = '', portText = '', everyText = '100', timeoutText = '250'] = process.argv.slice(2);
const port = Number(portText);
const everyMs = Number(everyText);
const timeoutMs = Number(timeoutText);

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

function probe() {
  const at = Date.now();
  return new Promise((resolve) => {
    let answer = '';
    let settled = false;
    const socket = connect({ host, port });
    const finish = (ok, detail) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const sample = { at, ok, ms: Date.now() - at };
      if (ok) sample.answer = answer.trim();
      else sample.detail = detail;
      resolve(sample);
    };
    const timer = setTimeout(() => finish(false, 'ETIMEDOUT'), timeoutMs);
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('end', () => finish(answer.length > 0, 'EMPTY'));
    socket.on('error', (error) => finish(false, error.code ?? error.message));
  });
}

for (;;) {
  const started = Date.now();
  process.stdout.write(`${JSON.stringify(await probe())}\n`);
  const wait = everyMs - (Date.now() - started);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
