/** Every problem found in the configuration at once, each naming its flag and variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** `--help` or `--version`: not an error, but linkd must print `output` and exit 0 without starting. */
export class ConfigExit extends Error {
  constructor(readonly output: string) {
    super('exit requested by --help or --version');
    this.name = 'ConfigExit';
  }
}
