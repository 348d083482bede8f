/**
 * Whether the optional librdkafka client (@confluentinc/kafka-javascript) is installed here. Where
 * it is not, suites on it register one skipped test that says why, so a run shows the gap.
 * FAUSTGEN_REQUIRE_LIBRDKAFKA=1 (set by .ci/run) turns the skip into a failure.
 */
import { it } from 'node:test';
import { loadKafkaJavascript } from '../../runtime/transport/librdkafka/index.js';

export function librdkafkaMissing(): string | undefined {
  try {
    loadKafkaJavascript();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** True when the client loads; otherwise registers a skipped (or, in CI, failing) test named `title`. */
export function librdkafkaOrSkip(title: string): boolean {
  const missing = librdkafkaMissing();
  if (missing === undefined) return true;
  if (process.env.FAUSTGEN_REQUIRE_LIBRDKAFKA === '1') {
    it(title, () => {
      throw new Error(missing);
    });
  } else {
    it(title, { skip: missing }, () => {});
  }
  return false;
}
