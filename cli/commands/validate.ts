import { Args, Command } from '@oclif/core';
import {
  DEFAULT_TOPOLOGY_FILE,
  loadTopology,
  type Topology,
  type TopologyError,
  topologyErrorLines,
} from '../../generator/topology/index.js';
import { wantsColor } from '../support/color.js';

export interface ValidateResult {
  file: string;
  valid: boolean;
  errors: TopologyError[];
}

function summary(topology: Topology): string {
  const counts: [number, string][] = [
    [Object.keys(topology.models).length, 'model'],
    [Object.keys(topology.topics).length, 'topic'],
    [Object.keys(topology.channels).length, 'channel'],
    [Object.keys(topology.tables).length, 'table'],
    [Object.keys(topology.joins).length, 'join'],
    [Object.keys(topology.agents).length, 'agent'],
    [Object.keys(topology.tasks).length, 'task'],
    [Object.keys(topology.timers).length, 'timer'],
    [Object.keys(topology.crontabs).length, 'crontab'],
    [Object.keys(topology.services).length, 'service'],
    [Object.keys(topology.routes).length, 'route'],
  ];
  return counts
    .filter(([count]) => count > 0)
    .map(([count, what]) => `${count} ${what}${count === 1 ? '' : 's'}`)
    .join(', ');
}

export default class Validate extends Command {
  static override summary = 'Check a topology file and report every error in it.';
  static override description =
    'Reports each error with file:line:column, its code (docs/topology.md lists them), the JSON pointer of the value, ' +
    'what is wrong, the lines of the file around it and how to fix it (in colour on a terminal; NO_COLOR turns ' +
    'colour off, FORCE_COLOR on). --json prints the result for machines. Exits 0 when the file is valid and 1 ' +
    'when it is not.';
  static override examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate path/to/topology.json',
    '<%= config.bin %> validate --json',
  ];
  static override args = {
    file: Args.string({ description: 'the topology file', default: DEFAULT_TOPOLOGY_FILE }),
  };
  static override enableJsonFlag = true;

  async run(): Promise<ValidateResult> {
    const { args } = await this.parse(Validate);
    const { file, text, topology, errors } = loadTopology(args.file);
    const result: ValidateResult = { file, valid: errors.length === 0, errors: [...errors] };
    if (topology !== undefined) {
      this.log(`${file} is valid: app ${topology.app.id} v${topology.app.version}; ${summary(topology)}`);
    } else {
      for (const line of topologyErrorLines(errors, text, { color: wantsColor(process.stderr) })) {
        this.logToStderr(line);
      }
      this.logToStderr(`\n${file}: ${errors.length} error${errors.length === 1 ? '' : 's'}`);
      // Set, not this.exit(1): --json still prints the result.
      process.exitCode = 1;
    }
    return result;
  }
}
