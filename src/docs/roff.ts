/**
 * Plain text for a man page: backslashes escaped, hyphens as minus signs (so options can be
 * copied), a line starting with a dot or a quote kept from being read as a request.
 */
export function roffText(text: string): string {
  return text
    .replaceAll('\\', '\\e')
    .replaceAll('-', '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

/** The settings table's inline markdown (`code`, **strong**, *emphasis*) in roff fonts. */
export function roffFromMarkdown(markdown: string): string {
  return markdown
    .split(/(`[^`]*`|\*\*[^*]+\*\*|\*[^*]+\*)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1) return bold(part.slice(1, -1));
      if (part.startsWith('**') && part.endsWith('**') && part.length > 3) return bold(part.slice(2, -2));
      if (part.startsWith('*') && part.endsWith('*') && part.length > 1) return italic(part.slice(1, -1));
      return roffText(part);
    })
    .join('');
}

export function bold(text: string): string {
  return `\\fB${roffText(text)}\\fR`;
}

export function italic(text: string): string {
  return `\\fI${roffText(text)}\\fR`;
}

/** A man page's title line: name, section, the package and version it documents. */
export function titleLine(name: string, section: number, version: string, manual: string): string {
  return `.TH ${name.toUpperCase().replaceAll('-', '\\-')} ${section} "" "link ${roffText(version)}" "${manual}"`;
}

/** A tagged paragraph: `tag` on its own line, `body` indented under it. */
export function taggedParagraph(tag: string, body: string): string[] {
  return ['.TP', tag, body];
}

/** A description from a table or a command definition, ended as a sentence. */
export function sentence(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}
