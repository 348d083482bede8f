/** IANA time zones as Node.js knows them. */

let names: string[] | undefined;

/** Every time zone name Intl supports, and UTC. */
export function timeZoneNames(): readonly string[] {
  names ??= ['UTC', ...Intl.supportedValuesOf('timeZone')];
  return names;
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
