import { readFileSync } from 'node:fs';

/** The `[Service]` settings of a systemd unit file, each key with all its values in order. */
export function serviceSection(unitFile: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of readFileSync(unitFile, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    if (section !== 'Service' || eq < 0) continue;
    const key = line.slice(0, eq).trim();
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return settings;
}

/** An EnvironmentFile as systemd reads it: KEY=VALUE lines, comments, optional quotes. */
export function environmentFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    env[match[1]!] = match[2]!.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  return env;
}

/**
 * The command line that starts the unit's ExecStart as systemd would with its User=, Group=,
 * AmbientCapabilities= and CapabilityBoundingSet= (through util-linux's setpriv); systemd's
 * other sandboxing (ProtectSystem=, ...) is not reproduced.
 */
export function asSystemdWould(service: Map<string, string[]>): string[] {
  const one = (key: string) => service.get(key)?.at(-1) ?? '';
  const caps = (key: string) =>
    one(key)
      .split(/\s+/)
      .filter(Boolean)
      .map((cap) => `+${cap.replace(/^CAP_/, '').toLowerCase()}`)
      .join(',');
  const ambient = caps('AmbientCapabilities');
  const bounding = caps('CapabilityBoundingSet');
  const execStart = one('ExecStart').split(/\s+/);
  return [
    'setpriv',
    `--reuid=${one('User')}`,
    `--regid=${one('Group') || one('User')}`,
    '--init-groups',
    `--inh-caps=-all${ambient ? `,${ambient}` : ''}`,
    `--ambient-caps=-all${ambient ? `,${ambient}` : ''}`,
    `--bounding-set=-all${bounding ? `,${bounding}` : ''}`,
    ...(one('NoNewPrivileges') === 'true' ? ['--no-new-privs'] : []),
    '--',
    ...execStart,
  ];
}
