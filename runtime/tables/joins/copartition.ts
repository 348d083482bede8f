/**
 * The checks every join makes: equal key types when it is declared, and equal partition counts
 * when the worker starts (the broker's counts, which may differ from what the app declares).
 */
import type { TypeSpec } from '../../channels/serde.js';
import { JoinKeyTypesError, JoinPartitionsError } from './errors.js';

/** A side of a join as the checks see it: what to call it and how its keys are typed. */
export interface KeyedSide {
  what: string;
  keyType: TypeSpec | undefined;
}

export function describeKeyType(spec: TypeSpec | undefined): string {
  if (spec === undefined) return 'json (no keyType)';
  return typeof spec === 'string' ? spec : `model ${spec.name}`;
}

/** Throws JoinKeyTypesError when both sides name a key type and the two differ. */
export function checkKeyTypes(join: string, left: KeyedSide, right: KeyedSide): void {
  if (left.keyType === undefined || right.keyType === undefined) return;
  if (left.keyType === right.keyType) return;
  if (typeof left.keyType !== 'string' && typeof right.keyType !== 'string') {
    if (left.keyType.namespace === right.keyType.namespace) return;
  }
  throw new JoinKeyTypesError(
    join,
    { what: left.what, keyType: describeKeyType(left.keyType) },
    { what: right.what, keyType: describeKeyType(right.keyType) },
  );
}

/** Throws JoinPartitionsError unless every side has the same number of partitions. */
export function checkCopartitioned(
  join: string,
  counts: readonly { what: string; partitions: number }[],
): void {
  const first = counts[0]?.partitions;
  if (counts.every((c) => c.partitions === first)) return;
  throw new JoinPartitionsError(join, counts);
}
