import { Command } from '@oclif/core';

// The `broker` setting's default; the settings registry (runtime/app) will own it once it exists.
const DEFAULT_BROKER = 'kafka://127.0.0.1:9092';

export interface InfoResult {
  faustgen: string;
  node: string;
  broker: string;
  brokerSource: 'FAUSTGEN_BROKER' | 'default';
}

export default class Info extends Command {
  static override summary = 'Show the faustgen and Node.js versions and the broker in effect.';
  static override description =
    'The broker is FAUSTGEN_BROKER when set (a URL such as kafka://127.0.0.1:9092, or memory://), else the default.';
  static override examples = [
    '<%= config.bin %> info',
    'FAUSTGEN_BROKER=memory:// <%= config.bin %> info --json',
  ];
  static override enableJsonFlag = true;

  async run(): Promise<InfoResult> {
    await this.parse(Info);
    const fromEnv = process.env.FAUSTGEN_BROKER?.trim();
    const result: InfoResult = {
      faustgen: this.config.version,
      node: process.version,
      broker: fromEnv ? fromEnv : DEFAULT_BROKER,
      brokerSource: fromEnv ? 'FAUSTGEN_BROKER' : 'default',
    };
    this.log(`faustgen ${result.faustgen}`);
    this.log(`node     ${result.node}`);
    this.log(
      `broker   ${result.broker} (${result.brokerSource === 'default' ? 'default' : 'from FAUSTGEN_BROKER'})`,
    );
    return result;
  }
}
