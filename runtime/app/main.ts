import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Agent } from '../agents/agent.js';
import type { Topic } from '../channels/topic.js';
import { BUILTIN_COMMANDS, type BuiltinCommandSpec, commandHelp } from '../core/commands.js';
import type { BootMode } from '../core/lifecycle.js';
import type { Logger } from '../core/logging/index.js';
import type { Settings } from '../core/settings/index.js';
import { type LineTarget, malformedAt, sendLines } from './send-lines.js';

/** The app as main() and its commands drive it (App is one). */
export interface MainHost {
  readonly appId: string;
  readonly conf: Readonly<Settings>;
  readonly logger: Logger;
  readonly crashError: Error | undefined;
  agents(): Agent<unknown, unknown, unknown>[];
  getAgent(name: string): Agent<unknown, unknown, unknown> | undefined;
  topics(): Topic<unknown, unknown>[];
  topic(name: string): Topic<unknown, unknown>;
  /** A declared topic, or undefined (never declares one). */
  getTopic(name: string): Topic<unknown, unknown> | undefined;
  customCommands(): AppCommand[];
  configure(flags: Record<string, unknown>): void;
  start(mode?: BootMode): Promise<void>;
  stop(): Promise<void>;
  onCrash(listener: (error: Error) => void): void;
}

type App = MainHost;

export interface CommandOptions {
  description: string;
  /** Flags the command accepts (node:util parseArgs options). */
  options?: Record<string, { type: 'string' | 'boolean'; short?: string; description?: string }>;
}

export interface AppCommand<A = MainHost> extends CommandOptions {
  name: string;
  run: (
    app: A,
    args: { positionals: string[]; values: Record<string, unknown> },
  ) => Promise<number | undefined>;
}

const SEND_USAGE =
  'send <topic|@agent> (<value> | --file F | --stdin | -) [--key K | --key-field F | --key-separator S] [--partition N] [--repeat N]';

const BUILTIN_HELP: Record<string, string> = {
  worker: 'start the worker: consume, run agents, commit',
  send: `${SEND_USAGE}: produce records (newline-delimited JSON from a file or stdin)`,
  agents: 'list the agents (--json: as JSON)',
  topics: 'list the topics (--json: as JSON)',
  models: 'list the models used by topics (--json: as JSON)',
};

/** Parses `argv` into a command, its positionals, its own flags and setting flags (`--broker-commit-every 5`). */
export function parseCommandLine(argv: string[]): {
  command: string | undefined;
  positionals: string[];
  flags: Record<string, string | boolean>;
} {
  const { tokens } = parseArgs({ args: argv, strict: false, allowPositionals: true, tokens: true });
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'positional') positionals.push(token.value);
    else if (token.kind === 'option') {
      const next = tokens[i + 1];
      if (token.value !== undefined) flags[token.name] = token.value;
      else if (next?.kind === 'positional' && !BOOLEAN_FLAGS.has(token.name)) {
        flags[token.name] = next.value;
        i++;
      } else flags[token.name] = true;
    }
  }
  const [command, ...rest] = positionals;
  return { command, positionals: rest, flags };
}

function usage(app: App): string {
  const lines = [`usage: <main> <command> [options]   (app ${app.appId})`, '', 'commands:'];
  for (const [name, help] of Object.entries(BUILTIN_HELP)) lines.push(`  ${name.padEnd(16)}${help}`);
  for (const command of app.customCommands())
    lines.push(`  ${command.name.padEnd(16)}${command.description}`);
  lines.push(
    '',
    'Any setting can be given as a flag: --broker kafka://host:9092 --loglevel debug',
    '<command> --help lists the arguments and flags of a command.',
  );
  return lines.join('\n');
}

/** Flags of the built-in commands; every other flag is a setting. */
const BUILTIN_FLAGS = Object.values(BUILTIN_COMMANDS as Record<string, BuiltinCommandSpec>).flatMap((spec) =>
  Object.entries(spec.flags),
);
const OWN_FLAGS = new Set(['help', 'loglevel', ...BUILTIN_FLAGS.map(([name]) => name)]);
const BOOLEAN_FLAGS = new Set([
  'help',
  'allow-stale',
  ...BUILTIN_FLAGS.filter(([, flag]) => flag.type === 'boolean').map(([name]) => name),
]);

/** The settings among the flags: all but main()'s own and those of the command being run. */
function settingFlags(
  flags: Record<string, string | boolean>,
  commandFlags: Iterable<string> = [],
): Record<string, unknown> {
  const own = new Set([...OWN_FLAGS, ...commandFlags]);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flags)) {
    if (name === 'loglevel') out.logLevel = value;
    else if (!own.has(name)) out[name] = value;
  }
  return out;
}

/** A command's arguments and flags: a custom command's own options, else the built-in's. */
function specOf(app: App, command: string): BuiltinCommandSpec | undefined {
  const custom = app.customCommands().find((c) => c.name === command);
  if (custom !== undefined) {
    const flags = Object.fromEntries(
      Object.entries(custom.options ?? {}).map(([name, option]) => [
        name,
        { type: option.type, description: option.description ?? '' },
      ]),
    );
    return { summary: custom.description, args: [], flags };
  }
  return (BUILTIN_COMMANDS as Record<string, BuiltinCommandSpec>)[command];
}

/** Runs one command of the app's command line; resolves with the exit code. */
export async function runMain(app: App, argv: string[]): Promise<number> {
  const { command, positionals, flags } = parseCommandLine(argv);
  const spec = command === undefined ? undefined : specOf(app, command);
  if (command !== undefined && spec !== undefined && flags.help === true) {
    console.log(commandHelp(command, spec));
    return 0;
  }
  if (!command || flags.help === true || command === 'help') {
    console.log(usage(app));
    return command ? 0 : 1;
  }
  try {
    app.configure(settingFlags(flags, Object.keys(spec?.flags ?? {})));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  switch (command) {
    case 'worker':
      return runWorker(app);
    case 'send':
      return runSend(app, positionals, flags);
    case 'agents':
      printListing(
        flags.json === true,
        ['agent', 'source', 'concurrency', 'isolated'],
        app.agents().map((a) => [a.name, a.source.name, String(a.concurrency), String(a.isolatedPartitions)]),
      );
      return 0;
    case 'topics':
      printListing(
        flags.json === true,
        ['topic', 'partitions', 'internal', 'key', 'value'],
        app
          .topics()
          .map((t) => [
            t.name,
            String(t.spec().partitions),
            String(t.options.internal ?? false),
            t.keySerde.describe(),
            t.valueSerde.describe(),
          ]),
      );
      return 0;
    case 'models': {
      const rows = new Map<string, string[]>();
      for (const topic of app.topics()) {
        for (const serde of [topic.keySerde, topic.valueSerde]) {
          const model = serde.model;
          if (model) rows.set(model.namespace, [model.name, model.namespace, topic.name]);
        }
      }
      printListing(flags.json === true, ['model', 'namespace', 'topic'], [...rows.values()]);
      return 0;
    }
    default: {
      const custom = app.customCommands().find((c) => c.name === command);
      if (!custom) {
        console.error(`unknown command ${command}\n\n${usage(app)}`);
        return 2;
      }
      return (await custom.run(app, { positionals, values: flags })) ?? 0;
    }
  }
}

async function runWorker(app: App): Promise<number> {
  let resolveExit!: (code: number) => void;
  const exit = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });
  const shutdown = (signal: string) => {
    app.logger.info(`${signal} received: stopping`);
    void app.stop().then(() => resolveExit(app.crashError ? 1 : 0));
  };
  const onTerm = () => shutdown('SIGTERM');
  const onInt = () => shutdown('SIGINT');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);
  app.onCrash(() => {
    void app.stop().then(() => resolveExit(1));
  });
  try {
    await app.start('worker');
  } catch (error) {
    app.logger.error(`worker failed to start: ${(error as Error).message}`);
    await app.stop().catch(() => undefined);
    return 1;
  }
  const c = app.conf;
  app.logger.info(
    [
      `faustgen worker ${app.appId} ready`,
      `  broker:  ${c.broker.join(', ')}`,
      `  agents:  ${app
        .agents()
        .map((a) => `${a.name} <- ${a.source.name}`)
        .join('; ')}`,
      `  topics:  ${app
        .topics()
        .map((t) => t.name)
        .join(', ')}`,
    ].join('\n'),
  );
  const code = await exit;
  process.off('SIGTERM', onTerm);
  process.off('SIGINT', onInt);
  return code;
}

async function runSend(
  app: App,
  positionals: string[],
  flags: Record<string, string | boolean>,
): Promise<number> {
  const [targetName, rawValue] = positionals;
  const fromStdin = flags.stdin === true || rawValue === '-';
  const file = typeof flags.file === 'string' ? flags.file : undefined;
  const inputs = [rawValue !== undefined && rawValue !== '-', fromStdin, file !== undefined].filter(Boolean);
  if (!targetName || inputs.length !== 1 || flags.file === true) {
    console.error(`usage: ${SEND_USAGE}`);
    return 2;
  }
  // Never app.topic(): that would declare (and on start create) a topic the app does not know.
  const target = targetName.startsWith('@')
    ? app.getAgent(targetName.slice(1))?.source
    : app.getTopic(targetName);
  if (!target) {
    console.error(
      targetName.startsWith('@')
        ? `no agent named ${targetName.slice(1)}; agents: ${app
            .agents()
            .map((a) => a.name)
            .join(', ')}`
        : `no topic named ${targetName} in app ${app.appId} (nothing was sent or created): declare it in ` +
            `topology.json, or send to one of: ${app
              .topics()
              .map((t) => t.name)
              .join(', ')}`,
    );
    return 2;
  }
  const inProcess = app.conf.broker.find((url) => url.startsWith('memory://'));
  if (inProcess !== undefined) {
    console.error(
      `note: the broker is ${inProcess}, which lives in this process only: no worker in another process ` +
        'will see what is sent here. Give --broker kafka://host:9092 to reach a worker.',
    );
  }
  const problem = sendFlagProblem(flags, rawValue === undefined || rawValue === '-');
  if (problem) {
    console.error(problem);
    return 2;
  }
  const partition = flags.partition === undefined ? undefined : Number(flags.partition);
  const key = typeof flags.key === 'string' ? flags.key : undefined;
  if (rawValue === undefined || rawValue === '-') {
    return sendFromLines(app, target as unknown as LineTarget, fromStdin ? undefined : file!, {
      key,
      field: flags['key-field'] as string | undefined,
      separator: flags['key-separator'] as string | undefined,
      partition,
    });
  }
  const repeat = flags.repeat === undefined ? 1 : Number(flags.repeat);
  let value: unknown = rawValue;
  try {
    value = JSON.parse(rawValue);
  } catch (error) {
    // Text that starts like JSON is meant as JSON: say where it breaks, not what the schema refuses.
    if (/^\s*[[{"]/.test(rawValue)) {
      console.error(
        `the value is not valid JSON, nothing was sent: ${malformedAt(error as Error, rawValue)}`,
      );
      return 2;
    }
    // otherwise: send the text
  }
  await app.start('producer');
  try {
    const deliveries: Promise<unknown>[] = [];
    for (let i = 0; i < repeat; i++) {
      const receipt = await target.send({ key, value, partition } as never);
      deliveries.push((receipt as { delivered?: Promise<unknown> }).delivered ?? Promise.resolve(receipt));
    }
    const results = await Promise.all(deliveries);
    for (const r of results) console.log(JSON.stringify(r));
    return 0;
  } catch (error) {
    console.error(`send failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await app.stop();
  }
}

/** What is wrong with the send flags, if anything. */
function sendFlagProblem(flags: Record<string, string | boolean>, fromLines: boolean): string | undefined {
  const repeat = flags.repeat === undefined ? 1 : Number(flags.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) {
    return `--repeat must be a positive integer, got ${String(flags.repeat)}`;
  }
  if (flags.partition !== undefined && !Number.isInteger(Number(flags.partition))) {
    return `--partition must be an integer, got ${String(flags.partition)}`;
  }
  for (const name of ['key', 'key-field', 'key-separator']) {
    if (flags[name] === true || flags[name] === '') return `--${name} needs a value`;
  }
  const keyRules = ['key', 'key-field', 'key-separator'].filter((name) => flags[name] !== undefined);
  if (keyRules.length > 1) return `give one of ${keyRules.map((n) => `--${n}`).join(', ')}, not several`;
  if (fromLines && flags.repeat !== undefined) return '--repeat is for a single value, not --file or --stdin';
  if (!fromLines && (flags['key-field'] !== undefined || flags['key-separator'] !== undefined)) {
    return '--key-field and --key-separator are for --file or --stdin; give a single value its key with --key';
  }
  return undefined;
}

/**
 * Newline-delimited JSON from `file` (stdin when undefined). Exit code 0 when every line was
 * sent, 1 when any line was bad or not delivered (the good lines are still sent), 2 when the file
 * cannot be read.
 */
async function sendFromLines(
  app: App,
  target: LineTarget,
  file: string | undefined,
  options: { key?: string; field?: string; separator?: string; partition?: number },
): Promise<number> {
  const input = file === undefined ? process.stdin : createReadStream(file);
  const opened = await new Promise<Error | undefined>((resolve) => {
    if (file === undefined) return resolve(undefined);
    input.once('open', () => resolve(undefined));
    input.once('error', (error: Error) => resolve(error));
  });
  if (opened) {
    console.error(`cannot read ${file}: ${opened.message}`);
    return 2;
  }
  await app.start('producer');
  const report = (message: string) => console.error(message);
  try {
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    const { bad, failed } = await sendLines(target, lines, { ...options, report });
    if (bad + failed === 0) return 0;
    const parts = [
      bad > 0 ? `${bad} bad line${bad === 1 ? '' : 's'} skipped` : '',
      failed > 0 ? `${failed} not delivered` : '',
    ];
    report(`${parts.filter(Boolean).join(', ')}; the other lines were sent`);
    return 1;
  } catch (error) {
    console.error(`send failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await app.stop();
  }
}

/** A listing as aligned columns, or with `json` as a JSON array of objects keyed by the header. */
export function printListing(json: boolean, header: string[], rows: string[][]): void {
  if (!json) {
    printTable(header, rows);
    return;
  }
  console.log(JSON.stringify(rows.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i] ?? ''])))));
}

/** Prints rows as aligned columns under a header (the listing commands). */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}
