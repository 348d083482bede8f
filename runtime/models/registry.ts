import type { AnyModel } from './types.js';

/** Every model by namespace, as Faust's `faust.models.registry`: incoming `__faust.ns` is looked up here. */
const byNamespace = new Map<string, AnyModel>();

/**
 * Registers a model under its namespace. Registering the same schema again under a namespace replaces
 * the entry (a module loaded twice); a different schema under a taken namespace is an error.
 */
export function registerModel(model: AnyModel): void {
  const existing = byNamespace.get(model.namespace);
  if (existing && existing !== model && JSON.stringify(existing.schema) !== JSON.stringify(model.schema)) {
    throw new TypeError(
      `model namespace '${model.namespace}' is already taken by model '${existing.name}' with a different schema; ` +
        'give one of them another namespace',
    );
  }
  byNamespace.set(model.namespace, model);
}

/** The model registered under `namespace`. */
export function getModel(namespace: string): AnyModel | undefined {
  return byNamespace.get(namespace);
}

/** The registered namespaces, sorted. */
export function modelNamespaces(): string[] {
  return [...byNamespace.keys()].sort();
}

/** Removes a model from the registry (tests, hot reload). */
export function unregisterModel(namespace: string): boolean {
  return byNamespace.delete(namespace);
}
