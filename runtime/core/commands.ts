/**
 * The built-in commands of `app.main()` as data: their arguments and flags, each described once.
 * main() prints them for `<command> --help`, and the CLI's project commands (`faustgen send`, ...)
 * list them in their oclif `--help`. Any setting is a flag too (`--broker`, `--web-port`, ...).
 */

export interface CommandFlagSpec {
  readonly type: 'string' | 'boolean';
  /** For string flags that take a number. */
  readonly integer?: boolean;
  readonly description: string;
}

export interface CommandArgSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
}

export interface BuiltinCommandSpec {
  readonly summary: string;
  readonly args: readonly CommandArgSpec[];
  readonly flags: Readonly<Record<string, CommandFlagSpec>>;
}

const JSON_FLAG: CommandFlagSpec = {
  type: 'boolean',
  description: 'Print the listing as a JSON array of objects.',
};

export const BUILTIN_COMMANDS = {
  worker: {
    summary: 'start the worker: consume, run agents, commit',
    args: [],
    flags: {},
  },
  send: {
    summary: 'produce records (newline-delimited JSON from a file or stdin)',
    args: [
      { name: 'target', description: 'A topic, or @agent for the topic an agent reads.', required: true },
      {
        name: 'value',
        description: 'The value (JSON, else sent as text); `-` reads newline-delimited JSON from stdin.',
      },
    ],
    flags: {
      key: { type: 'string', description: 'The key of the record (of every line with --file or --stdin).' },
      partition: { type: 'string', integer: true, description: 'The partition (default: by the key).' },
      repeat: { type: 'string', integer: true, description: 'Send the single value this many times.' },
      file: {
        type: 'string',
        description:
          'Send each line of this file: newline-delimited JSON, one value per line, blank lines skipped. ' +
          'A bad line is reported with its line number and skipped; the good lines are still sent, and ' +
          'the exit code is 1 when any line was bad.',
      },
      stdin: { type: 'boolean', description: 'As --file, from stdin (the same as the value `-`).' },
      'key-field': {
        type: 'string',
        description: 'With --file or --stdin: the key is this field of each value.',
      },
      'key-separator': {
        type: 'string',
        description: 'With --file or --stdin: each line is key<separator>json.',
      },
    },
  },
  agents: { summary: 'list the agents', args: [], flags: { json: JSON_FLAG } },
  topics: { summary: 'list the topics', args: [], flags: { json: JSON_FLAG } },
  models: { summary: 'list the models used by topics', args: [], flags: { json: JSON_FLAG } },
  tables: {
    summary: 'list the tables: changelog topic, partitions, store, local keys and size',
    args: [],
    flags: { json: JSON_FLAG },
  },
  reset: {
    summary: 'drop local table state (rebuilt from the changelogs at the next start); stop workers first',
    args: [],
    flags: { table: { type: 'string', description: 'Only this table.' } },
  },
  'clean-versions': {
    summary: 'drop the local data of other app versions (<datadir>/v<N>); stop their workers first',
    args: [],
    flags: {},
  },
} as const satisfies Record<string, BuiltinCommandSpec>;

export type BuiltinCommandName = keyof typeof BUILTIN_COMMANDS;

/** Flags every command takes: two of the settings (any setting is a flag), and help. */
export const COMMON_FLAGS: Readonly<Record<string, CommandFlagSpec>> = {
  broker: {
    type: 'string',
    description: 'The broker URL(s), e.g. kafka://host:9092 or memory://; any setting is a flag.',
  },
  loglevel: { type: 'string', description: 'The log level (debug, info, warn, error).' },
};

/** The help of one command: usage, arguments and flags. */
export function commandHelp(name: string, spec: BuiltinCommandSpec): string {
  const usage = [
    name,
    ...spec.args.map((arg) => (arg.required ? `<${arg.name}>` : `[${arg.name}]`)),
    Object.keys(spec.flags).length > 0 ? '[flags]' : '',
  ].filter(Boolean);
  const lines = [`usage: <main> ${usage.join(' ')}`, '', spec.summary];
  if (spec.args.length > 0) {
    lines.push('', 'arguments:');
    for (const arg of spec.args) lines.push(`  ${arg.name.padEnd(20)}${arg.description}`);
  }
  lines.push('', 'flags:');
  for (const [flag, option] of Object.entries({ ...spec.flags, ...COMMON_FLAGS })) {
    const shown = option.type === 'boolean' ? `--${flag}` : `--${flag} ${option.integer ? 'N' : 'X'}`;
    lines.push(`  ${shown.padEnd(20)}${option.description}`);
  }
  return lines.join('\n');
}
