/**
 * The faustgen assignor on librdkafka (brokerClient "librdkafka"), on the real broker: the same
 * three-worker scenario as assignor-kafka.test.ts. librdkafka cannot run faustgen's protocol (its
 * group uses range); each worker reads the group with DescribeGroups and derives standbys and
 * URLs (the URL from each member's client id), and every worker must get the same answer.
 */
import { librdkafkaTransport } from '../../runtime/transport/librdkafka/index.js';
import { describeAssignorOnBroker } from '../support/assignor-on-broker.js';
import { librdkafkaOrSkip } from '../support/librdkafka.js';

describeAssignorOnBroker({
  title: 'faustgen assignor on librdkafka on the real broker',
  namePrefix: 'rd-assignor',
  createTransport: librdkafkaTransport,
  available: () => librdkafkaOrSkip('three workers on librdkafka: co-partitioned, standbys, URLs'),
});
