import { type FSWatcher, watch } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Flags } from '@oclif/core';
import { PROJECT_TEMPLATE_DIR } from '../../generator/emit/templates.js';
import { DEFAULT_TOPOLOGY_FILE } from '../../generator/topology/index.js';
import { exitCodeOf, type GenerateResult, generateProject } from '../../generator/write/project.js';
import { reportLines } from '../../generator/write/report.js';
import { wantsColor } from '../support/color.js';

/** What `generate --json` prints: the result without the topology's text, and the exit code. */
export type GenerateJson = Omit<GenerateResult, 'topologyText'> & { readonly exitCode: number };

export default class Generate extends Command {
  static override summary = 'Generate src/generated/ and missing stubs from topology.json.';
  static override description =
    'src/generated/ is rewritten (stale files removed); stubs in src/agents/, src/tasks/, src/timers/, src/crontabs/ ' +
    'and src/services/ are created when missing and never overwritten. Exit codes: 0 done or up to date, ' +
    '1 invalid topology, (with --check) files out of date, or src/codecs.ts missing a declared codec, ' +
    '3 breaking change refused. Errors show the lines of the topology around them (in colour on a terminal); ' +
    '--json prints the result for machines.';
  static override examples = [
    '<%= config.bin %> generate',
    '<%= config.bin %> generate --check',
    '<%= config.bin %> generate --check --json',
    '<%= config.bin %> generate --watch',
    '<%= config.bin %> generate --topology path/to/topology.json --allow-breaking',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    topology: Flags.string({ description: 'the topology file', default: DEFAULT_TOPOLOGY_FILE }),
    dir: Flags.string({ description: 'the project folder', default: '.' }),
    check: Flags.boolean({ description: 'write nothing; exit 1 when files would change', default: false }),
    watch: Flags.boolean({
      description: 'regenerate when the topology or a template changes',
      default: false,
    }),
    'allow-breaking': Flags.boolean({
      description: 'write even when a change would reset or orphan state (tables, partitions, app version)',
      default: false,
    }),
  };

  async run(): Promise<GenerateJson | undefined> {
    const { flags } = await this.parse(Generate);
    if (flags.watch && this.jsonEnabled()) {
      // Not this.error(): under --json oclif turns any error into exit code 1.
      process.stderr.write('generate: --json prints one result: it cannot --watch\n');
      process.exitCode = 2;
      return undefined;
    }
    const projectDir = resolve(flags.dir);
    const topologyFile = resolve(projectDir, flags.topology);
    const once = async (): Promise<GenerateResult> => {
      const result = await generateProject({
        projectDir,
        topologyFile,
        check: flags.check,
        allowBreaking: flags['allow-breaking'],
      });
      const { out, err } = reportLines(result, flags.check, { color: wantsColor(process.stderr) });
      for (const line of out) this.log(line);
      for (const line of err) this.logToStderr(line);
      return result;
    };
    const first = await once();
    if (!flags.watch) {
      const exitCode = exitCodeOf(first);
      process.exitCode = exitCode;
      const { topologyText: _forPeople, ...result } = first;
      return { ...result, exitCode };
    }
    await this.watchAndRegenerate(projectDir, topologyFile, once);
    return undefined;
  }

  private watchAndRegenerate(
    projectDir: string,
    topologyFile: string,
    once: () => Promise<unknown>,
  ): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let running = Promise.resolve();
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        running = running.then(async () => {
          this.log(`\n${new Date().toISOString()} change detected, regenerating`);
          await once();
        });
      }, 150);
    };
    // Watch folders, not files: editors replace files on save. `.faustgen/` is watched once it exists.
    const topologyDir = resolve(topologyFile, '..');
    const watchers: FSWatcher[] = [];
    let templatesWatched = false;
    const watchTemplates = () => {
      if (templatesWatched) return;
      try {
        watchers.push(
          watch(join(projectDir, '.faustgen'), { recursive: true }, (_event, name) => {
            if (name?.startsWith('templates')) schedule();
          }),
        );
        templatesWatched = true;
      } catch {
        // No .faustgen/ yet: the project folder's watcher attaches it when it appears.
      }
    };
    watchers.push(
      watch(projectDir, (_event, name) => {
        if (name === '.faustgen') {
          watchTemplates();
          schedule();
        }
        if (name !== null && topologyDir === projectDir && join(projectDir, name) === topologyFile)
          schedule();
      }),
    );
    if (topologyDir !== projectDir) {
      watchers.push(
        watch(topologyDir, (_event, name) => {
          if (name !== null && join(topologyDir, name) === topologyFile) schedule();
        }),
      );
    }
    watchTemplates();
    const templates = join(projectDir, PROJECT_TEMPLATE_DIR);
    this.log(`watching ${topologyFile} and ${templates} (Ctrl-C to stop)`);
    return new Promise((done) => {
      const stop = () => {
        for (const watcher of watchers) watcher.close();
        clearTimeout(timer);
        done();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  }
}
