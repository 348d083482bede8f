/**
 * Python-format-style templates used by settings: `{id}-v{self.version}` (idFormat) and
 * `{conf.name}-data` (datadir). `{{` and `}}` are literal braces.
 */
import { SettingValueError } from './types.js';

/** Replaces each `{name}` with `lookup(name)`; `lookup` returns undefined for a name it does not know. */
export function formatTemplate(template: string, lookup: (name: string) => unknown): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, name: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const key = (name ?? '').trim();
    const value = lookup(key);
    if (value === undefined) {
      throw new SettingValueError(`unknown placeholder {${key}} in ${JSON.stringify(template)}`);
    }
    return String(value);
  });
}
