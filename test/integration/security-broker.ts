/**
 * A broker with authenticated listeners for the security tests, run by scripts/kafka/broker.sh with
 * KAFKA_SECURE=1 on its own ports (FAUSTGEN_SECURE_BROKER_PORT, default 29092: PLAINTEXT there,
 * SASL_SSL on +2, SSL with client certificates on +3), so the shared broker is not disturbed.
 * stop() stops it only if this process started it.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** From the compiled file in dist/test/integration/ to the script in the checkout. */
const BROKER_SCRIPT = fileURLToPath(new URL('../../../scripts/kafka/broker.sh', import.meta.url));

/** What `broker.sh security` prints. */
interface SecurityFile {
  plaintext: string;
  saslSsl: string;
  ssl: string;
  username: string;
  password: string;
  mechanisms: string[];
  caPem: string;
  clientPkcs12: string;
  clientPassphrase: string;
}

export interface SecureBroker {
  /** kafka:// URLs of the three listeners. */
  plaintext: string;
  saslSsl: string;
  ssl: string;
  /** The user every SASL mechanism knows. */
  username: string;
  password: string;
  /** The CA that signed the broker's and the client's certificates, as PEM. */
  ca: string;
  /** The client's key and certificate chain as PKCS12, for Node's `pfx`. */
  clientPfx: Buffer;
  clientPassphrase: string;
  /** Whether this process started the broker (false: it was running and is reused). */
  startedHere: boolean;
  /** How long `broker.sh start` took, certificates and storage formatting included. */
  startMs: number;
  stop(): Promise<void>;
}

export function secureBrokerPort(): number {
  const port = Number(process.env.FAUSTGEN_SECURE_BROKER_PORT ?? 29092);
  if (!Number.isInteger(port) || port < 1 || port > 65532) {
    throw new Error(`FAUSTGEN_SECURE_BROKER_PORT=${process.env.FAUSTGEN_SECURE_BROKER_PORT}: not a port`);
  }
  return port;
}

async function brokerScript(command: string, port: number): Promise<string> {
  // Listener ports follow from KAFKA_PORT; values meant for another broker must not leak in.
  const {
    KAFKA_CONTROLLER_PORT: _controller,
    KAFKA_SASL_SSL_PORT: _saslSsl,
    KAFKA_SSL_PORT: _ssl,
    ...env
  } = process.env;
  try {
    const { stdout } = await run('bash', [BROKER_SCRIPT, command], {
      env: { ...env, KAFKA_PORT: String(port), KAFKA_SECURE: '1' },
      maxBuffer: 4 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`broker.sh ${command} (KAFKA_SECURE=1 KAFKA_PORT=${port}) failed:\n${stdout}${stderr}`, {
      cause: error,
    });
  }
}

export async function startSecureBroker(port = secureBrokerPort()): Promise<SecureBroker> {
  const started = performance.now();
  const output = await brokerScript('start', port);
  const startMs = performance.now() - started;
  const startedHere = !output.includes('(reused:');
  const info = JSON.parse(await brokerScript('security', port)) as SecurityFile;
  return {
    plaintext: info.plaintext,
    saslSsl: info.saslSsl,
    ssl: info.ssl,
    username: info.username,
    password: info.password,
    ca: await readFile(info.caPem, 'utf8'),
    clientPfx: await readFile(info.clientPkcs12),
    clientPassphrase: info.clientPassphrase,
    startedHere,
    startMs,
    stop: async () => {
      if (startedHere) await brokerScript('stop', port);
    },
  };
}
