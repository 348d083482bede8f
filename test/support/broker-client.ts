/**
 * The Kafka client the integration suite runs on: FAUSTGEN_BROKER_CLIENT (the brokerClient
 * setting's env variable, which the workers read too), kafkajs by default. `npm test` runs the
 * suite once per client.
 */
export type BrokerClientName = 'kafkajs' | 'librdkafka';

export function testBrokerClient(): BrokerClientName {
  return process.env.FAUSTGEN_BROKER_CLIENT?.trim() === 'librdkafka' ? 'librdkafka' : 'kafkajs';
}

/**
 * A skip reason for a test that the librdkafka client cannot pass (the runner prints it), or
 * undefined on kafkajs: `it(title, { skip: notOnLibrdkafka('why') }, ...)`.
 */
export function notOnLibrdkafka(reason: string): string | undefined {
  return testBrokerClient() === 'librdkafka' ? `not on librdkafka: ${reason}` : undefined;
}
