import { describe, expect, it } from 'vitest';
import { InvalidEndpointError } from '../../src/domain/errors/domain.error.js';
import { AWS_REGION_PATTERN, ManagementEndpoint } from '../../src/domain/model/management-endpoint.js';

/** Where a connection opened on `domainName` would be posted to, and signed for. */
function postedTo(domainName: string, apiId = 'abc123', defaultRegion = 'us-east-1') {
  const endpoint = ManagementEndpoint.fromRequestContext({ apiId, domainName, stage: 'dev' }, defaultRegion);
  return { url: endpoint.url, region: endpoint.region };
}

/** The only URL a look-alike domain may lead to: the API's own execute-api URL in the configured region. */
const OWN_URL = 'https://abc123.execute-api.us-east-1.amazonaws.com/dev';

describe('ManagementEndpoint host patterns', () => {
  it.each([
    'abc123.execute-api.eu-west-1.amazonaws.com.evil.example',
    'abc123.execute-api.eu-west-1.amazonaws.com.cn.evil.example',
    'evil.abc123.execute-api.eu-west-1.amazonaws.com',
    'abc123.execute-api.eu-west-1.amazonaws.comx',
    'abc123.execute-api.eu-west-1.amazonawsxcom',
    'abc123.execute-apixeu-west-1.amazonaws.com',
  ])('should never post signed requests to the look-alike execute-api domain %s', (domainName) => {
    expect(postedTo(domainName)).toEqual({ url: OWN_URL, region: 'us-east-1' });
  });

  it('should post to an execute-api domain in China with its .cn suffix, signed for its region', () => {
    expect(postedTo('abc123.execute-api.cn-north-1.amazonaws.com.cn')).toEqual({
      url: 'https://abc123.execute-api.cn-north-1.amazonaws.com.cn/dev',
      region: 'cn-north-1',
    });
  });

  it('should read a GovCloud region (us-gov-west-1) from an execute-api domain', () => {
    expect(postedTo('abc123.execute-api.us-gov-west-1.amazonaws.com')).toEqual({
      url: 'https://abc123.execute-api.us-gov-west-1.amazonaws.com/dev',
      region: 'us-gov-west-1',
    });
  });

  it('should post a custom-domain connection in a GovCloud region when that is the configured region', () => {
    expect(postedTo('ws.example.com', 'abc123', 'us-gov-west-1')).toEqual({
      url: 'https://abc123.execute-api.us-gov-west-1.amazonaws.com/dev',
      region: 'us-gov-west-1',
    });
  });

  it('should read a multi-digit region number from an execute-api domain', () => {
    expect(postedTo('abc123.execute-api.ap-southeast-12.amazonaws.com').region).toBe('ap-southeast-12');
  });

  it.each(['localhost.evil.example', 'localhost.evil.example:3001', 'evil-localhost', '127.0.0.1.evil.example', 'evil.127.0.0.1'])(
    'should never post over plain http to the look-alike loopback host %s',
    (domainName) => {
      expect(postedTo(domainName)).toEqual({ url: OWN_URL, region: 'us-east-1' });
    },
  );

  it.each(['localhost', 'localhost:3001', '127.0.0.1', '127.0.0.1:65535', '127.10.20.30:3001', '[::1]:3001', '[::1]'])(
    'should post to the loopback emulator %s over plain http',
    (domainName) => {
      expect(postedTo(domainName)).toEqual({ url: `http://${domainName}/dev`, region: 'us-east-1' });
    },
  );

  it.each(['127.0.0.1:123456', '127.0.0.1:', '127.0.0', '127.0.0.1.1', '127.1234.0.1', '[::1]x', '[::2]:3001', '127.0.0.1:3001.evil.example'])(
    'should not take %s for the loopback emulator',
    (domainName) => {
      const endpoint = (() => {
        try {
          return postedTo(domainName);
        } catch (error) {
          return error;
        }
      })();
      expect(endpoint).not.toMatchObject({ url: expect.stringMatching(/^http:/) });
    },
  );

  it.each([
    ['abc123/../evil', 'after'],
    ['../abc123', 'before'],
    ['evil abc123', 'inside'],
    ['a'.repeat(65), 'over 64 characters'],
    ['ABC123', 'upper case'],
  ])('should refuse the API id %s (characters %s the allowed ones)', (apiId) => {
    expect(() => postedTo('ws.example.com', apiId)).toThrow(InvalidEndpointError);
    expect(() => postedTo('ws.example.com', apiId)).toThrow(/apiId/);
  });

  it('should accept an API id of 64 characters', () => {
    expect(postedTo('ws.example.com', 'a'.repeat(64)).url).toBe(`https://${'a'.repeat(64)}.execute-api.us-east-1.amazonaws.com/dev`);
  });

  it.each([
    ['dev/../prod', 'a slash'],
    ['dev?x=1', 'a query'],
    ['s'.repeat(129), 'over 128 characters'],
  ])('should refuse the stage %s (%s)', (stage) => {
    expect(() => ManagementEndpoint.fromRequestContext({ apiId: 'a1', domainName: 'ws.example.com', stage }, 'us-east-1')).toThrow(/stage/);
  });

  it('should accept a stage of 128 characters with _ and -', () => {
    const stage = `${'s'.repeat(126)}_-`;
    expect(ManagementEndpoint.fromRequestContext({ apiId: 'a1', domainName: 'ws.example.com', stage }, 'us-east-1').stage).toBe(stage);
  });

  it.each(['us-gov-west-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1', 'il-central-1', 'us-isob-east-1'])('should take %s for a region', (region) => {
    expect(AWS_REGION_PATTERN.test(region)).toBe(true);
  });

  it.each(['xeu-west-1', 'eu-west-1x', 'eu-west-1/evil', 'evil/eu-west-1', 'eu-west', 'euwest-1', 'e-west-1', 'eu--1', 'EU-WEST-1', 'eu-west-'])(
    'should not take %s for a region',
    (region) => {
      expect(AWS_REGION_PATTERN.test(region)).toBe(false);
      expect(() => postedTo('ws.example.com', 'abc123', region)).toThrow(/region/);
    },
  );

  it('should refuse a region the execute-api domain names when it is not a region, and not sign for it', () => {
    // Not an execute-api domain once the region is wrong: it is then a custom domain, posted in the configured region.
    expect(postedTo('abc123.execute-api.eu-west.amazonaws.com')).toEqual({ url: OWN_URL, region: 'us-east-1' });
    expect(postedTo('abc123.execute-api.e-west-1.amazonaws.com')).toEqual({ url: OWN_URL, region: 'us-east-1' });
  });

  it('should trim and lower-case the domain name, and trim the API id and stage', () => {
    const endpoint = ManagementEndpoint.fromRequestContext(
      { apiId: ' abc123 ', domainName: ' ABC123.Execute-Api.EU-WEST-1.amazonaws.com ', stage: ' dev ' },
      'us-east-1',
    );
    expect(endpoint.toJSON()).toEqual({
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      stage: 'dev',
      url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev',
      region: 'eu-west-1',
    });
  });

  it('should refuse a missing API id, domain or stage with an InvalidEndpointError, not a TypeError', () => {
    const missing = (location: Record<string, unknown>) => () =>
      ManagementEndpoint.fromRequestContext(location as never, 'us-east-1');
    expect(missing({ domainName: 'ws.example.com', stage: 'dev' })).toThrow(InvalidEndpointError);
    expect(missing({ apiId: 'a1', domainName: 'ws.example.com' })).toThrow(InvalidEndpointError);
    expect(missing({ apiId: 'a1', stage: 'dev' })).toThrow(InvalidEndpointError);
  });

  it('should name the refused value in the error', () => {
    expect(() => postedTo('ws.example.com', 'bad/id')).toThrow('apiId "bad/id" is not an API Gateway id');
    expect(() => ManagementEndpoint.fromRequestContext({ apiId: 'a1', domainName: 'ws.example.com', stage: 'a/b' }, 'us-east-1')).toThrow(
      'stage "a/b" is not a valid stage name',
    );
    expect(() => postedTo('evil.com/x')).toThrow('domainName "evil.com/x" is not a host name');
    expect(() => postedTo('ws.example.com', 'abc123', 'moon')).toThrow('region "moon" is not an AWS region');
    expect(() => postedTo('b2.execute-api.us-east-1.amazonaws.com', 'a1')).toThrow(
      'domainName "b2.execute-api.us-east-1.amazonaws.com" belongs to API b2, not a1',
    );
  });

  it.each([
    ['a'.repeat(64) + '.com', 'a label over 63 characters'],
    ['-ws.example.com', 'a label starting with -'],
    ['ws-.example.com', 'a label ending with -'],
    ['ws..example.com', 'an empty label'],
    [`${'a.'.repeat(127)}com`, 'over 253 characters'],
    ['ws.example.com:123456', 'a port over 5 digits'],
    ['ws_x.example.com', 'an underscore'],
  ])('should refuse the custom domain %s (%s)', (domainName) => {
    expect(() => postedTo(domainName)).toThrow(/not a host name/);
  });

  it.each(['ws.example.com', 'ws.example.com:8443', 'a', `${'a'.repeat(63)}.example.com`, 'x-1.example.com'])(
    'should accept the custom domain %s',
    (domainName) => {
      expect(postedTo(domainName).url).toBe(OWN_URL);
    },
  );

  it('should give the key of its API and stage and keep the domain it was opened on', () => {
    const endpoint = ManagementEndpoint.fromRequestContext({ apiId: 'abc123', domainName: 'ws.example.com', stage: 'dev' }, 'us-east-1');
    expect(endpoint.key).toBe('abc123/dev');
    expect(endpoint.domainName).toBe('ws.example.com');
    expect(endpoint.apiId).toBe('abc123');
  });
});
