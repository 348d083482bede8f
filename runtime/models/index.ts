export { type FieldError, ValidationError } from './errors.js';
export { isModel, model } from './model.js';
export { getModel, modelNamespaces, registerModel, unregisterModel } from './registry.js';
export { type AjvInstance, createAjv, DRAFT_URIS, type Draft, draftOf } from './ajv.js';
export type { AnyModel, JSONSchema, Model, ModelOptions, ModelSchemas } from './types.js';
