import { describe, expect, it } from 'vitest';
import { InvalidEndpointError } from '../../src/domain/errors/domain.error.js';
import { ManagementEndpoint } from '../../src/domain/model/management-endpoint.js';

describe('ManagementEndpoint', () => {
  it('should post to the execute-api domain and stage a socket was opened on, in the region the domain names', () => {
    const endpoint = ManagementEndpoint.fromRequestContext(
      { apiId: 'abc123', domainName: 'abc123.execute-api.eu-west-1.amazonaws.com', stage: 'dev' },
      'us-east-1',
    );
    expect(endpoint.url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/dev');
    expect(endpoint.region).toBe('eu-west-1');
  });

  it('should post a custom-domain connection through its execute-api URL in the configured region', () => {
    const endpoint = ManagementEndpoint.fromRequestContext(
      { apiId: 'abc123', domainName: 'ws.example.com', stage: 'prod' },
      'ap-southeast-2',
    );
    expect(endpoint.url).toBe('https://abc123.execute-api.ap-southeast-2.amazonaws.com/prod');
    expect(endpoint.region).toBe('ap-southeast-2');
    expect(endpoint.domainName).toBe('ws.example.com');
  });

  it('should post to a loopback emulator over plain http with its port kept', () => {
    expect(ManagementEndpoint.fromRequestContext({ apiId: 'local1', domainName: '127.0.0.1:3001', stage: 'dev' }, 'us-east-1').url).toBe(
      'http://127.0.0.1:3001/dev',
    );
    expect(ManagementEndpoint.fromRequestContext({ apiId: 'local1', domainName: 'localhost:3001', stage: 'prod' }, 'us-east-1').url).toBe(
      'http://localhost:3001/prod',
    );
  });

  it('should keep two stages of one API apart', () => {
    const dev = ManagementEndpoint.fromRequestContext({ apiId: 'a1', domainName: 'a1.execute-api.us-east-1.amazonaws.com', stage: 'dev' }, 'us-east-1');
    const prod = ManagementEndpoint.fromRequestContext({ apiId: 'a1', domainName: 'a1.execute-api.us-east-1.amazonaws.com', stage: 'prod' }, 'us-east-1');
    expect(dev.url).not.toBe(prod.url);
    expect(dev.key).toBe('a1/dev');
  });

  it('should URL-encode a stage name with a dollar sign', () => {
    const endpoint = ManagementEndpoint.fromRequestContext({ apiId: 'a1', domainName: 'a1.execute-api.us-east-1.amazonaws.com', stage: '$default' }, 'us-east-1');
    expect(endpoint.url).toBe('https://a1.execute-api.us-east-1.amazonaws.com/%24default');
  });

  it.each([
    [{ apiId: '', domainName: 'a.example.com', stage: 'dev' }, 'apiId'],
    [{ apiId: 'ABC/../x', domainName: 'a.example.com', stage: 'dev' }, 'apiId'],
    [{ apiId: 'a1', domainName: 'a.example.com', stage: '' }, 'stage'],
    [{ apiId: 'a1', domainName: 'a.example.com', stage: 'dev/../prod' }, 'stage'],
    [{ apiId: 'a1', domainName: 'evil.com/path?x=', stage: 'dev' }, 'domainName'],
    [{ apiId: 'a1', domainName: 'b2.execute-api.us-east-1.amazonaws.com', stage: 'dev' }, 'belongs to API b2'],
  ])('should refuse %o with an error naming %s', (location, fragment) => {
    expect(() => ManagementEndpoint.fromRequestContext(location, 'us-east-1')).toThrow(InvalidEndpointError);
    expect(() => ManagementEndpoint.fromRequestContext(location, 'us-east-1')).toThrow(fragment);
  });

  it('should refuse a custom domain when the configured region is not a region', () => {
    expect(() => ManagementEndpoint.fromRequestContext({ apiId: 'a1', domainName: 'ws.example.com', stage: 'dev' }, 'moon')).toThrow(
      /region/,
    );
  });

  it('should round-trip through its stored form', () => {
    const endpoint = ManagementEndpoint.fromRequestContext({ apiId: 'a1', domainName: 'ws.example.com', stage: 'dev' }, 'eu-central-1');
    expect(ManagementEndpoint.restore(endpoint.toJSON()).toJSON()).toEqual(endpoint.toJSON());
  });
});
