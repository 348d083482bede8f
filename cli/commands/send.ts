import { Args, Flags } from '@oclif/core';
import { projectCommand } from '../../generator/project/command.js';

export default projectCommand(
  'send',
  'Send a record to a topic or agent of the project, or newline-delimited JSON from a file or stdin.',
  [
    '<%= config.bin %> send payments --key acct-1 \'{"id": "p1"}\'',
    '<%= config.bin %> send payments --file payments.ndjson --key-field account',
    "cat payments.txt | <%= config.bin %> send payments - --key-separator '|'",
  ],
  {
    args: {
      target: Args.string({
        description: 'A topic, or @agent for the topic an agent reads.',
        required: true,
      }),
      value: Args.string({
        description: 'The value (JSON, else sent as text); `-` reads newline-delimited JSON from stdin.',
      }),
    },
    flags: {
      key: Flags.string({ description: 'The key of the record (of every line with --file or --stdin).' }),
      partition: Flags.integer({ description: 'The partition (default: by the key).' }),
      repeat: Flags.integer({ description: 'Send the single value this many times.' }),
      file: Flags.string({
        description:
          'Send each line of this file: newline-delimited JSON, one value per line, blank lines skipped. ' +
          'A bad line is reported with its line number and skipped; the good lines are still sent, and ' +
          'the exit code is 1 when any line was bad.',
      }),
      stdin: Flags.boolean({ description: 'As --file, from stdin (the same as the value `-`).' }),
      'key-field': Flags.string({
        description: 'With --file or --stdin: the key is this field of each value.',
      }),
      'key-separator': Flags.string({
        description: 'With --file or --stdin: each line is key<separator>json.',
      }),
    },
  },
);
