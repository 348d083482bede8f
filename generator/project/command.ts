/** The oclif command class of each project command (cli/commands/<name>.ts default-exports one). */
import { type Command, Command as OclifCommand, type Interfaces } from '@oclif/core';
import { type ProjectCommand, runProjectCommand } from './run-app.js';

const ALLOW_STALE = '--allow-stale';

/** Arguments and flags to list in `--help` (the command passes argv on as it is, unparsed). */
export interface ProjectCommandHelp {
  readonly args?: Interfaces.ArgInput;
  readonly flags?: Interfaces.FlagInput;
}

export function projectCommand(
  name: ProjectCommand,
  summary: string,
  examples: string[],
  help: ProjectCommandHelp = {},
): typeof Command {
  return class extends OclifCommand {
    static override args = help.args ?? {};
    static override flags = help.flags ?? {};
    static override summary = summary;
    static override description =
      `Runs \`${name}\` of the project's compiled app (node dist/main.js ${name} ...) in the current folder; ` +
      'every argument and flag is passed on to `app.main()`. When dist/main.js is missing or older than src/, ' +
      'says how to build.' +
      (name === 'worker'
        ? ' Refuses to start when src/generated was generated from another topology.json than the current one ' +
          `(${ALLOW_STALE} overrides).`
        : '');
    static override examples = examples;
    static override strict = false;

    async run(): Promise<void> {
      const args = this.argv.filter((arg) => arg !== ALLOW_STALE);
      process.exitCode = await runProjectCommand(name, args, {
        allowStale: this.argv.includes(ALLOW_STALE),
        report: (message) => this.logToStderr(message),
      });
    }
  };
}
