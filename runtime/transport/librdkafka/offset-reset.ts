/**
 * librdkafka's offset resets, read from its log (the native binding hands the application neither
 * the partition nor the offset of an ERR__AUTO_OFFSET_RESET). librdkafka logs every reset of a
 * partition, as a warning when a fetch was refused as out of range and the topic's
 * auto.offset.reset moved it, and as a debug line of the `topic` context when auto.offset.reset is
 * `error` (it then stops fetching the partition):
 *
 *   t [0]: offset reset (at offset 5000 (leader epoch 0), broker 1) to offset BEGINNING (leader
 *   epoch -1): fetch failed due to requested offset not available on the broker: Broker: Offset
 *   out of range
 *
 * The consumer turns such a line into faustgen's out-of-range decision (kafka/offset-out-of-range.ts).
 */

export interface OffsetReset {
  topic: string;
  partition: number;
  /** The fetch position that was refused; undefined when there was none (no committed offset). */
  fetchOffset: number | undefined;
  /** Where librdkafka moved the partition: BEGINNING, END, INVALID (stopped: auto.offset.reset error), or an offset. */
  resetTo: string;
  /** The broker refused the fetch offset as out of range (else: e.g. no committed offset). */
  outOfRange: boolean;
}

const RESET =
  /^(?:\[thrd:[^\]]*\]: )?(\S+) \[(\d+)\]: offset reset \(at offset (\S+) \(leader epoch -?\d+\), broker -?\d+\) to (?:cached BEGINNING offset )?offset (\S+) \(leader epoch -?\d+\): (.*)$/;

export function parseOffsetReset(line: string): OffsetReset | undefined {
  const match = RESET.exec(line);
  if (!match) return undefined;
  const at = Number(match[3]);
  return {
    topic: match[1]!,
    partition: Number(match[2]),
    fetchOffset: Number.isSafeInteger(at) && at >= 0 ? at : undefined,
    resetTo: match[4]!,
    outOfRange: /Offset out of range/i.test(match[5]!),
  };
}
