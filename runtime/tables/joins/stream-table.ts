/**
 * Stream-table join: each event of a topic with the table's current value of the event's key
 * (Kafka Streams' KStream-KTable join). The table is read as it is when the event is processed;
 * changes of the table emit nothing. Inner drops events whose key the table does not have (and
 * events without a key), left keeps them with `right: undefined`. A table's default does not count.
 *
 *   const enrich = app.streamTableJoin(orders, customers, { kind: 'left' });
 *   app.agent(orders, { name: 'enrich' }, async (stream) => {
 *     for await (const { left: order, right: customer } of enrich.join(stream)) { ... }
 *   });
 */
import type { Topic } from '../../channels/topic.js';
import { runForEvent } from '../../streams/context.js';
import type { Event } from '../../streams/event.js';
import { Stream } from '../../streams/stream.js';
import type { Table } from '../table.js';
import { checkCopartitioned, checkKeyTypes } from './copartition.js';
import type { JoinHost } from './host.js';
import type { StreamTableJoined, StreamTableJoinKind, StreamTableJoinOptions } from './types.js';

export class StreamTableJoin<K, V, T, J extends StreamTableJoinKind> {
  readonly name: string;

  constructor(
    host: JoinHost,
    readonly topic: Topic<K, V>,
    readonly table: Table<K, T, unknown>,
    readonly options: StreamTableJoinOptions<J>,
  ) {
    if (options.kind !== 'inner' && options.kind !== 'left') {
      throw new Error(
        `join ${topic.name} with table ${table.name}: kind must be 'inner' or 'left', got ${JSON.stringify(options.kind)}`,
      );
    }
    this.name = `${topic.name} with table ${table.name}`;
    checkKeyTypes(
      this.name,
      { what: `topic ${topic.name}`, keyType: topic.options.keyType },
      { what: `table ${table.name}`, keyType: table.options.keyType },
    );
    if (!table.global) {
      host.addStartCheck(this.name, async () => {
        checkCopartitioned(this.name, [
          { what: `topic ${topic.name}`, partitions: await host.partitionCount(topic.name) },
          { what: `table ${table.name}'s changelog`, partitions: table.partitions },
        ]);
      });
    }
  }

  /** The stream's events with the table's value of their key; the stream must read the join's topic. */
  join(stream: Stream<K, V>): Stream<K, StreamTableJoined<V, T, J>> {
    if (stream.name !== this.topic.name) {
      throw new Error(
        `join ${this.name}: join() got a stream of ${stream.name}; it joins streams of topic ${this.topic.name}`,
      );
    }
    const upstream = stream.source;
    const inner = this.options.kind === 'inner';
    const lookup = (event: Event<K, V>): T | undefined =>
      event.key === null || event.key === undefined
        ? undefined
        : // Read as the event's own partition does: the table's rows of that partition only.
          runForEvent(event as Event<unknown, unknown>, () =>
            this.table.getRaw(this.table.serializeKey(event.key)),
          );
    return new Stream<K, StreamTableJoined<V, T, J>>(
      {
        name: upstream.name,
        async next() {
          for (;;) {
            const event = await upstream.next();
            if (!event) return undefined;
            const right = lookup(event);
            if (right === undefined && inner) {
              event.ack();
              continue;
            }
            return event.withValue({ left: event.value, right } as StreamTableJoined<V, T, J>);
          }
        },
      },
      stream.host,
      stream.state,
    );
  }
}
