import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidEndpointError } from '../../src/domain/errors/domain.error.js';
import { ManagementEndpoint } from '../../src/domain/model/management-endpoint.js';

/**
 * For any apiId, domainName, stage and region: either a valid endpoint whose URL host is the API's
 * execute-api host, a loopback host (the emulator) or, for a custom domain, the execute-api host built from
 * the apiId and the default region; or an InvalidEndpointError. Never another error, never another host.
 */
const RUNS = { numRuns: 300 };

const anyText = fc.string({ unit: 'binary', maxLength: 80 });
const apiIds = fc.oneof(fc.stringMatching(/^[a-z0-9]{1,12}$/), anyText, fc.constantFrom('apia1', 'API1', ''));
const regions = fc.oneof(
  fc.constantFrom('eu-west-1', 'us-east-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-2', 'eu-west-1.evil', 'EU-WEST-1', ''),
  anyText,
);
const hosts = fc.oneof(
  fc.domain(),
  fc.constantFrom('localhost:3001', '127.0.0.1:3001', '[::1]:3001', 'localhost.evil.example', '127.0.0.1.evil.example'),
  fc.tuple(apiIds, regions).map(([id, region]) => `${id}.execute-api.${region}.amazonaws.com`),
  fc.tuple(apiIds, regions).map(([id, region]) => `${id}.execute-api.${region}.amazonaws.com.evil.example`),
  anyText,
);
const stages = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), anyText, fc.constantFrom('dev', '$default', '../admin', 'a/b', ''));

describe('ManagementEndpoint.fromRequestContext for any input', () => {
  it('should build an endpoint on an execute-api, loopback or derived host, or refuse with InvalidEndpointError', () => {
    fc.assert(
      fc.property(apiIds, hosts, stages, regions, (apiId, domainName, stage, defaultRegion) => {
        let endpoint: ManagementEndpoint;
        try {
          endpoint = ManagementEndpoint.fromRequestContext({ apiId, domainName, stage }, defaultRegion);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidEndpointError);
          return;
        }
        const url = new URL(endpoint.url);
        expect(url.pathname).toBe(`/${encodeURIComponent(endpoint.stage)}`);
        expect(url.search + url.hash).toBe('');
        expect(endpoint.region).toMatch(/^[a-z]{2}(?:-[a-z]+)+-\d+$/);
        const executeApi = /^([a-z0-9]+)\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/.exec(url.host);
        if (url.protocol === 'http:') {
          expect(url.hostname).toMatch(/^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/);
          expect(endpoint.region).toBe(defaultRegion);
        } else {
          expect(url.protocol).toBe('https:');
          expect(executeApi?.[1]).toBe(endpoint.apiId);
          expect(endpoint.region).toBe(executeApi?.[2]);
          // A custom domain posts through the execute-api host of the default region; never to the domain itself.
          if (url.host !== endpoint.domainName) expect(endpoint.region).toBe(defaultRegion);
        }
      }),
      RUNS,
    );
  });

  it('should refuse fields of the wrong type with InvalidEndpointError, not a TypeError', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (apiId, domainName, stage) => {
        try {
          ManagementEndpoint.fromRequestContext({ apiId, domainName, stage } as never, 'us-east-1');
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidEndpointError);
        }
      }),
      RUNS,
    );
  });
});
