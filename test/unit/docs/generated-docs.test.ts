import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkdCommand } from '../../../src/config/cli-flags.js';
import { VERSION } from '../../../src/config/package-version.js';
import { clientDoc } from '../../../src/docs/command-tree.js';
import { generatedDocs } from '../../../src/docs/generated-docs.js';

const root = new URL('../../../', import.meta.url);
const docs = generatedDocs();
const scratch = mkdtempSync(join(tmpdir(), 'link-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A man page as man(1) renders it, with groff's warnings. */
function renderMan(text: string): { page: string; warnings: string } {
  const file = join(scratch, 'page.man');
  writeFileSync(file, text);
  const result = spawnSync('man', ['--warnings=all', '-l', file], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, MANWIDTH: '200', MAN_KEEP_FORMATTING: '0', LANG: 'C.UTF-8' },
  });
  // grotty's overstrikes (bold: "x\bx") off, as col -b would.
  const overstrike = new RegExp(`.${String.fromCharCode(8)}`, 'g');
  return { page: result.stdout.replace(overstrike, ''), warnings: result.stderr };
}

describe('generated man pages and completions', () => {
  it.each(Object.keys(docs))('%s is committed as `npm run docs` writes it', (path) => {
    const committed = readFileSync(new URL(path, root), 'utf8');
    expect(committed, `${path} is stale: run npm run docs`).toBe(docs[path]);
  });

  it('linkd(8) renders without warnings and documents every flag of linkd --help', () => {
    const { page, warnings } = renderMan(docs['docs/man/linkd.8']!);
    expect(warnings).toBe('');
    expect(page).toContain(`link ${VERSION}`);
    const flags = linkdCommand(VERSION)
      .options.filter((option) => !option.hidden)
      .map((option) => option.long!);
    expect(flags.length).toBeGreaterThan(20);
    for (const flag of flags) expect(page, flag).toContain(flag);
    expect(page).toContain('LINK_ETCD');
    expect(page).toMatch(/SIGHUP/);
  });

  it('link-client(1) renders without warnings and documents every command, alias and flag', () => {
    const { page, warnings } = renderMan(docs['docs/man/link-client.1']!);
    expect(warnings).toBe('');
    const doc = clientDoc();
    expect(doc.commands.map((command) => command.name)).toContain('create');
    for (const command of doc.commands) {
      for (const name of [command.name, ...command.aliases])
        expect(page, name).toMatch(new RegExp(`\\b${name}\\b`));
      for (const flag of command.flags) expect(page, `${command.name} ${flag.long}`).toContain(flag.long);
    }
    for (const flag of doc.globalFlags) expect(page).toContain(flag.long);
  });
});

describe('bash completion', () => {
  // A stand-in for link-client on PATH: the completion asks it for the endpoint ids.
  const bin = join(scratch, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  writeFileSync(
    join(bin, 'link-client'),
    '#!/bin/sh\necho "$*" >> "$(dirname "$0")/calls"\necho \'{"endpoints":[{"id":"vip-aaa","ip":"10.0.0.1/32"},{"id":"vip-abc"}]}\'\n',
  );
  chmodSync(join(bin, 'link-client'), 0o755);

  function complete(line: string): string[] {
    const words = line.split(' ');
    const script = [
      `source ${JSON.stringify(new URL('deploy/completion/link-client.bash', root).pathname)}`,
      `COMP_WORDS=(${words.map((word) => JSON.stringify(word)).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      '_link_client',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: bash, not a template
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}` },
    });
    return out.split('\n').filter(Boolean).sort();
  }

  it('completes commands and their aliases', () => {
    expect(complete('link-client cr')).toEqual(['create']);
    expect(complete('link-client --host 10.0.0.1:1313 de')).toEqual(['delete', 'destroy']);
  });

  it("completes a command's flags and a flag's choices", () => {
    expect(complete('link-client create --fa')).toEqual(['--fault-policy']);
    expect(complete('link-client create --fault-policy r')).toEqual(['release']);
    expect(complete('link-client create --ip ')).toEqual([]);
  });

  it("completes endpoint ids from the agent the line names, with the line's --host and credentials", () => {
    rmSync(join(bin, 'calls'), { force: true });
    expect(complete('link-client --host h:1 -u admin failover vip-a')).toEqual(['vip-aaa', 'vip-abc']);
    expect(readFileSync(join(bin, 'calls'), 'utf8')).toContain('--host h:1 -u admin');
    expect(complete('link-client list ')).toEqual([]);
  });
});

describe('zsh completion', () => {
  it('is a #compdef function that zsh parses', () => {
    const text = docs['deploy/completion/_link-client']!;
    expect(text.split('\n')[0]).toBe('#compdef link-client');
    const file = join(scratch, '_link-client');
    writeFileSync(file, text);
    const result = spawnSync('zsh', ['-n', file], { encoding: 'utf8' });
    expect(result.error, 'zsh is missing: bash scripts/ensure-deps.sh installs it').toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const command of clientDoc().commands) expect(text).toContain(`'${command.name}:`);
  });
});
