/**
 * Builds the object an extension-class setting names (`Monitor`, `HttpClient`): its default
 * name gives faustgen's own class; a class given in code must extend it.
 */
export function constructExtension<T extends object, O>(
  setting: string,
  ref: unknown,
  builtin: abstract new (options: O) => T,
  defaultName: string,
  options: O,
): T {
  if (ref === defaultName) return Reflect.construct(builtin, [options]) as T;
  if (typeof ref === 'string') {
    throw new Error(
      `setting ${setting}: ${JSON.stringify(ref)} cannot be loaded by name; give the class itself in code ` +
        `(a class extending faustgen's ${builtin.name}), or leave the default ${JSON.stringify(defaultName)}`,
    );
  }
  if (typeof ref !== 'function') {
    throw new Error(
      `setting ${setting}: expected a class extending faustgen's ${builtin.name}, got ${typeof ref}`,
    );
  }
  let made: unknown;
  try {
    made = Reflect.construct(ref, [options]);
  } catch (error) {
    if (error instanceof TypeError && /not a constructor/.test(error.message)) {
      throw new Error(`setting ${setting}: ${ref.name || 'the function given'} is not a class`, {
        cause: error,
      });
    }
    throw error;
  }
  if (!(made instanceof builtin)) {
    throw new Error(
      `setting ${setting}: ${ref.name || 'the class given'} does not extend faustgen's ${builtin.name}`,
    );
  }
  return made;
}
