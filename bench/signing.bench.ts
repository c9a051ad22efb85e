/**
 * Signing micro-bench: socketpost's signer (`SigV4Signer`) against `@smithy/signature-v4` (the SDK's, with
 * `node:crypto` hashing) and `aws4`, signing the same PostToConnection request (the same message buffer each
 * time, as in a fan-out), interleaved round by round; each figure is the median of the warm rounds.
 * Run alone with `npx tsx bench/signing.bench.ts`.
 */
import aws4 from 'aws4';
import { createHash, createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import { SigV4Signer } from '../src/adapters/api-gateway/sigv4.signer.js';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  ratio: number;
}

const credentials = { accessKeyId: 'AKIDBENCHEXAMPLE', secretAccessKey: 'bench-secret-access-key' };
const region = 'eu-west-1';
const host = 'abc123defg.execute-api.eu-west-1.amazonaws.com';
const body = new TextEncoder().encode('{"kind":"bench","text":"hello"}');
const path = `/prod/@connections/${encodeURIComponent('L0SM9cOFvHcCIhw=')}`;
const baseHeaders = { 'content-type': 'application/octet-stream', 'content-length': String(body.byteLength) };

/** The smithy signer's hash interface, backed by node:crypto (what @smithy/hash-node does). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** Signs `perRound` requests per path per round; returns µs per signature (median of the warm rounds). */
export async function benchSigning({ rounds = 5, perRound = 5_000 }: { rounds?: number; perRound?: number } = {}): Promise<BenchRow[]> {
  const ours = new SigV4Signer();
  const smithy = new SignatureV4({ service: 'execute-api', region, credentials, sha256: NodeSha256, applyChecksum: false });
  const now = Date.now();

  const signOurs = () => ours.sign({ method: 'POST', host, path, headers: baseHeaders, body }, credentials, region, now).authorization;
  const amzDate = new Date(Math.floor(now / 1000) * 1000).toISOString().replace(/[:-]|\.\d{3}/g, '');
  const signAws4 = () =>
    String(
      (
        aws4.sign(
          { method: 'POST', host, path, headers: { ...baseHeaders, host, 'x-amz-date': amzDate }, body: Buffer.from(body), service: 'execute-api', region },
          credentials,
        ).headers as Record<string, unknown>
      ).Authorization,
    );
  const signSmithy = async () =>
    (
      await smithy.sign(
        { method: 'POST', protocol: 'https:', hostname: host, path, headers: { ...baseHeaders, host }, body },
        { signingDate: new Date(Math.floor(now / 1000) * 1000) },
      )
    ).headers.authorization;

  // All must produce the same signature, or the comparison means nothing.
  const expected = await signSmithy();
  if (signOurs() !== expected || signAws4() !== expected) throw new Error('the signers disagree on the signature');

  const paths: Record<string, () => unknown> = { ours: signOurs, smithy: signSmithy, aws4: signAws4 };
  const samples: Record<string, number[]> = { ours: [], smithy: [], aws4: [] };
  const names = Object.keys(paths);
  // Round 0 warms up; the order rotates so no path always runs first.
  for (let round = 0; round <= rounds; round += 1) {
    const order = names.map((_, i) => names[(i + round) % names.length] as string);
    for (const name of order) {
      const sign = paths[name] as () => unknown;
      const started = performance.now();
      for (let i = 0; i < perRound; i += 1) await sign();
      const microsPerSign = ((performance.now() - started) * 1000) / perRound;
      if (round > 0) samples[name]?.push(microsPerSign);
    }
  }
  const oursUs = median(samples.ours ?? []);
  const smithyUs = median(samples.smithy ?? []);
  const aws4Us = median(samples.aws4 ?? []);
  return [
    { name: 'sign PostToConnection: socketpost signer', value: oursUs, unit: 'µs/signature', baseline: '@smithy/signature-v4', baselineValue: smithyUs, ratio: oursUs / smithyUs },
    { name: 'sign PostToConnection: socketpost signer, vs aws4', value: oursUs, unit: 'µs/signature', baseline: 'aws4', baselineValue: aws4Us, ratio: oursUs / aws4Us },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const rows = await benchSigning(quick ? { rounds: 3, perRound: 1_000 } : {});
  for (const row of rows) {
    console.log(`${row.name}: ${row.value.toFixed(1)} ${row.unit}; ${row.baseline}: ${row.baselineValue.toFixed(1)} ${row.unit}; ratio ${row.ratio.toFixed(2)}`);
  }
}
