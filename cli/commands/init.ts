import { relative } from 'node:path';
import { Args, Command, Flags } from '@oclif/core';
import { formatTopologyError } from '../../generator/topology/index.js';
import { initProject } from '../../generator/project/init.js';
import { EXIT_CODES } from '../../generator/write/project.js';
import { reportLines } from '../../generator/write/report.js';

export default class Init extends Command {
  static override summary =
    'Create a project from a topology file (the example when none is given), then generate it.';
  static override description =
    'Writes package.json (depending on faustgen), tsconfig.json, topology.json, src/main.ts, a test on the broker-free ' +
    'test driver and a CI workflow that runs `faustgen generate --check`, the build and the tests; then runs ' +
    '`faustgen generate`. Without --topology the project is the payments example with implemented stubs.';
  static override examples = [
    '<%= config.bin %> init payments-app',
    '<%= config.bin %> init my-app --topology topology.json',
    '<%= config.bin %> init my-app --faustgen ./faustgen-0.1.0.tgz',
  ];
  static override args = {
    dir: Args.string({ description: 'the project folder (created when missing)', default: '.' }),
  };
  static override flags = {
    topology: Flags.string({ description: 'the topology file to start from (default: the example)' }),
    faustgen: Flags.string({
      description:
        "faustgen's dependency in package.json: a tarball or folder path (written as file: relative to the " +
        'project, so both can move together), a file: spec (relative to the project) or a version. ' +
        "Default: this faustgen's checkout, relative. faustgen is not on npm: `npm pack` in a checkout makes a tarball.",
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Init);
    let result: Awaited<ReturnType<typeof initProject>>;
    try {
      result = await initProject({ dir: args.dir, topology: flags.topology, faustgen: flags.faustgen });
    } catch (error) {
      this.logToStderr((error as Error).message);
      process.exitCode = 1;
      return;
    }
    if (result.errors.length > 0 || result.generate === undefined) {
      for (const error of result.errors) this.logToStderr(formatTopologyError(error));
      this.logToStderr('nothing was written: fix the topology file first');
      process.exitCode = 1;
      return;
    }
    for (const file of result.written) this.log(`wrote ${file}`);
    const { out, err } = reportLines(result.generate, false);
    for (const line of out) this.log(line);
    for (const line of err) this.logToStderr(line);
    const code = EXIT_CODES[result.generate.status];
    if (code !== 0) {
      process.exitCode = code;
      return;
    }
    const where = relative(process.cwd(), result.projectDir) || '.';
    this.log('\nNext:');
    this.log(`  cd ${where} && npm install && npm run build && npm test`);
    this.log(
      '  npx faustgen worker        # FAUSTGEN_BROKER=kafka://host:9092 or memory:// picks the broker',
    );
  }
}
