import { HEALTH_CHECK_SYNTAX } from '../cli/client/health-check-arg.js';
import { type ClientDoc, clientDoc, type FlagDoc } from './command-tree.js';
import { bold, italic, roffText, sentence, taggedParagraph, titleLine } from './roff.js';

function flagTag(flag: FlagDoc): string {
  const names = [flag.short, flag.long].filter((name): name is string => !!name).map(bold);
  return flag.value ? `${names.join(', ')} ${italic(flag.value)}` : names.join(', ');
}

function flagParagraphs(flags: readonly FlagDoc[]): string[] {
  return flags.flatMap((flag) => {
    const choices = flag.choices ? ` One of: ${flag.choices.join(', ')}.` : '';
    const fallback = flag.default === undefined ? '' : ` Default: ${flag.default}.`;
    return taggedParagraph(flagTag(flag), roffText(`${sentence(flag.description)}${choices}${fallback}`));
  });
}

/** link-client(1), from the commands and flags link-client itself parses. */
export function linkClientManPage(version: string, doc: ClientDoc = clientDoc()): string {
  const commands = doc.commands.flatMap((command) => {
    const names = [command.name, ...command.aliases].map(bold).join(', ');
    const args = command.args.map((arg) => italic(arg)).join(' ');
    return [
      ...taggedParagraph(`${names}${args ? ` ${args}` : ''}`, roffText(sentence(command.description))),
      ...(command.flags.length ? ['.RS', ...flagParagraphs(command.flags), '.RE'] : []),
    ];
  });
  return [
    titleLine('link-client', 1, version, 'User Commands'),
    '.SH NAME',
    `link\\-client \\- ${roffText(doc.description.replace(/^D/, 'd'))}`,
    '.SH SYNOPSIS',
    `${bold('link-client')} [${italic('GLOBAL OPTION')}]... ${italic('COMMAND')} [${italic('OPTION')}]... [${italic('ID')}]`,
    '.SH DESCRIPTION',
    roffText(
      'link-client adds, lists, changes and removes the endpoints (virtual IPs) of a LinK agent, linkd(8), ' +
        "through its HTTP API. It speaks LinK v3's commands and flags. Any error the API answers makes it " +
        'exit non-zero, with the message on standard error.',
    ),
    '.SH GLOBAL OPTIONS',
    ...flagParagraphs(doc.globalFlags),
    '.SH COMMANDS',
    ...commands,
    '.SH HEALTH CHECKS',
    roffText(`--health-check takes ${HEALTH_CHECK_SYNTAX}; repeat it for several checks.`),
    '.SH ENVIRONMENT',
    ...taggedParagraph(bold('LINK_HOST'), roffText('The API address when --host is not given.')),
    ...taggedParagraph(
      bold('LINK_API_USER'),
      roffText("Basic auth user when -u is not given (linkd's own variable: one file serves both)."),
    ),
    ...taggedParagraph(
      bold('LINK_API_PASSWORD'),
      roffText('Basic auth password when -p is not given; prefer it to -p, which shows in ps.'),
    ),
    '.SH EXIT STATUS',
    ...taggedParagraph(bold('0'), 'Done.'),
    ...taggedParagraph(bold('1'), roffText('The API refused the request or could not be reached.')),
    ...taggedParagraph(bold('2'), roffText('A mistake on the command line.')),
    '.SH EXAMPLES',
    '.nf',
    roffText('link-client create --ip 10.0.0.100/32 --health-check "TCP 127.0.0.1:5432"'),
    roffText('link-client list'),
    roffText('link-client failover vip-0b5c...'),
    '.fi',
    '.SH SEE ALSO',
    `${bold('linkd')}(8)`,
    '',
  ].join('\n');
}
