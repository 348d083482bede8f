/**
 * `app.settings`: each value read by its setting's own parser, and the settings as a whole
 * resolved the way the runtime will (consistency between settings, the effective app id), with
 * no env variables or flags: the file is checked for what it says.
 */
import { isSettingName, resolveSettings, SettingsError } from '../../../runtime/core/index.js';
import { didYouMean } from '../issues.js';
import { joinPointer } from '../json-source.js';
import { isObject } from '../read.js';
import { SETTINGS_OWNED_BY_APP } from '../settings-schema.js';
import { timeZoneNames } from './time-zones.js';
import type { CheckContext } from './context.js';

/** Checks the settings; returns the effective app id (`<id>-v<version>` past version 1) when known. */
export function checkSettings(context: CheckContext): string | undefined {
  const app = context.topology.app;
  if (app?.id === undefined) return undefined;
  const written =
    isObject(context.document) && isObject(context.document.app) ? context.document.app.settings : {};
  const given: Record<string, unknown> = {};
  if (isObject(written)) {
    for (const [name, value] of Object.entries(written)) {
      // Unknown names and misplaced ones (version) are schema errors already.
      if (
        isSettingName(name) &&
        !(name in SETTINGS_OWNED_BY_APP) &&
        context.usable(joinPointer('/app/settings', name))
      ) {
        given[name] = value;
      }
    }
  }
  if (app.version !== undefined) given.version = app.version;
  try {
    return resolveSettings(app.id, given, { env: {}, flags: {} }).appId;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    for (const problem of error.problems) {
      const inFile = problem.setting in given && problem.setting !== 'version';
      const pointer =
        problem.setting === 'version'
          ? '/app/version'
          : inFile
            ? joinPointer('/app/settings', problem.setting)
            : problem.setting === 'id'
              ? '/app/id'
              : '/app/settings';
      let suggestion = problem.suggestion;
      const value = given[problem.setting];
      if (suggestion === undefined && problem.setting === 'timezone' && typeof value === 'string') {
        suggestion = didYouMean(value, timeZoneNames());
      }
      context.issues.add({
        code: 'FG4020',
        pointer,
        message: `${problem.setting}: ${problem.message}`,
        fix: `give ${problem.setting} a value of the form docs/settings.md lists for it`,
        suggestion,
      });
    }
    return undefined;
  }
}
