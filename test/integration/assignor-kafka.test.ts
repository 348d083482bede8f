/**
 * The faustgen assignor on the real broker: three kafka:// consumers in one group, each with a
 * FaustgenAssignor. Co-partitioning holds, standbys are assigned (never on the active worker),
 * every worker sees every worker's URL (read back with DescribeGroups), and when one worker leaves
 * only its partitions move (the test prints whether each went to its standby or not).
 */
import { kafkaTransport } from '../../runtime/transport/kafka/index.js';
import { describeAssignorOnBroker } from '../support/assignor-on-broker.js';

describeAssignorOnBroker({
  title: 'faustgen assignor on the real broker',
  namePrefix: 'assignor',
  createTransport: kafkaTransport,
});
