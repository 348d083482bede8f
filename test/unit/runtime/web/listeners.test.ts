import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { memoryApp } from '../../../support/index.js';

/** GET over a unix socket or HTTPS (fetch does neither without extra packages). */
function get(
  options: { socketPath?: string; url?: string; ca?: Buffer; headers?: Record<string, string> },
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const done = (response: import('node:http').IncomingMessage) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    };
    const outgoing = options.socketPath
      ? httpRequest({ socketPath: options.socketPath, path, headers: options.headers }, done)
      : httpsRequest(new URL(path, options.url), { ca: options.ca, headers: options.headers }, done);
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('web listeners: unix socket, CORS and HTTPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faustgen-web-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('listens on a unix socket (webTransport unix://) and applies webCorsOptions', async () => {
    const socketPath = join(dir, 'web.sock');
    const app = memoryApp('webunix', {
      store: 'memory://',
      webEnabled: true,
      webTransport: `unix://${socketPath}`,
      webCorsOptions: { origin: 'https://dashboard.example' },
    });
    app.page('/hello', () => ({ hello: 'world' }));
    await app.start();
    try {
      assert.deepEqual(app.web.address, { kind: 'unix', path: socketPath });
      const answer = await get({ socketPath, headers: { origin: 'https://dashboard.example' } }, '/hello');
      assert.equal(answer.status, 200);
      assert.deepEqual(JSON.parse(answer.body), { hello: 'world' });
      assert.equal(answer.headers['access-control-allow-origin'], 'https://dashboard.example');
      const health = await get({ socketPath }, '/health');
      assert.equal(JSON.parse(health.body).live, true);
    } finally {
      await app.stop();
    }
  });

  describe('HTTPS (webSslContext)', () => {
    let key: string;
    let cert: string;
    before(() => {
      key = join(dir, 'key.pem');
      cert = join(dir, 'cert.pem');
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1'].concat([
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ]),
        { stdio: 'ignore' },
      );
    });

    it('serves HTTPS with key and cert given as file paths', async () => {
      const app = memoryApp('webtls', {
        store: 'memory://',
        webEnabled: true,
        webBind: '127.0.0.1',
        webPort: 0,
        webSslContext: { key, cert },
      });
      app.page('/hello', () => ({ secure: true }));
      await app.start();
      try {
        const address = app.web.address;
        assert.ok(address?.kind === 'tcp');
        assert.match(address.url, /^https:\/\/127\.0\.0\.1:\d+$/);
        const answer = await get({ url: address.url, ca: readFileSync(cert) }, '/hello');
        assert.equal(answer.status, 200);
        assert.deepEqual(JSON.parse(answer.body), { secure: true });
      } finally {
        await app.stop();
      }
    });
  });

  it('refuses webSslContext without key and cert, naming what is missing', async () => {
    const app = memoryApp('webtlsbad', {
      store: 'memory://',
      webEnabled: true,
      webBind: '127.0.0.1',
      webPort: 0,
      webSslContext: true,
    });
    await assert.rejects(app.start(), /webSslContext needs TLS options with at least key and cert/);
    await app.stop();
  });
});
