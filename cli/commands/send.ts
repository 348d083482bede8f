import { projectCommand } from '../../generator/project/command.js';

export default projectCommand(
  'send',
  'Send a record to a topic or agent of the project, or newline-delimited JSON from a file or stdin.',
  [
    '<%= config.bin %> send payments --key acct-1 \'{"id": "p1"}\'',
    '<%= config.bin %> send payments --file payments.ndjson --key-field account',
    "cat payments.txt | <%= config.bin %> send payments - --key-separator '|'",
  ],
);
