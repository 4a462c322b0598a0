import { VERSION } from '../config/package-version.js';
import { bashCompletion } from './bash-completion.js';
import { linkClientManPage } from './link-client-man.js';
import { linkdManPage } from './linkd-man.js';
import { zshCompletion } from './zsh-completion.js';

/**
 * Files generated from the settings table and link-client's command definitions, by path in the
 * repository: `npm run docs` writes them, a test checks the committed ones match.
 */
export function generatedDocs(version = VERSION): Record<string, string> {
  return {
    'docs/man/linkd.8': linkdManPage(version),
    'docs/man/link-client.1': linkClientManPage(version),
    'deploy/completion/link-client.bash': bashCompletion(),
    'deploy/completion/_link-client': zshCompletion(),
  };
}
