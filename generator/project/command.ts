/** The oclif command class of each project command (cli/commands/<name>.ts default-exports one). */
import { Args, type Command, Flags, type Interfaces, Command as OclifCommand } from '@oclif/core';
import { BUILTIN_COMMANDS, COMMON_FLAGS, type CommandFlagSpec } from '../../runtime/core/index.js';
import { type ProjectCommand, runProjectCommand } from './run-app.js';

const ALLOW_STALE = '--allow-stale';

function oclifFlag(flag: CommandFlagSpec) {
  if (flag.type === 'boolean') return Flags.boolean({ description: flag.description });
  return flag.integer
    ? Flags.integer({ description: flag.description })
    : Flags.string({ description: flag.description });
}

/**
 * The arguments and flags `--help` lists: the runtime's (app.main() parses them; the command passes
 * argv on as it is), and the worker's --allow-stale, which this CLI handles.
 */
export function projectCommandHelp(name: ProjectCommand): {
  args: Interfaces.ArgInput;
  flags: Interfaces.FlagInput;
} {
  const spec = BUILTIN_COMMANDS[name];
  const args = Object.fromEntries(
    spec.args.map((arg) => [
      arg.name,
      Args.string({ description: arg.description, required: 'required' in arg && arg.required }),
    ]),
  );
  const flags: Interfaces.FlagInput = Object.fromEntries(
    Object.entries({ ...spec.flags, ...COMMON_FLAGS }).map(([flag, option]) => [flag, oclifFlag(option)]),
  );
  if (name === 'worker') {
    flags['allow-stale'] = Flags.boolean({
      description: 'Start even when src/generated was generated from another topology.json.',
    });
  }
  return { args, flags };
}

export function projectCommand(name: ProjectCommand, summary: string, examples: string[]): typeof Command {
  const help = projectCommandHelp(name);
  return class extends OclifCommand {
    static override args = help.args;
    static override flags = help.flags;
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
