// A client's view of one or more services: every EVERY_MS, one TCP connection to each target, one
// JSON line per probe: {"t":"10.78.0.5","at":epochMs,"ok":bool,"ms":n,"answer":"a"} or
// {"t","at","ok":false,"ms","detail":"ETIMEDOUT"}. Used by probe-loop.ts (one target) and
// multi-probe.ts (many). Runs inside a lab namespace with plain node (no tsx start-up); exits when
// its stdin closes.
// Usage: node probe-client.mjs PORT EVERY_MS TIMEOUT_MS TARGET...
import { connect } from 'node:net';

const [portText = '', everyText = '100', timeoutText = '250', ...targets] = process.argv.slice(2);
const port = Number(portText);
const everyMs = Number(everyText);
const timeoutMs = Number(timeoutText);

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

function probe(host) {
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
      const sample = { t: host, at, ok, ms: Date.now() - at };
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

async function loop(target) {
  for (;;) {
    const started = Date.now();
    process.stdout.write(`${JSON.stringify(await probe(target))}\n`);
    const wait = everyMs - (Date.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

for (const target of targets) void loop(target);
