import { Args, Command } from '@oclif/core';
import { runDemo } from '../../generator/project/demo.js';

export default class Demo extends Command {
  static override summary = 'Init, build and run the payments example with sample traffic.';
  static override description =
    'Creates the example project in the folder (once; later runs regenerate and rebuild it), installs it against ' +
    'this faustgen, builds it and runs its worker with PAYMENTS_DEMO=1, which feeds sample payments. Runs on ' +
    'memory:// unless FAUSTGEN_BROKER is set; FAUSTGEN_WEB_PORT picks the web port (default 6066).';
  static override examples = [
    '<%= config.bin %> demo',
    'FAUSTGEN_BROKER=kafka://127.0.0.1:9092 <%= config.bin %> demo',
  ];
  static override args = {
    dir: Args.string({ description: 'the demo project folder', default: 'faustgen-demo' }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(Demo);
    process.exitCode = await runDemo({
      dir: args.dir,
      log: (line) => this.log(line),
      report: (line) => this.logToStderr(line),
    });
  }
}
