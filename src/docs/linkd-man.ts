import { linkdCommand } from '../config/cli-flags.js';
import { envOf, isSwitch, type Setting, settings } from '../config/config.schema.js';
import { bold, italic, roffFromMarkdown, roffText, sentence, taggedParagraph, titleLine } from './roff.js';

function defaultText(spec: Setting): string {
  if (spec.required) return 'Required.';
  if (spec.defaultDoc) return `Default: ${roffFromMarkdown(spec.defaultDoc)}.`;
  if (spec.default !== undefined) return `Default: ${bold(spec.default)}.`;
  return 'Unset by default.';
}

function optionTag(spec: Setting): string {
  if (isSwitch(spec)) return `${bold(spec.flag)}, ${bold(`--no-${spec.flag.slice(2)}`)}`;
  return `${bold(spec.flag)} ${italic(spec.arg ?? 'VALUE')}`;
}

/** linkd(8), from the settings table that also gives `linkd --help` and the README's table. */
export function linkdManPage(version: string): string {
  const options = (Object.values(settings) as Setting[]).flatMap((spec) =>
    taggedParagraph(
      optionTag(spec),
      `${roffFromMarkdown(sentence(spec.description))}\nVariable: ${bold(envOf(spec))}. ${defaultText(spec)}`,
    ),
  );
  return [
    titleLine('linkd', 8, version, 'System Administration'),
    '.SH NAME',
    `linkd \\- ${roffText(linkdCommand(version).description())}`,
    '.SH SYNOPSIS',
    `${bold('linkd')} [${italic('OPTION')}]...`,
    '.SH DESCRIPTION',
    roffText(
      'linkd runs on every host that may hold a virtual IP (VIP). The agents coordinate only through etcd: ' +
        'for each VIP they race for a lock bound to one lease per host, and the holder binds the address on ' +
        'its interface and announces it with gratuitous ARP (IPv4) or unsolicited neighbour advertisements ' +
        '(IPv6). Health checks move a failing host out of the election. Endpoints (VIPs) are added and ' +
        'removed through the HTTP API, or with link-client(1).',
    ),
    '.PP',
    roffText(
      'Every setting is a flag and a LINK_* environment variable; a flag wins over the variable, which wins ' +
        'over the default. Durations take the unit shown (SECONDS or MS) or a suffix: 500ms, 3s, 1m. ' +
        'Switches take true/false (also 1/0, yes/no) in the environment. An empty variable counts as unset.',
    ),
    '.SH OPTIONS',
    ...options,
    ...taggedParagraph(
      `${bold('-h')}, ${bold('--help')}`,
      'Print the options with their variables and defaults.',
    ),
    ...taggedParagraph(`${bold('-V')}, ${bold('--version')}`, 'Print the version.'),
    '.SH SIGNALS',
    ...taggedParagraph(
      bold('SIGTERM'),
      roffText(
        'Hand every VIP over to another host (make-before-break), then exit; with --hold-on-stop, keep the ' +
          'VIPs bound and the lease alive for a quick restart instead.',
      ),
    ),
    ...taggedParagraph(bold('SIGINT'), 'As SIGTERM.'),
    ...taggedParagraph(
      bold('SIGUSR2'),
      roffText(
        'Exit keeping the VIPs bound and the lease alive, whatever --hold-on-stop says: the package upgrade ' +
          'restarts the agent this way, so no VIP drops.',
      ),
    ),
    ...taggedParagraph(
      bold('SIGHUP'),
      roffText(
        'Reload: re-read the API certificate and key (--tls-cert, --tls-key) and apply the endpoints file ' +
          '(--endpoints-file) again. systemctl reload sends it.',
      ),
    ),
    '.SH EXIT STATUS',
    ...taggedParagraph(bold('0'), 'Stopped on a signal, or --help / --version.'),
    ...taggedParagraph(bold('1'), roffText('Could not start: the interface, etcd or the listen address.')),
    ...taggedParagraph(
      bold('2'),
      roffText(
        'A flag, variable or file named by one is invalid; the message names the flag and the variable.',
      ),
    ),
    '.SH FILES',
    ...taggedParagraph(
      italic('/etc/link/linkd.env'),
      roffText(
        'The LINK_* variables of the systemd unit (and of link-client run from a shell that reads it).',
      ),
    ),
    ...taggedParagraph(
      italic('/etc/link/endpoints.yaml'),
      roffText('The endpoints this host should have, when LINK_ENDPOINTS_FILE names it.'),
    ),
    ...taggedParagraph(
      italic('/lib/systemd/system/linkd.service'),
      roffText('The systemd unit: runs linkd as user link with CAP_NET_ADMIN and CAP_NET_RAW only.'),
    ),
    '.SH SEE ALSO',
    `${bold('link-client')}(1), ${bold('etcd')}(1), ${bold('ip')}(8)`,
    '',
  ].join('\n');
}
