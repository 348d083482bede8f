/** Errors of joins, each naming the join, what is wrong and what to do. */

/** Two sides of a join are not co-partitioned: a key's events and rows would be on different workers. */
export class JoinPartitionsError extends Error {
  constructor(
    readonly join: string,
    readonly counts: readonly { what: string; partitions: number }[],
  ) {
    super(
      `join ${join}: its sides are not co-partitioned (${counts
        .map((c) => `${c.what} has ${c.partitions} partition${c.partitions === 1 ? '' : 's'}`)
        .join(', ')}). A join reads a key's events and state in one partition number: give every ` +
        'side the same number of partitions, or repartition a stream with groupBy(..., { partitions })',
    );
    this.name = 'JoinPartitionsError';
  }
}

/** The sides of a join serialize keys differently, so equal keys would not meet. */
export class JoinKeyTypesError extends Error {
  constructor(
    readonly join: string,
    readonly left: { what: string; keyType: string },
    readonly right: { what: string; keyType: string },
  ) {
    super(
      `join ${join}: ${left.what} has keys of type ${left.keyType} but ${right.what} has keys of type ` +
        `${right.keyType}. A join matches equal keys: declare both sides with the same keyType ` +
        '(and key serializer)',
    );
    this.name = 'JoinKeyTypesError';
  }
}
