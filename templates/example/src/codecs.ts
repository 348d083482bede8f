import { gunzipSync, gzipSync } from 'node:zlib';
import { registerCodec } from 'faustgen';

/** gzip-json: JSON compressed with gzip, for the large daily reports. */
registerCodec('gzip-json', {
  name: 'gzip-json',
  encode(value: unknown): Buffer {
    return gzipSync(Buffer.from(JSON.stringify(value)));
  },
  decode(data: Buffer): unknown {
    return JSON.parse(gunzipSync(data).toString('utf8'));
  },
});
