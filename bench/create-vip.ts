import type { LabAgent } from '../test/lab/agents.js';
import { sleep } from './wait.js';

/**
 * POST /endpoints as an operator's script would: a 5xx (etcd briefly unreachable from a starved
 * agent, say) or a dropped connection (a keep-alive socket the server closed) is retried after a
 * pause; a 409 after a dropped connection means the first attempt got through. Resolves the number
 * of retries it took.
 */
export async function createVipWithRetry(agent: LabAgent, ip: string, attempts = 10): Promise<number> {
  let dropped = false;
  for (let attempt = 0; ; attempt++) {
    let status: number;
    let body: unknown;
    try {
      ({ status, body } = await agent.api('POST', '/endpoints', {
        plugin: 'arp',
        plugin_config: { ip },
        checks: [],
      }));
    } catch (error) {
      if (attempt + 1 >= attempts) throw error;
      dropped = true;
      await sleep(200);
      continue;
    }
    if (status === 201 || (status === 409 && dropped)) return attempt;
    if (status < 500 || attempt + 1 >= attempts)
      throw new Error(`create ${ip} on ${agent.hostname}: ${status} ${JSON.stringify(body)}`);
    await sleep(Math.min(3000, 500 * (attempt + 1)));
  }
}
